package rfm

import (
	"fmt"
	"math"
)

// GammaGamma holds the parameters of the Gamma-Gamma spend model (Fader,
// Hardie and Lee 2005, "RFM and CLV"): a customer's transaction values are
// Gamma(p, ν) with ν ~ Gamma(q, γ); V is γ, as lifetimes names it.
type GammaGamma struct {
	P, Q, V float64
}

// String formats the parameters as lifetimes prints them.
func (g GammaGamma) String() string {
	return fmt.Sprintf("p=%.6g q=%.6g v=%.6g", g.P, g.Q, g.V)
}

// LogLikelihood returns the log-likelihood of a customer with x repeat
// transactions of mean value mx (x > 0, mx > 0).
func (g GammaGamma) LogLikelihood(x, mx float64) float64 {
	p, q, v := g.P, g.Q, g.V
	return lgamma(p*x+q) - lgamma(p*x) - lgamma(q) + q*math.Log(v) +
		(p*x-1)*math.Log(mx) + p*x*math.Log(x) - (p*x+q)*math.Log(x*mx+v)
}

// ExpectedSpend returns the expected mean transaction value of a customer
// with x repeat transactions of mean mx: a weighted mean of the population
// mean vp/(q-1) and mx. For x == 0 it is the population mean. It needs q > 1;
// otherwise the population mean is infinite and mx is returned.
func (g GammaGamma) ExpectedSpend(x, mx float64) float64 {
	if g.Q <= 1 {
		return mx
	}
	pop := g.V * g.P / (g.Q - 1)
	w := g.P * x / (g.P*x + g.Q - 1)
	return (1-w)*pop + w*mx
}

// FitGammaGamma estimates the Gamma-Gamma parameters by maximum likelihood
// over customers with x > 0 and mx > 0 (others carry no spend information
// and are skipped, as lifetimes requires). Nelder-Mead on log-parameters from
// (1, 1, 1).
func FitGammaGamma(freq, monetary []float64, opts *FitOptions) (GammaGamma, Fit, error) {
	if len(freq) != len(monetary) {
		return GammaGamma{}, Fit{}, invalid("summaries", "of different lengths", "")
	}
	var xs, ms []float64
	for i := range freq {
		if freq[i] > 0 && monetary[i] > 0 && !math.IsInf(monetary[i], 0) {
			xs, ms = append(xs, freq[i]), append(ms, monetary[i])
		}
	}
	if len(xs) == 0 {
		return GammaGamma{}, Fit{}, invalid("summaries", "no customer with repeat purchases and positive spend", "")
	}
	maxIter, tol := opts.get()
	obj := func(p []float64) float64 {
		g := GammaGamma{math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2])}
		var ll float64
		for i := range xs {
			ll += g.LogLikelihood(xs[i], ms[i])
		}
		return -ll
	}
	p, _, fit := nelderMead(obj, []float64{0, 0, 0}, 0.5, maxIter, tol)
	return GammaGamma{math.Exp(p[0]), math.Exp(p[1]), math.Exp(p[2])}, fit, nil
}
