package rfm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// simpson integrates f over [lo, hi] with n (even) intervals.
func simpson(f func(float64) float64, lo, hi float64, n int) float64 {
	h := (hi - lo) / float64(n)
	s := f(lo) + f(hi)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(lo+float64(i)*h)
	}
	return s * h / 3
}

// numericLikelihood integrates the individual BG/NBD likelihood
// (1-p)^x λ^x e^{-λT} + [x>0] p (1-p)^{x-1} λ^x e^{-λ tx}
// over λ ~ Gamma(r, α) and p ~ Beta(a, b) by quadrature, with both densities
// normalised numerically: no closed form is shared with the code under test.
func numericLikelihood(r, al, a, b, x, tx, T float64) (alive, total float64) {
	// Substitutions λ = u² and p = sin²θ remove the endpoint singularities
	// of the densities so Simpson's rule converges fast.
	lam := func(u float64, g func(l float64) float64) float64 {
		l := u * u
		return math.Pow(l, r-1) * math.Exp(-al*l) * g(l) * 2 * u
	}
	beta := func(th float64, g func(p float64) float64) float64 {
		s, c := math.Sin(th), math.Cos(th)
		p := s * s
		return math.Pow(s, 2*a-1) * math.Pow(c, 2*b-1) * 2 * g(p)
	}
	const n = 4000
	umax := math.Sqrt(80 / al)
	li := func(g func(float64) float64) float64 {
		return simpson(func(u float64) float64 { return lam(u, g) }, 0, umax, n)
	}
	bi := func(g func(float64) float64) float64 {
		return simpson(func(th float64) float64 { return beta(th, g) }, 0, math.Pi/2, n)
	}
	one := func(float64) float64 { return 1 }
	gn, bn := li(one), bi(one)
	l1 := li(func(l float64) float64 { return math.Pow(l, x) * math.Exp(-l*T) }) / gn
	p1 := bi(func(p float64) float64 { return math.Pow(1-p, x) }) / bn
	alive = l1 * p1
	total = alive
	if x > 0 {
		l2 := li(func(l float64) float64 { return math.Pow(l, x) * math.Exp(-l*tx) }) / gn
		p2 := bi(func(p float64) float64 { return p * math.Pow(1-p, x-1) }) / bn
		total += l2 * p2
	}
	return alive, total
}

func TestBGNBDLikelihoodAgainstQuadrature(t *testing.T) {
	for _, m := range []BGNBD{{R: 1.5, Alpha: 3, A: 1.7, B: 2.5}, {R: 0.8, Alpha: 4.4, A: 0.9, B: 2.4}} {
		for _, c := range [][3]float64{{0, 0, 10}, {1, 3.5, 10}, {4, 8.2, 12}, {7, 20, 39}, {2, 0.5, 1}} {
			alive, total := numericLikelihood(m.R, m.Alpha, m.A, m.B, c[0], c[1], c[2])
			got := m.LogLikelihood(c[0], c[1], c[2])
			if math.Abs(got-math.Log(total)) > 1e-6 {
				t.Errorf("LL%v = %.10f, quadrature %.10f", c, got, math.Log(total))
			}
			if pa := m.PAlive(c[0], c[1], c[2]); math.Abs(pa-alive/total) > 1e-6 {
				t.Errorf("PAlive%v = %.10f, quadrature %.10f", c, pa, alive/total)
			}
		}
	}
}

// Published: Fader, Hardie and Lee's CDNOW estimates (weeks) and the
// conditional expectation for customer 1 of the sample (x=2, tx=30.43,
// T=38.86) over the next 39 weeks, 1.226, in their Excel note.
func TestBGNBDPublishedCDNOW(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	if got := m.ExpectedPurchases(39, 2, 30.43, 38.86); math.Abs(got-1.226) > 0.0015 {
		t.Fatalf("E[X(39)|2, 30.43, 38.86] = %.4f, want 1.226", got)
	}
}

func gammaRand(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(r, shape+1) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// simulateBGNBD draws n customers from the model's generative story; times
// are rounded to days (1/7 week) as transaction logs are.
func simulateBGNBD(r *rand.Rand, m BGNBD, n int) (freq, rec, T []float64) {
	for range n {
		lam := gammaRand(r, m.R) / m.Alpha
		ga, gb := gammaRand(r, m.A), gammaRand(r, m.B)
		p := ga / (ga + gb)
		tt := float64(26 + r.IntN(14))
		var x, tx, now float64
		for {
			now += r.ExpFloat64() / lam
			if now > tt {
				break
			}
			x++
			tx = now
			if r.Float64() < p {
				break
			}
		}
		tx = math.Min(math.Round(tx*7)/7, tt)
		if x > 0 && tx == 0 {
			tx = 1.0 / 7
		}
		freq, rec, T = append(freq, x), append(rec, tx), append(T, tt)
	}
	return
}

func TestBGNBDRecovery(t *testing.T) {
	truth := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	r := rand.New(rand.NewPCG(11, 12))
	freq, rec, T := simulateBGNBD(r, truth, 10000)
	m, fit, err := FitBGNBD(freq, rec, T, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fit %v: %+v", m, fit)
	if !fit.Converged {
		t.Fatal("not converged")
	}
	// The MLE must score at least as well as the truth on its own data.
	s := compress(freq, rec, T)
	if ll := truth.TotalLogLikelihood(s); fit.LogLikelihood < ll-1e-6 {
		t.Fatalf("fit LL %.4f below truth's %.4f", fit.LogLikelihood, ll)
	}
	rel := func(got, want float64) float64 { return math.Abs(got-want) / want }
	if rel(m.R, truth.R) > 0.1 || rel(m.Alpha, truth.Alpha) > 0.15 || rel(m.A, truth.A) > 0.35 || rel(m.B, truth.B) > 0.35 {
		t.Fatalf("recovered %v, truth %v", m, truth)
	}
	// Aggregate check: the model's mean E[X(t)] for new customers matches
	// the simulated mean number of repeat purchases by T.
	var sim, model float64
	for i := range freq {
		sim += freq[i]
		model += m.ExpectedPurchasesNew(T[i])
	}
	if rel(model, sim) > 0.03 {
		t.Fatalf("expected %.1f repeat purchases, simulated %.1f", model, sim)
	}
}

func TestBGNBDEdgeCases(t *testing.T) {
	// Everybody bought once: a degenerate sample still yields finite numbers.
	freq := []float64{0, 0, 0}
	rec := []float64{0, 0, 0}
	T := []float64{10, 20, 30}
	m, fit, err := FitBGNBD(freq, rec, T, &FitOptions{MaxIter: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{m.R, m.Alpha, m.A, m.B, fit.LogLikelihood, m.PAlive(0, 0, 10), m.ExpectedPurchases(10, 0, 0, 10)} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite in %v %+v", m, fit)
		}
	}
	for _, bad := range [][3][]float64{
		{{}, {}, {}},
		{{1}, {2}, {1}},  // recency > T
		{{0}, {1}, {2}},  // recency without repeat
		{{-1}, {0}, {2}}, // negative
		{{1, 2}, {1}, {2}},
	} {
		if _, _, err := FitBGNBD(bad[0], bad[1], bad[2], nil); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
	// a == 1 exactly.
	if v := (BGNBD{R: 1, Alpha: 1, A: 1, B: 2}).ExpectedPurchases(5, 1, 2, 5); math.IsNaN(v) || v <= 0 {
		t.Fatalf("a=1: %v", v)
	}
}
