package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/cimkit/cimkit/rfm"
)

const clvSynopsis = "-in orders.csv -customer COL -order COL -time COL -amount COL -asof YYYY-MM-DD [-period day|week] [-t N] [-horizon 12] [-discount 0.01] [-risk FILE] -out clv.csv"

func runCLV(s stdio, args []string) error {
	fs := newFlagSet(s, "clv", clvSynopsis)
	var p purchaseFlags
	p.register(fs)
	out := fs.String("out", "", "output CSV: customer_id,frequency,recency,T,p_alive,expected_purchases,clv (- for stdout)")
	period := fs.String("period", "day", "time unit of the summaries: day or week (7 days, Monday-Sunday)")
	ahead := fs.Float64("t", 0, "periods ahead for expected_purchases; 0 means one month (30 days or 4.345 weeks)")
	horizon := fs.Int("horizon", 12, "CLV horizon in months")
	discount := fs.Float64("discount", 0.01, "monthly discount rate for CLV")
	riskFile := fs.String("risk", "", `optional JSON churn-risk table, e.g. [{"name":"low","min_p_alive":0.7},{"name":"high","min_p_alive":0}]`)
	maxIter := fs.Int("maxiter", 4000, "Nelder-Mead iterations per restart")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	loc, asOf, err := p.check()
	if err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	per, err := rfm.ParsePeriod(*period)
	if err != nil {
		return fmt.Errorf("%w: -period must be day or week", errUsage)
	}
	if *horizon < 1 || *discount < 0 || *ahead < 0 {
		return fmt.Errorf("%w: -horizon must be >= 1, -discount and -t >= 0", errUsage)
	}
	risk := rfm.DefaultRisk()
	if *riskFile != "" {
		data, err := os.ReadFile(*riskFile)
		if err != nil {
			return err
		}
		risk = nil
		if err := json.Unmarshal(data, &risk); err != nil {
			return fmt.Errorf("%w: -risk: %v", rfm.ErrInvalid, err)
		}
		if err := risk.Validate(); err != nil {
			return err
		}
	}
	lines, err := readPurchases(s, &p, loc)
	if err != nil {
		return err
	}
	sum, err := lines.Lifetimes(asOf, per)
	if err != nil {
		return err
	}
	if sum.Len() == 0 {
		return fmt.Errorf("%w: no customer with a positive order on or before -asof", rfm.ErrInvalid)
	}
	info := s.out
	if *out == "-" {
		info = s.err
	}
	fo := &rfm.FitOptions{MaxIter: *maxIter}
	bg, bfit, err := rfm.FitBGNBD(sum.Frequency, sum.Recency, sum.T, fo)
	if err != nil {
		return err
	}
	fmt.Fprintf(info, "BG/NBD (%s): %v  log-likelihood %.4f  iterations %d  converged %v  customers %d\n",
		*period, bg, bfit.LogLikelihood, bfit.Iterations, bfit.Converged, sum.Len())
	gg, gfit, gerr := rfm.FitGammaGamma(sum.Frequency, sum.Monetary, fo)
	if gerr != nil {
		fmt.Fprintf(info, "Gamma-Gamma: not fitted (%v); clv is 0\n", gerr)
	} else {
		fmt.Fprintf(info, "Gamma-Gamma: %v  log-likelihood %.4f  iterations %d  converged %v\n",
			gg, gfit.LogLikelihood, gfit.Iterations, gfit.Converged)
	}
	t := *ahead
	if t == 0 {
		t = 30
		if per == rfm.Weeks {
			t = 4.345
		}
	}
	w, closeOut, err := create(s, *out)
	if err != nil {
		return err
	}
	buf := []byte("customer_id,frequency,recency,T,p_alive,expected_purchases,clv\n")
	counts := map[string]int{}
	co := rfm.CLVOptions{HorizonMonths: *horizon, MonthlyDiscount: *discount}
	for i := range sum.Len() {
		x, tx, T := sum.Frequency[i], sum.Recency[i], sum.T[i]
		pa := bg.PAlive(x, tx, T)
		counts[risk.Level(pa)]++
		var clv float64
		if gerr == nil {
			clv = rfm.CLV(bg, gg, per, x, tx, T, sum.Monetary[i], co)
		}
		buf = append(buf, csvField(sum.ID[i])...)
		for _, v := range []float64{x, tx, T, pa, bg.ExpectedPurchases(t, x, tx, T), clv} {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, v, 'g', 10, 64)
		}
		buf = append(buf, '\n')
		if len(buf) > 1<<15 {
			if err := flush(w, &buf); err != nil {
				closeOut()
				return err
			}
		}
	}
	if err := flush(w, &buf); err != nil {
		closeOut()
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	for _, l := range risk {
		fmt.Fprintf(info, "churn risk %-10s %d customers (P(alive) >= %g)\n", l.Name, counts[l.Name], l.MinPAlive)
	}
	return nil
}

func flush(w io.Writer, buf *[]byte) error {
	_, err := w.Write(*buf)
	*buf = (*buf)[:0]
	return err
}
