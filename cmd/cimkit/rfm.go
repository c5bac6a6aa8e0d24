package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cimkit/cimkit/rfm"
)

const rfmSynopsis = "-in orders.csv -customer COL -order COL -time COL -amount COL -asof YYYY-MM-DD [-bins 5] [-method quantile|ntile|fixed] [-table default|cn8|FILE] -out scores.csv"

// purchaseFlags are the input flags rfm and clv share.
type purchaseFlags struct {
	in, customer, order, timeCol, amount, currency, asof, tz string
	scale                                                    int
	skipBad                                                  bool
}

func (p *purchaseFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&p.in, "in", "", "input CSV with a header row (- for stdin)")
	fs.StringVar(&p.customer, "customer", "", "customer id column")
	fs.StringVar(&p.order, "order", "", "order id column (rows sharing an order id are one order)")
	fs.StringVar(&p.timeCol, "time", "", "purchase time column: RFC 3339, 2006-01-02 15:04:05, 2006/01/02 or 2006-01-02")
	fs.StringVar(&p.amount, "amount", "", "amount column; negative amounts are refunds")
	fs.StringVar(&p.currency, "currency", "", "optional currency column; mixed currencies are an error")
	fs.StringVar(&p.asof, "asof", "", "as-of date YYYY-MM-DD; later purchases are left out and counted")
	fs.StringVar(&p.tz, "tz", "UTC", "IANA time zone that decides calendar days")
	fs.IntVar(&p.scale, "scale", 2, "decimal places of the currency's minor unit")
	fs.BoolVar(&p.skipBad, "skip-bad", false, "skip malformed rows (each is reported with its line number) instead of failing")
}

func (p *purchaseFlags) check() (*time.Location, rfm.Day, error) {
	for _, f := range [][2]string{{"in", p.in}, {"customer", p.customer}, {"order", p.order}, {"time", p.timeCol}, {"amount", p.amount}, {"asof", p.asof}} {
		if f[1] == "" {
			return nil, 0, fmt.Errorf("%w: -%s is required", errUsage, f[0])
		}
	}
	if p.scale < 0 || p.scale > 9 {
		return nil, 0, fmt.Errorf("%w: -scale must be 0..9", errUsage)
	}
	loc, err := time.LoadLocation(p.tz)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: -tz: unknown time zone", errUsage)
	}
	d, err := time.Parse(time.DateOnly, p.asof)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: -asof must be YYYY-MM-DD", errUsage)
	}
	return loc, rfm.DayFromCivil(d.Year(), int(d.Month()), d.Day()), nil
}

// readPurchases reads the CSV into columnar lines. Malformed rows are
// reported with their line numbers on s.err; unless skipBad they fail the
// command.
func readPurchases(s stdio, p *purchaseFlags, loc *time.Location) (*rfm.Lines, error) {
	var r io.Reader = s.in
	if p.in != "-" {
		f, err := os.Open(p.in)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	scale := int32(p.scale)
	if scale == 0 {
		scale = rfm.NoMinorUnit
	}
	cols := rfm.CSVColumns{Customer: p.customer, Order: p.order, Time: p.timeCol, Amount: p.amount, Currency: p.currency}
	lines, rowErrs, err := rfm.ReadCSV(r, cols, &rfm.CSVOptions{Scale: scale, Location: loc, SkipBad: p.skipBad})
	for i, e := range rowErrs {
		if i == 20 {
			fmt.Fprintf(s.err, "... (first %d malformed rows shown)\n", i)
			break
		}
		fmt.Fprintln(s.err, e)
	}
	if err != nil {
		var ie *rfm.InputError
		if errors.As(err, &ie) && ie.Reason == "column not in the header" {
			return nil, fmt.Errorf("%w: -%s: column %q not in the header", errUsage, ie.Field, ie.Raw)
		}
		return nil, err
	}
	if len(rowErrs) > 0 {
		fmt.Fprintf(s.err, "skipped %d malformed rows\n", len(rowErrs))
	}
	return lines, nil
}

// formatMinor writes minor units with scale decimal places.
func formatMinor(b []byte, m int64, scale int) []byte {
	if scale == 0 {
		return strconv.AppendInt(b, m, 10)
	}
	if m < 0 {
		b = append(b, '-')
		m = -m
	}
	p := int64(1)
	for range scale {
		p *= 10
	}
	b = strconv.AppendInt(b, m/p, 10)
	b = append(b, '.')
	f := strconv.AppendInt(nil, m%p, 10)
	for range scale - len(f) {
		b = append(b, '0')
	}
	return append(b, f...)
}

func runRFM(s stdio, args []string) error {
	fs := newFlagSet(s, "rfm", rfmSynopsis)
	var p purchaseFlags
	p.register(fs)
	out := fs.String("out", "", "output CSV: customer_id,recency_days,frequency,monetary,r,f,m,segment (- for stdout)")
	bins := fs.Int("bins", 5, "number of score bins (3..10)")
	method := fs.String("method", "quantile", "scoring: quantile (type-7 breaks), ntile (SQL NTILE) or fixed (-rbreaks/-fbreaks/-mbreaks)")
	table := fs.String("table", "default", "segment table: default, cn8 or a JSON file")
	since := fs.String("since", "", "optional window start YYYY-MM-DD; earlier orders are left out and counted")
	freq := fs.String("frequency", "orders", "frequency: orders or repeat")
	mon := fs.String("monetary", "total", "monetary: total or mean (per order)")
	rb := fs.String("rbreaks", "", "fixed method: bins-1 ascending recency thresholds in days, comma-separated")
	fb := fs.String("fbreaks", "", "fixed method: bins-1 ascending frequency thresholds")
	mb := fs.String("mbreaks", "", "fixed method: bins-1 ascending monetary thresholds in currency units")
	excluded := fs.String("excluded", "", "optional file listing, one per line, the customers left out for want of a positive order")
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
	m, err := rfm.ParseMethod(*method)
	if err != nil {
		return fmt.Errorf("%w: -method must be quantile, ntile or fixed", errUsage)
	}
	opts := &rfm.Options{}
	switch *freq {
	case "orders":
	case "repeat":
		opts.Frequency = rfm.RepeatOrders
	default:
		return fmt.Errorf("%w: -frequency must be orders or repeat", errUsage)
	}
	switch *mon {
	case "total":
	case "mean":
		opts.Monetary = rfm.MeanPerOrder
	default:
		return fmt.Errorf("%w: -monetary must be total or mean", errUsage)
	}
	if *since != "" {
		t, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			return fmt.Errorf("%w: -since must be YYYY-MM-DD", errUsage)
		}
		opts.Since = t
	}
	so := rfm.ScoreOptions{Bins: *bins, Method: m}
	if m == rfm.Fixed {
		th := &rfm.Thresholds{}
		for _, b := range []struct {
			flag, v string
			dst     *[]float64
		}{{"rbreaks", *rb, &th.Recency}, {"fbreaks", *fb, &th.Frequency}, {"mbreaks", *mb, &th.Monetary}} {
			for _, f := range strings.Split(b.v, ",") {
				x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
				if err != nil {
					return fmt.Errorf("%w: -%s needs %d comma-separated numbers", errUsage, b.flag, *bins-1)
				}
				*b.dst = append(*b.dst, x)
			}
		}
		so.Thresholds = th
	}
	var tb *rfm.Table
	switch *table {
	case "default":
		tb = rfm.DefaultTable()
	case "cn8":
		tb = rfm.CN8Table()
	default:
		data, err := os.ReadFile(*table)
		if err != nil {
			return err
		}
		if tb, err = rfm.LoadTable(data); err != nil {
			return err
		}
	}
	if tb.Kind == rfm.ByScore && tb.Bins != *bins {
		return fmt.Errorf("%w: table %q is for -bins %d", errUsage, tb.Name, tb.Bins)
	}
	lines, err := readPurchases(s, &p, loc)
	if err != nil {
		return err
	}
	agg, err := lines.Aggregate(asOf, opts)
	if err != nil {
		return err
	}
	sc, err := rfm.Score(agg, so)
	if err != nil {
		return err
	}
	seg, err := tb.Assign(sc)
	if err != nil {
		return err
	}
	w, closeOut, err := create(s, *out)
	if err != nil {
		return err
	}
	names := tb.Segments()
	buf := make([]byte, 0, 1<<16)
	buf = append(buf, "customer_id,recency_days,frequency,monetary,r,f,m,segment\n"...)
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = csvField(n)
	}
	for i := range agg.Len() {
		buf = append(buf, csvField(agg.ID[i])...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(agg.Recency[i]), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(agg.FrequencyValue(i)), 10)
		buf = append(buf, ',')
		if agg.Monetary == rfm.MeanPerOrder {
			buf = append(buf, agg.Customer(i).Monetary.String()...)
		} else {
			buf = formatMinor(buf, agg.NetMinor[i], p.scale)
		}
		for _, v := range []uint8{sc.R[i], sc.F[i], sc.M[i]} {
			buf = append(buf, ',')
			buf = strconv.AppendUint(buf, uint64(v), 10)
		}
		buf = append(buf, ',')
		buf = append(buf, quoted[seg[i]]...)
		buf = append(buf, '\n')
		if len(buf) > 1<<15 {
			if _, err := w.Write(buf); err != nil {
				closeOut()
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := w.Write(buf); err != nil {
		closeOut()
		return err
	}
	if err := closeOut(); err != nil {
		return err
	}
	rep := agg.Report
	if *excluded != "" {
		data := strings.Join(rep.Excluded, "\n")
		if data != "" {
			data += "\n"
		}
		if err := os.WriteFile(*excluded, []byte(data), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(s.err, "rfm: %d rows, %d customers scored, %d left out without a positive order; orders: %d counted, %d refunds, %d zero, %d after -asof, %d before -since\n",
		rep.Lines, agg.Len(), len(rep.Excluded), rep.Orders, rep.RefundOrders, rep.ZeroOrders, rep.FutureOrders, rep.BeforeWindow)
	mt := rfm.Summarize(agg, tb, seg)
	fmt.Fprintf(s.err, "rfm: repurchase rate %.4f, average order value %s, mean purchase interval %.2f days, refund rate %.4f\n",
		mt.RepurchaseRate, mt.AverageOrderValue, mt.MeanPurchaseIntervalDays, mt.RefundRate)
	for _, sh := range mt.Segments {
		fmt.Fprintf(s.err, "rfm:   %-20s %8d customers, revenue share %.4f\n", sh.Segment, sh.Customers, sh.RevenueShare)
	}
	return nil
}

// create opens path for writing, or s.out for "-".
func create(s stdio, path string) (io.Writer, func() error, error) {
	if path == "-" {
		return s.out, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

// csvField quotes v when CSV needs it.
func csvField(v string) string {
	if !strings.ContainsAny(v, ",\"\r\n") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}
