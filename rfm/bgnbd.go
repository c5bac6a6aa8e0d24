package rfm

import (
	"fmt"
	"math"
)

// BGNBD holds the parameters of the beta-geometric/NBD model (Fader, Hardie
// and Lee 2005): purchase rates are Gamma(r, α) distributed across
// customers, and after each purchase a customer drops out with probability
// p ~ Beta(a, b). Times are in the unit of the summaries it was fitted on.
type BGNBD struct {
	R, Alpha, A, B float64
}

// String formats the parameters as lifetimes prints them.
func (m BGNBD) String() string {
	return fmt.Sprintf("r=%.6g alpha=%.6g a=%.6g b=%.6g", m.R, m.Alpha, m.A, m.B)
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logSumExp returns log(e^x + e^y).
func logSumExp(x, y float64) float64 {
	if math.IsInf(x, -1) {
		return y
	}
	if math.IsInf(y, -1) {
		return x
	}
	m := max(x, y)
	return m + math.Log(math.Exp(x-m)+math.Exp(y-m))
}

// LogLikelihood returns the log-likelihood of one customer with x repeat
// purchases, the last at recency tx, observed for T (equation 6 of the
// paper, in lifetimes' form).
func (m BGNBD) LogLikelihood(x, tx, T float64) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	a1 := lgamma(r+x) - lgamma(r) + r*math.Log(al)
	a2 := lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
	a3 := -(r + x) * math.Log(al+T)
	a4 := math.Inf(-1)
	if x > 0 {
		a4 = math.Log(a) - math.Log(b+x-1) - (r+x)*math.Log(al+tx)
	}
	return a1 + a2 + logSumExp(a3, a4)
}

// PAlive returns the probability that a customer with history (x, tx, T)
// is still active.
func (m BGNBD) PAlive(x, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	ld := (m.R+x)*math.Log((m.Alpha+T)/(m.Alpha+tx)) + math.Log(m.A/(m.B+x-1))
	return 1 / (1 + math.Exp(ld))
}

// ExpectedPurchases returns the expected number of purchases in the next t
// periods of a customer with history (x, tx, T) (equation 10 of the paper).
// It needs a != 1; at a == 1 it uses a nudged a, as the formula's limit.
func (m BGNBD) ExpectedPurchases(t, x, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	if math.Abs(a-1) < 1e-9 {
		a = 1 + 1e-9
	}
	z := t / (al + T + t)
	h := hyp2f1(r+x, b+x, a+b+x-1, z)
	first := (a + b + x - 1) / (a - 1)
	second := 1 - h*math.Pow((al+T)/(al+T+t), r+x)
	den := 1.0
	if x > 0 {
		den += a / (b + x - 1) * math.Pow((al+T)/(al+tx), r+x)
	}
	v := first * second / den
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// ExpectedPurchasesNew returns E[X(t)] for a new customer (equation 9).
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	if math.Abs(a-1) < 1e-9 {
		a = 1 + 1e-9
	}
	h := hyp2f1(r, b, a+b-1, t/(al+t))
	return (a + b - 1) / (a - 1) * (1 - math.Pow(al/(al+t), r)*h)
}

// hyp2f1 sums the Gauss hypergeometric series for 0 <= z < 1.
func hyp2f1(a, b, c, z float64) float64 {
	term, sum := 1.0, 1.0
	for k := 0.0; k < 200000; k++ {
		term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
		sum += term
		if math.Abs(term) <= 1e-15*math.Abs(sum) {
			break
		}
	}
	return sum
}

// Summary is one customer's (x, tx, T) history with a weight: how many
// customers share it.
type Summary struct {
	X, TX, T float64
	Weight   float64
}

// compress groups identical histories into weighted ones.
func compress(freq, rec, T []float64) []Summary {
	idx := map[[3]float64]int{}
	var out []Summary
	for i := range freq {
		k := [3]float64{freq[i], rec[i], T[i]}
		if j, ok := idx[k]; ok {
			out[j].Weight++
			continue
		}
		idx[k] = len(out)
		out = append(out, Summary{freq[i], rec[i], T[i], 1})
	}
	return out
}

// TotalLogLikelihood sums LogLikelihood over weighted histories.
func (m BGNBD) TotalLogLikelihood(s []Summary) float64 {
	var ll float64
	for _, c := range s {
		ll += c.Weight * m.LogLikelihood(c.X, c.TX, c.T)
	}
	return ll
}

// FitBGNBD estimates BG/NBD parameters by maximum likelihood with
// Nelder-Mead on the log-parameters, starting from (1, 1, 1, 1) as lifetimes
// does. freq, rec and T are parallel; see Lifetimes for how to build them.
func FitBGNBD(freq, rec, T []float64, opts *FitOptions) (BGNBD, Fit, error) {
	if len(freq) == 0 || len(rec) != len(freq) || len(T) != len(freq) {
		return BGNBD{}, Fit{}, invalid("summaries", "empty or of different lengths", "")
	}
	for i := range freq {
		if !(freq[i] >= 0) || !(rec[i] >= 0) || !(T[i] >= rec[i]) || math.IsInf(T[i], 0) || (freq[i] == 0 && rec[i] != 0) {
			return BGNBD{}, Fit{}, invalid("summaries", fmt.Sprintf("row %d needs frequency >= 0, 0 <= recency <= T, recency 0 when frequency 0", i+1), "")
		}
	}
	s := compress(freq, rec, T)
	maxIter, tol := opts.get()
	obj := func(p []float64) float64 {
		m := BGNBD{math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2]), math.Exp(p[3])}
		return -m.TotalLogLikelihood(s)
	}
	p, _, fit := nelderMead(obj, []float64{0, 0, 0, 0}, 0.5, maxIter, tol)
	m := BGNBD{math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2]), math.Exp(p[3])}
	return m, fit, nil
}
