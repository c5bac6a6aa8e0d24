package rfm

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Values printed by R: quantile(x, seq(0, 1, by = p)) (type 7).
func TestQuantileBreaksPublished(t *testing.T) {
	cases := []struct {
		x    []float64
		bins int
		want []float64
	}{
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 4, []float64{1, 3.25, 5.5, 7.75, 10}},
		{[]float64{2, 4, 4, 5, 7, 9, 10, 15}, 5, []float64{2, 4, 4.8, 7.4, 9.6, 15}},
		{[]float64{3}, 3, []float64{3, 3, 3, 3}},
		{[]float64{5, 5, 5, 5}, 5, []float64{5, 5, 5, 5, 5, 5}},
	}
	for _, c := range cases {
		got := QuantileBreaks(c.x, c.bins)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Fatalf("quantile(%v, %d) = %v, want %v", c.x, c.bins, got, c.want)
			}
		}
	}
}

// rQuantile is R's type-7 code written out: qs <- (1-h)*x[lo] + h*x[hi].
func rQuantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	index := 1 + float64(n-1)*p
	lo, hi := math.Floor(index), math.Ceil(index)
	h := index - lo
	return (1-h)*sorted[int(lo)-1] + h*sorted[int(hi)-1]
}

func TestQuantileBreaksAgainstRFormula(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		n := 1 + r.IntN(300)
		x := make([]float64, n)
		ints := r.IntN(2) == 0
		for i := range x {
			if ints {
				x[i] = float64(r.IntN(20))
			} else {
				x[i] = r.NormFloat64() * 1000
			}
		}
		bins := 3 + r.IntN(8)
		st := newOrderStat(x, ints)
		got := quantileBreaksAt(n, bins, st.at)
		s := slices.Sorted(slices.Values(x))
		for j := 0; j <= bins; j++ {
			w := rQuantile(s, float64(j)/float64(bins))
			if math.Abs(got[j]-w) > 1e-9*(1+math.Abs(w)) {
				t.Fatalf("n=%d bins=%d j=%d: %v want %v", n, bins, j, got[j], w)
			}
		}
	}
}

func TestNtileSizes(t *testing.T) {
	// SQL NTILE(3) over 11 rows: 4, 4, 3; NTILE(4) over 2 rows: 1, 2.
	for _, c := range []struct{ n, bins int }{{11, 3}, {10, 3}, {2, 4}, {100, 7}, {5, 5}, {1, 3}} {
		var want []int
		q, rem := c.n/c.bins, c.n%c.bins
		for b := 1; b <= c.bins; b++ {
			size := q
			if b <= rem {
				size++
			}
			for range size {
				want = append(want, b)
			}
		}
		for p := range c.n {
			if got := ntileOf(p, c.n, c.bins); got != want[p] {
				t.Fatalf("n=%d bins=%d p=%d: %d want %d", c.n, c.bins, p, got, want[p])
			}
		}
	}
}

func aggOf(rec []int32, orders []int32, net []int64) *Aggregates {
	n := len(rec)
	a := &Aggregates{Scale: 2, Recency: rec, Orders: orders, NetMinor: net, ID: make([]string, n)}
	return a
}

func TestScoreQuantile(t *testing.T) {
	a := aggOf(
		[]int32{0, 10, 20, 30, 40, 50, 60, 70, 80, 90},
		[]int32{1, 1, 1, 1, 2, 2, 3, 5, 8, 13},
		[]int64{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000},
	)
	s, err := Score(a, ScoreOptions{Bins: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Recency breaks 18, 36, 54, 72: recent is high.
	if !slices.Equal(s.R, []uint8{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}) {
		t.Fatalf("R = %v breaks %v", s.R, s.RecencyBreaks)
	}
	// Frequency breaks 1, 1.6, 2.4, 5.6: value equal to a break is in the lower bin.
	if !slices.Equal(s.F, []uint8{1, 1, 1, 1, 3, 3, 4, 4, 5, 5}) {
		t.Fatalf("F = %v breaks %v", s.F, s.FrequencyBreaks)
	}
	if !slices.Equal(s.M, []uint8{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}) {
		t.Fatalf("M = %v", s.M)
	}
}

// All customers identical: breaks collapse, documented scores, no panic.
func TestScoreIdenticalValues(t *testing.T) {
	a := aggOf([]int32{7, 7, 7}, []int32{2, 2, 2}, []int64{500, 500, 500})
	for _, m := range []Method{Quantile, Ntile} {
		s, err := Score(a, ScoreOptions{Bins: 4, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if m == Quantile && (!slices.Equal(s.R, []uint8{4, 4, 4}) || !slices.Equal(s.F, []uint8{1, 1, 1})) {
			t.Fatalf("quantile R=%v F=%v", s.R, s.F)
		}
		// ntile breaks ties by first appearance.
		if m == Ntile && (!slices.Equal(s.F, []uint8{1, 2, 3}) || !slices.Equal(s.R, []uint8{4, 3, 2})) {
			t.Fatalf("ntile R=%v F=%v", s.R, s.F)
		}
	}
	// Empty population.
	if s, err := Score(aggOf(nil, nil, nil), ScoreOptions{}); err != nil || len(s.R) != 0 {
		t.Fatalf("empty: %v", err)
	}
}

func TestScoreNtileMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 1000
	rec := make([]int32, n)
	ord := make([]int32, n)
	net := make([]int64, n)
	for i := range n {
		rec[i] = int32(r.IntN(50))
		ord[i] = int32(1 + r.IntN(5))
		net[i] = int64(r.IntN(1 << 40))
	}
	a := aggOf(rec, ord, net)
	s, _ := Score(a, ScoreOptions{Bins: 6, Method: Ntile})
	// Oracle: stable sort by value, deal into NTILE buckets.
	check := func(name string, vals []int64, got []uint8, reverse bool) {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(x, y int) int { return int(vals[x] - vals[y]) })
		for p, i := range idx {
			q, rem := n/6, n%6
			b := 0
			for acc := 0; ; {
				size := q
				if b < rem {
					size++
				}
				if p < acc+size {
					break
				}
				acc += size
				b++
			}
			want := uint8(b + 1)
			if reverse {
				want = uint8(6 - b)
			}
			if got[i] != want {
				t.Fatalf("%s: customer %d got %d want %d", name, i, got[i], want)
			}
		}
	}
	r64 := make([]int64, n)
	o64 := make([]int64, n)
	for i := range n {
		r64[i], o64[i] = int64(rec[i]), int64(ord[i])
	}
	check("R", r64, s.R, true)
	check("F", o64, s.F, false)
	check("M", net, s.M, false)
}

func TestScoreFixed(t *testing.T) {
	a := aggOf([]int32{0, 30, 31, 400}, []int32{1, 2, 3, 9}, []int64{999, 1000, 1001, 1_000_000})
	th := &Thresholds{Recency: []float64{30, 90}, Frequency: []float64{1, 3}, Monetary: []float64{10, 100}}
	s, err := Score(a, ScoreOptions{Bins: 3, Method: Fixed, Thresholds: th})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.R, []uint8{3, 3, 2, 1}) || !slices.Equal(s.F, []uint8{1, 2, 2, 3}) || !slices.Equal(s.M, []uint8{1, 1, 2, 3}) {
		t.Fatalf("R=%v F=%v M=%v", s.R, s.F, s.M)
	}
	bad := []ScoreOptions{
		{Bins: 2},
		{Bins: 11},
		{Bins: 3, Method: Fixed},
		{Bins: 3, Method: Fixed, Thresholds: &Thresholds{Recency: []float64{1}, Frequency: []float64{1, 2}, Monetary: []float64{1, 2}}},
		{Bins: 3, Method: Fixed, Thresholds: &Thresholds{Recency: []float64{2, 1}, Frequency: []float64{1, 2}, Monetary: []float64{1, 2}}},
		{Bins: 3, Method: Method(9)},
	}
	for i, o := range bad {
		if _, err := Score(a, o); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if m, err := ParseMethod("ntile"); err != nil || m != Ntile {
		t.Fatal("ParseMethod")
	}
	if _, err := ParseMethod("nope"); !errors.Is(err, ErrInvalid) {
		t.Fatal("ParseMethod bad")
	}
}
