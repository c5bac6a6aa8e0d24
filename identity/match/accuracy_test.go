package match

import (
	"context"
	"math"
	"testing"

	"github.com/cimkit/cimkit/internal/corrupt"
)

// febrlSettings are the default comparisons over the corrupt fields.
func febrlSettings(rules string) Settings {
	var comps []Comparison
	for _, f := range corrupt.Fields {
		other := ""
		switch f {
		case "given_name":
			other = "surname"
		case "surname":
			other = "given_name"
		}
		comps = append(comps, DefaultComparison(f, other))
	}
	rs, err := ParseRules(rules)
	if err != nil {
		panic(err)
	}
	return Settings{Fields: corrupt.Fields, Comparisons: comps, Blocking: rs, Seed: 42, USamplePairs: 50_000}
}

func records(ps []corrupt.Person) []Record {
	out := make([]Record, len(ps))
	for i, p := range ps {
		out[i] = Record{ID: p.RecordID, Values: p.Values}
	}
	return out
}

type prf struct{ p, r, f float64 }

func score(tp, fp, fn int) prf {
	p := float64(tp) / float64(max(tp+fp, 1))
	r := float64(tp) / float64(max(tp+fn, 1))
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return prf{p, r, f}
}

// pairScores compares predicted pairs with the truth.
func pairScores(ps []corrupt.Person, pairs []Pair) prf {
	size := map[int]int{}
	for _, p := range ps {
		size[p.Entity]++
	}
	truePairs := 0
	for _, n := range size {
		truePairs += n * (n - 1) / 2
	}
	tp := 0
	for _, p := range pairs {
		if ps[p.A].Entity == ps[p.B].Entity {
			tp++
		}
	}
	return score(tp, len(pairs)-tp, truePairs-tp)
}

// clusterScores compares clusters with the truth as pairs of records
// placed together.
func clusterScores(ps []corrupt.Person, ids []int) prf {
	type key struct{ e, c int }
	both, byE, byC := map[key]int{}, map[int]int{}, map[int]int{}
	for i, p := range ps {
		both[key{p.Entity, ids[i]}]++
		byE[p.Entity]++
		byC[ids[i]]++
	}
	c2 := func(n int) int { return n * (n - 1) / 2 }
	tp, pred, truth := 0, 0, 0
	for _, n := range both {
		tp += c2(n)
	}
	for _, n := range byC {
		pred += c2(n)
	}
	for _, n := range byE {
		truth += c2(n)
	}
	return score(tp, pred-tp, truth-tp)
}

func TestAccuracyDedupe(t *testing.T) {
	miss, cor := corrupt.DefaultRates()
	n := 3000
	if testing.Short() || raceEnabled {
		n = 500
	}
	ps, err := corrupt.Generate(corrupt.Config{Originals: n, DuplicateShare: 0.5, MaxDuplicates: 3, Chinese: 0.3,
		Missing: miss, Corrupt: cor, SwapNames: 0.03, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	recs := records(ps)
	ctx := context.Background()
	model, diag, err := Train(ctx, febrlSettings("surname;postcode;date_of_birth"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records\n%s", len(recs), diag)
	pairs, err := model.Predict(ctx, recs, nil, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := model.Cluster(recs, nil, pairs, ClusterOptions{Threshold: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	ps1, cs := pairScores(ps, pairs), clusterScores(ps, ids)
	t.Logf("pairs   precision %.4f recall %.4f F1 %.4f", ps1.p, ps1.r, ps1.f)
	t.Logf("clusters precision %.4f recall %.4f F1 %.4f", cs.p, cs.r, cs.f)
	if ps1.p < 0.95 || ps1.r < 0.85 || ps1.f < 0.9 {
		t.Errorf("pair accuracy below floor: %+v", ps1)
	}
	if cs.p < 0.9 || cs.r < 0.85 || cs.f < 0.9 {
		t.Errorf("cluster accuracy below floor: %+v", cs)
	}
	strict, err := model.Cluster(recs, nil, pairs, ClusterOptions{Threshold: 0.9, MinPairwise: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	ss := clusterScores(ps, strict)
	t.Logf("clusters (min pairwise 0.5) precision %.4f recall %.4f F1 %.4f", ss.p, ss.r, ss.f)
	if ss.p < cs.p {
		t.Errorf("requiring pairwise links lowered cluster precision: %.4f < %.4f", ss.p, cs.p)
	}
}

// TestEMRecoversM checks the m probabilities EM estimates against the m
// probabilities measured on the labelled true-match pairs, and the exact
// level against the generator's configured agreement rate.
func TestEMRecoversM(t *testing.T) {
	miss, cor := corrupt.DefaultRates()
	cfg := corrupt.Config{Originals: 3000, DuplicateShare: 0.5, MaxDuplicates: 1, Chinese: 0.3,
		Missing: miss, Corrupt: cor, Seed: 5}
	if testing.Short() || raceEnabled {
		cfg.Originals = 700
	}
	ps, err := corrupt.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	recs := records(ps)
	model, diag, err := Train(context.Background(), febrlSettings("surname;postcode;date_of_birth"), recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(diag.Untrained) > 0 {
		t.Fatalf("untrained fields: %v", diag.Untrained)
	}
	// λ: the share of matching pairs among all pairs.
	dups := len(ps) - cfg.Originals
	n := float64(len(ps))
	trueLambda := float64(dups) / (n * (n - 1) / 2)
	t.Logf("λ estimated %.4g, true %.4g", model.Lambda(), trueLambda)
	if r := model.Lambda() / trueLambda; r < 0.7 || r > 1.4 {
		t.Errorf("λ estimated %.4g, true %.4g", model.Lambda(), trueLambda)
	}
	prep := model.prepareAll(recs)
	for c := range model.comps {
		cc := &model.comps[c]
		counts := make([]float64, cc.numLevels())
		total := 0.0
		for i := 0; i+1 < len(ps); i++ {
			if !ps[i].Original || ps[i+1].Original {
				continue
			}
			l := cc.level(prep[i], prep[i+1])
			if l != nullLevel {
				counts[l]++
				total++
			}
		}
		maxDiff := 0.0
		for l := 1; l < len(counts); l++ {
			maxDiff = math.Max(maxDiff, math.Abs(counts[l]/total-model.m[c][l]))
		}
		exactEM := model.m[c][1]
		t.Logf("%-14s EM m(first level) %.3f labelled %.3f configured %.3f; max level diff %.3f",
			cc.Field, exactEM, counts[1]/total, cfg.ExpectedAgreement(cc.Field), maxDiff)
		if maxDiff > 0.05 {
			t.Errorf("%s: EM m differs from labelled m by %.3f", cc.Field, maxDiff)
		}
		if cc.Levels[0].Kind == Exact && math.Abs(exactEM-cfg.ExpectedAgreement(cc.Field)) > 0.05 {
			t.Errorf("%s: EM exact m %.3f, configured %.3f", cc.Field, exactEM, cfg.ExpectedAgreement(cc.Field))
		}
	}
}
