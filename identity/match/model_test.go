package match

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/internal/corrupt"
)

func smallCorpus(t testing.TB, n int, seed uint64) ([]corrupt.Person, []Record) {
	t.Helper()
	miss, cor := corrupt.DefaultRates()
	ps, err := corrupt.Generate(corrupt.Config{Originals: n, DuplicateShare: 0.5, MaxDuplicates: 1, Chinese: 0.3,
		Missing: miss, Corrupt: cor, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return ps, records(ps)
}

func TestTrainBadInput(t *testing.T) {
	ctx := context.Background()
	_, recs := smallCorpus(t, 200, 1)
	base := febrlSettings("surname;postcode")
	blank := func(field int) []Record {
		out := make([]Record, len(recs))
		for i, r := range recs {
			v := append([]string(nil), r.Values...)
			v[field] = "  "
			out[i] = Record{ID: r.ID, Values: v}
		}
		return out
	}
	constant := blank(6)
	for i := range constant {
		constant[i].Values[6] = "nsw"
	}
	short := append([]Record(nil), recs...)
	short[3] = Record{ID: "x", Values: []string{"a"}}
	tooFew := base
	tooFew.MaxPairs = 10
	badTol := base
	badTol.Tolerance = math.NaN()
	badRule := base
	badRule.Blocking = []Rule{{Columns: []string{"nope"}}}
	tests := []struct {
		name string
		s    Settings
		a    []Record
		want error
		text string
	}{
		{"no records", base, nil, ErrInvalid, "no records"},
		{"all null column", base, blank(8), ErrInvalid, `field "phone": every value is empty`},
		{"single distinct value", base, constant, ErrInvalid, `field "state": a single distinct value`},
		{"short record", base, short, ErrInvalid, "record 4"},
		{"too many pairs", tooFew, recs, ErrTooManyPairs, "maximum 10"},
		{"bad tolerance", badTol, recs, ErrInvalid, "tolerance"},
		{"unknown blocking column", badRule, recs, ErrInvalid, "blocking rule 1"},
		{"no comparisons", Settings{Fields: corrupt.Fields, Blocking: base.Blocking}, recs, ErrInvalid, "no comparisons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Train(ctx, tt.s, tt.a, nil)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.want, tt.text)
			}
			// No values of people in messages.
			for _, r := range recs[:50] {
				for _, k := range []int{0, 1, 3, 7, 8} {
					if v := r.Values[k]; len(v) > 4 && strings.Contains(err.Error(), v) {
						t.Fatalf("error %q contains a record value", err)
					}
				}
			}
		})
	}
}

func TestEMNonConvergenceFallsBack(t *testing.T) {
	_, recs := smallCorpus(t, 300, 2)
	s := febrlSettings("surname;postcode")
	s.MaxIterations = 1
	s.PriorMatch = 0.001
	m, d, err := Train(context.Background(), s, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !d.LambdaFromPrior || len(d.Untrained) != len(s.Comparisons) || m.Lambda() != 0.001 {
		t.Fatalf("want fallback to priors, got %s", d)
	}
	for _, ses := range d.Sessions {
		if ses.Converged || ses.Failure == "" {
			t.Errorf("session %s: converged=%v failure=%q", ses.Rule, ses.Converged, ses.Failure)
		}
	}
	for c := range m.comps {
		want := priorM(&m.comps[c].Comparison)
		for l := range want {
			if m.m[c][l] != want[l] {
				t.Fatalf("%s: m not the prior", m.comps[c].Field)
			}
		}
	}
	res := m.Score(recs[0], recs[1])
	if math.IsNaN(res.Weight) || math.IsNaN(res.Probability) {
		t.Fatal("NaN score")
	}
}

// TestScoreWaterfall checks that the waterfall adds up to the weight and
// that the weight is the model's prediction for the same pair.
func TestScoreWaterfall(t *testing.T) {
	ps, recs := smallCorpus(t, 400, 3)
	m, _, err := Train(context.Background(), febrlSettings("surname;date_of_birth"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := m.Predict(context.Background(), recs, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) == 0 {
		t.Fatal("no pairs")
	}
	for _, p := range pairs[:min(len(pairs), 200)] {
		res := m.Score(recs[p.A], recs[p.B])
		sum := res.PriorWeight
		for _, c := range res.Waterfall {
			sum += c.Weight + c.TFWeight
			if c.LevelIndex == nullLevel && (c.Weight != 0 || c.TFWeight != 0) {
				t.Fatalf("null level carries weight: %+v", c)
			}
			if c.LevelIndex != nullLevel && math.Abs(c.Weight-math.Log2(math.Max(c.M, minM)/c.U)) > 1e-9 {
				t.Fatalf("weight is not log2(m/u): %+v", c)
			}
		}
		if math.Abs(sum-res.Weight) > 1e-9 || math.Abs(res.Weight-p.Weight) > 1e-9 || math.Abs(res.Probability-p.Probability) > 1e-12 {
			t.Fatalf("waterfall sum %v, weight %v, predicted %v", sum, res.Weight, p.Weight)
		}
		if res.Probability < 0 || res.Probability > 1 {
			t.Fatalf("probability %v", res.Probability)
		}
	}
	// Term frequency: agreeing on the most common surname is weaker
	// evidence than agreeing on a rare one.
	common, rare := "王", ""
	counts := map[string]int{}
	for _, p := range ps {
		counts[p.Values[1]]++
	}
	for v, n := range counts {
		if n == 2 && v != "" && (rare == "" || v < rare) {
			rare = v
		}
	}
	x := Record{Values: []string{"a", common, "", "", "", "", "", "", ""}}
	y := Record{Values: []string{"b", rare, "", "", "", "", "", "", ""}}
	wc := m.Score(x, x).Waterfall[1]
	wr := m.Score(y, y).Waterfall[1]
	if !(wc.TFWeight < 0 && wr.TFWeight > 0 && wc.Weight+wc.TFWeight < wr.Weight+wr.TFWeight) {
		t.Errorf("term frequency: common %+v rare %+v", wc, wr)
	}
}

func TestLinkTwoTables(t *testing.T) {
	ps, recs := smallCorpus(t, 600, 4)
	var a, b []Record
	var ea, eb []int
	for i, p := range ps {
		if p.Original {
			a, ea = append(a, recs[i]), append(ea, p.Entity)
		} else {
			b, eb = append(b, recs[i]), append(eb, p.Entity)
		}
	}
	ctx := context.Background()
	m, _, err := Train(ctx, febrlSettings("surname;postcode;date_of_birth"), a, b)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := m.Predict(ctx, a, b, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	tp := 0
	for _, p := range pairs {
		if ea[p.A] == eb[p.B] {
			tp++
		}
	}
	s := score(tp, len(pairs)-tp, len(b)-tp)
	t.Logf("link: %d pairs, precision %.4f recall %.4f F1 %.4f", len(pairs), s.p, s.r, s.f)
	if s.p < 0.95 || s.r < 0.85 {
		t.Errorf("link accuracy below floor: %+v", s)
	}
	ids, err := m.Cluster(a, b, pairs, ClusterOptions{Threshold: 0.9})
	if err != nil || len(ids) != len(a)+len(b) {
		t.Fatalf("cluster: %v, %d ids", err, len(ids))
	}
}

// TestPredictDeterministic checks that results do not depend on the
// number of goroutines or repeated training.
func TestPredictDeterministic(t *testing.T) {
	_, recs := smallCorpus(t, 300, 6)
	ctx := context.Background()
	m1, _, _ := Train(ctx, febrlSettings("surname;postcode"), recs, nil)
	m2, _, _ := Train(ctx, febrlSettings("surname;postcode"), recs, nil)
	p1, _ := m1.Predict(ctx, recs, nil, 0.5)
	p2, _ := m2.Predict(ctx, recs, nil, 0.5)
	if fmt.Sprint(p1) != fmt.Sprint(p2) {
		t.Fatal("predictions differ between identical trainings")
	}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i+1 < 50; i++ {
				_ = m1.Score(recs[i], recs[i+1])
			}
			p, err := m1.Predict(ctx, recs, nil, 0.5)
			if err != nil || fmt.Sprint(p) != fmt.Sprint(p1) {
				t.Error("concurrent prediction differs")
			}
		}()
	}
	wg.Wait()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m1.Predict(cctx, recs, nil, 0.5); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled predict: %v", err)
	}
}

func TestClusterMinPairwise(t *testing.T) {
	ps, recs := smallCorpus(t, 300, 7)
	m, _, err := Train(context.Background(), febrlSettings("surname;postcode"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a and its duplicate b, and an unrelated c chained to b by a strong
	// (fabricated) link: connected components joins all three; the
	// pairwise floor scores a with c directly and keeps c apart.
	var tab []Record
	for i := 0; i+1 < len(ps); i++ {
		if ps[i].Original && !ps[i+1].Original {
			tab = []Record{recs[i], recs[i+1], recs[(i+100)%len(recs)]}
			break
		}
	}
	if p := m.Score(tab[0], tab[2]).Probability; p > 0.5 {
		t.Fatalf("unrelated records score %v", p)
	}
	pairs := []Pair{{A: 0, B: 1, Probability: 0.99}, {A: 1, B: 2, Probability: 0.95}}
	ids, err := m.Cluster(tab, nil, pairs, ClusterOptions{Threshold: 0.9})
	if err != nil || ids[0] != ids[2] || ids[0] != ids[1] {
		t.Fatalf("connected components should join the chain: %v %v", ids, err)
	}
	ids, err = m.Cluster(tab, nil, pairs, ClusterOptions{Threshold: 0.9, MinPairwise: 0.9})
	if err != nil || ids[0] != ids[1] || ids[1] == ids[2] {
		t.Fatalf("pairwise floor: ids %v %v", ids, err)
	}
	// A known weak pair also blocks the merge without rescoring.
	pairs = append(pairs, Pair{A: 0, B: 2, Probability: 0.2})
	ids, _ = m.Cluster(tab, nil, pairs, ClusterOptions{Threshold: 0.9, MinPairwise: 0.9})
	if ids[1] == ids[2] {
		t.Fatalf("pairwise floor with known pair: %v", ids)
	}
	if _, err := m.Cluster(tab, nil, []Pair{{A: 0, B: 7}}, ClusterOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("out of range pair: %v", err)
	}
}

// TestSessionWithoutActiveFields covers a blocking rule on every compared
// field: its session cannot train anything and says so; the other session
// still trains.
func TestSessionWithoutActiveFields(t *testing.T) {
	_, recs := smallCorpus(t, 300, 8)
	s := febrlSettings("surname;postcode")
	s.Comparisons = []Comparison{DefaultComparison("surname", ""), DefaultComparison("date_of_birth", "")}
	s.Blocking = []Rule{{Columns: []string{"surname", "date_of_birth"}}, {Columns: []string{"postcode"}}}
	m, d, err := Train(context.Background(), s, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Sessions[0].Failure == "" || d.Sessions[1].Failure != "" || len(d.Untrained) != 0 || d.LambdaFromPrior {
		t.Fatalf("diagnostics: %s", d)
	}
	if l := m.Lambda(); !(l > 0 && l < 0.01) {
		t.Errorf("lambda %v", l)
	}
}
