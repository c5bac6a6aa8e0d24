package match

import (
	"context"
	"testing"

	"github.com/cimkit/cimkit/internal/corrupt"
)

// benchFields are the six fields BenchmarkCompare compares.
var benchFields = []string{"given_name", "surname", "date_of_birth", "postcode", "suburb", "phone"}

// benchSetup trains a six-field model on synthetic records and returns it
// with the prepared records and candidate pairs from blocking on surname,
// postcode and date of birth: the mix of matches and non-matches that
// prediction compares.
func benchSetup(b *testing.B) (*Model, [][]value, []pair) {
	miss, cor := corrupt.DefaultRates()
	ps, err := corrupt.Generate(corrupt.Config{Originals: 2000, DuplicateShare: 0.5, MaxDuplicates: 2, Chinese: 0.3,
		Missing: miss, Corrupt: cor, SwapNames: 0.02, Seed: 9})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]Record, len(ps))
	for i, p := range ps {
		vals := make([]string, len(benchFields))
		for k, f := range benchFields {
			for j, g := range corrupt.Fields {
				if f == g {
					vals[k] = p.Values[j]
				}
			}
		}
		recs[i] = Record{ID: p.RecordID, Values: vals}
	}
	var comps []Comparison
	for _, f := range benchFields {
		other := ""
		if f == "given_name" {
			other = "surname"
		} else if f == "surname" {
			other = "given_name"
		}
		comps = append(comps, DefaultComparison(f, other))
	}
	rules, _ := ParseRules("surname;postcode;date_of_birth")
	m, _, err := Train(context.Background(), Settings{Fields: benchFields, Comparisons: comps, Blocking: rules, Seed: 1}, recs, nil)
	if err != nil {
		b.Fatal(err)
	}
	bl, err := newBlocker(m.fields, m.blocking, recs, nil)
	if err != nil {
		b.Fatal(err)
	}
	var pairs []pair
	_ = bl.generate(context.Background(), func(p pair) { pairs = append(pairs, p) })
	return m, m.prepareAll(recs), pairs
}

// BenchmarkCompare measures pair comparisons per second on one goroutine:
// each op compares one candidate pair on six fields and sums its match
// weight (levels, Bayes factors and term-frequency adjustments).
func BenchmarkCompare(b *testing.B) {
	m, prep, pairs := benchSetup(b)
	b.ReportAllocs()
	i := 0
	sink := 0.0
	for b.Loop() {
		p := pairs[i]
		sink += m.weight(prep[p.I], prep[p.J])
		i++
		if i == len(pairs) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	if sink == 0 {
		b.Log(sink)
	}
}

// BenchmarkScore measures Score, which prepares both records and builds
// the waterfall on every call.
func BenchmarkScore(b *testing.B) {
	m, _, _ := benchSetup(b)
	x := Record{Values: []string{"jonathan", "smith", "19800304", "2600", "braddon", "13812345678"}}
	y := Record{Values: []string{"jonathon", "smyth", "19800403", "2600", "braddon", "13812345679"}}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Score(x, y)
	}
}

// BenchmarkPredict measures the whole prediction over a table: blocking,
// preparing records and scoring every candidate pair on GOMAXPROCS
// goroutines. It reports candidate pairs scored per second.
func BenchmarkPredict(b *testing.B) {
	miss, cor := corrupt.DefaultRates()
	ps, err := corrupt.Generate(corrupt.Config{Originals: 2000, DuplicateShare: 0.5, MaxDuplicates: 2, Chinese: 0.3,
		Missing: miss, Corrupt: cor, Seed: 9})
	if err != nil {
		b.Fatal(err)
	}
	recs := records(ps)
	ctx := context.Background()
	m, d, err := Train(ctx, febrlSettings("surname;postcode;date_of_birth"), recs, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Predict(ctx, recs, nil, 0.9); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.TotalPairs)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}
