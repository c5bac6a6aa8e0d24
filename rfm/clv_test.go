package rfm

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestGammaGammaLikelihoodAgainstQuadrature(t *testing.T) {
	// The mean of x Gamma(p, ν) values has density Gamma(px, rate xν) at m;
	// integrate over ν ~ Gamma(q, rate v) with ν = u².
	g := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, c := range [][2]float64{{1, 20}, {3, 35.5}, {10, 8}} {
		x, m := c[0], c[1]
		f := func(u float64) float64 {
			nu := u * u
			prior := math.Pow(nu, g.Q-1) * math.Exp(-g.V*nu)
			k := g.P * x
			lg, _ := math.Lgamma(k)
			dens := math.Exp(k*math.Log(x*nu) + (k-1)*math.Log(m) - x*nu*m - lg)
			return prior * dens * 2 * u
		}
		norm := simpson(func(u float64) float64 { nu := u * u; return math.Pow(nu, g.Q-1) * math.Exp(-g.V*nu) * 2 * u }, 0, 3, 40000)
		want := math.Log(simpson(f, 0, 3, 40000) / norm)
		if got := g.LogLikelihood(x, m); math.Abs(got-want) > 1e-6 {
			t.Errorf("LL(%v, %v) = %.9f, quadrature %.9f", x, m, got, want)
		}
	}
}

func TestGammaGammaRecovery(t *testing.T) {
	truth := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	r := rand.New(rand.NewPCG(13, 14))
	var xs, ms []float64
	for range 4000 {
		nu := gammaRand(r, truth.Q) / truth.V
		x := 1 + r.IntN(8)
		var s float64
		for range x {
			s += gammaRand(r, truth.P) / nu
		}
		xs, ms = append(xs, float64(x)), append(ms, s/float64(x))
	}
	xs, ms = append(xs, 0), append(ms, 0) // skipped, as lifetimes does
	g, fit, err := FitGammaGamma(xs, ms, nil)
	if err != nil || !fit.Converged {
		t.Fatal(err, fit)
	}
	t.Logf("fit %v %+v", g, fit)
	var llTruth float64
	for i := range xs {
		if xs[i] > 0 {
			llTruth += truth.LogLikelihood(xs[i], ms[i])
		}
	}
	if fit.LogLikelihood < llTruth-1e-6 {
		t.Fatalf("fit LL %.4f below truth's %.4f", fit.LogLikelihood, llTruth)
	}
	rel := func(a, b float64) float64 { return math.Abs(a-b) / b }
	if rel(g.P, truth.P) > 0.15 || rel(g.Q, truth.Q) > 0.2 || rel(g.V, truth.V) > 0.25 {
		t.Fatalf("recovered %v, truth %v", g, truth)
	}
	// Posterior mean spend lies between the population mean and the
	// customer's own mean.
	pop := truth.V * truth.P / (truth.Q - 1)
	if e := truth.ExpectedSpend(2, 100); !(e > pop && e < 100) {
		t.Fatalf("expected spend %v", e)
	}
	if _, _, err := FitGammaGamma([]float64{0}, []float64{5}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatal("fit without repeaters accepted")
	}
}

func TestLifetimesSummary(t *testing.T) {
	g := NewAggregator(nil)
	mon := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday
	add := func(c, o string, days int, amt string) {
		if err := g.Add(Purchase{Customer: c, Order: o, Time: mon.AddDate(0, 0, days), Amount: decimal.RequireFromString(amt)}); err != nil {
			t.Fatal(err)
		}
	}
	add("a", "1", 0, "10")
	add("a", "2", 0, "5")   // same day: one period
	add("a", "3", 6, "20")  // Sunday: same week as day 0
	add("a", "4", 7, "30")  // next Monday
	add("a", "r", 8, "-30") // refund: ignored
	add("a", "5", 30, "9")  // after as-of: ignored
	add("b", "6", 3, "7")
	asOf := mon.AddDate(0, 0, 20)
	d, err := g.Lifetimes(asOf, Days)
	if err != nil {
		t.Fatal(err)
	}
	// a: day periods 0, 6, 7 -> frequency 2, recency 7, T 20, monetary (20+30)/2.
	if d.ID[0] != "a" || d.Frequency[0] != 2 || d.Recency[0] != 7 || d.T[0] != 20 || d.Monetary[0] != 25 {
		t.Fatalf("days a: %v %v %v %v", d.Frequency[0], d.Recency[0], d.T[0], d.Monetary[0])
	}
	if d.Frequency[1] != 0 || d.Recency[1] != 0 || d.T[1] != 17 || d.Monetary[1] != 0 {
		t.Fatalf("days b: %+v", d)
	}
	w, _ := g.Lifetimes(asOf, Weeks)
	// a: weeks 0, 0, 1 -> frequency 1, recency 1, T 2 (day 20 is in week 2), monetary 30.
	if w.Frequency[0] != 1 || w.Recency[0] != 1 || w.T[0] != 2 || w.Monetary[0] != 30 {
		t.Fatalf("weeks a: %v %v %v %v", w.Frequency[0], w.Recency[0], w.T[0], w.Monetary[0])
	}
	if p, err := ParsePeriod("week"); err != nil || p != Weeks {
		t.Fatal("ParsePeriod")
	}
	if _, err := ParsePeriod("month"); !errors.Is(err, ErrInvalid) {
		t.Fatal("ParsePeriod month")
	}
	for _, day := range []string{"1969-12-28", "1969-12-29", "1970-01-04", "1970-01-05", "2026-11-23"} {
		tm, _ := time.Parse(time.DateOnly, day)
		wk := Weeks.of(DayOf(tm, nil))
		// Oracle: the Monday that starts the week, counted from 1969-12-29.
		off := (int(tm.Weekday()) + 6) % 7
		monday := tm.AddDate(0, 0, -off)
		want := int64(monday.Sub(time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC)).Hours() / 24 / 7)
		if wk != want {
			t.Errorf("%s: week %d, want %d", day, wk, want)
		}
	}
}

func TestCLV(t *testing.T) {
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	x, tx, T, m := 2.0, 30.43, 38.86, 30.0
	// No discount: the monthly increments telescope to E[X(horizon)] * spend.
	got := CLV(bg, gg, Weeks, x, tx, T, m, CLVOptions{HorizonMonths: 6})
	want := bg.ExpectedPurchases(6*4.345, x, tx, T) * gg.ExpectedSpend(x, m)
	if math.Abs(got-want) > 1e-9 {
		t.Fatalf("CLV = %v, want %v", got, want)
	}
	if d := CLV(bg, gg, Weeks, x, tx, T, m, CLVOptions{HorizonMonths: 6, MonthlyDiscount: 0.01}); !(d < got && d > 0.9*got) {
		t.Fatalf("discounted CLV %v vs %v", d, got)
	}
	if CLV(bg, gg, Days, 0, 0, 100, 0, CLVOptions{}) <= 0 {
		t.Fatal("single-purchase customer has no value")
	}
}

func TestRiskTable(t *testing.T) {
	rt := DefaultRisk()
	if err := rt.Validate(); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[float64]string{1: "low", 0.7: "low", 0.69: "medium", 0.3: "medium", 0.1: "high", 0: "high"} {
		if got := rt.Level(p); got != want {
			t.Errorf("Level(%v) = %s, want %s", p, got, want)
		}
	}
	for _, bad := range []RiskTable{nil, {{"a", 0.5}}, {{"a", 0.5}, {"b", 0.6}, {"c", 0}}, {{"", 0}}, {{"a", 2}, {"b", 0}}} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v accepted", bad)
		}
	}
}
