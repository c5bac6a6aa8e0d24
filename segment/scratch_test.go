package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// The centring pass also takes the sums of squares and the grid maxima;
// they must equal the separate passes (meanVariance and quantise on a
// problem that has neither), bit for bit, with and without weights.
func TestCentreFusedStatsMatchSeparatePasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, weighted := range []bool{false, true} {
		rows := blobs(11, 1537, 4, 5, 3)
		rows[7][2] = -1e9 // a column dominated by one negative value
		x, _ := FromRows(rows)
		var w []float64
		if weighted {
			w = make([]float64, x.Rows)
			for i := range w {
				w[i] = rng.Float64() * 3
			}
		}
		p, _ := centre(x, w)
		q := &problem{x: slices.Clone(p.x), n: p.n, d: p.d, w: w}
		q.quantise()
		if got, want := meanVariance(p), meanVariance(q); got != want {
			t.Errorf("weighted=%v: meanVariance %v, separate pass %v", weighted, got, want)
		}
		if !slices.Equal(p.qs, q.qs) || p.qw != q.qw {
			t.Errorf("weighted=%v: grid %v/%v, separate pass %v/%v", weighted, p.qs, p.qw, q.qs, q.qw)
		}
		p.release()
	}
}

// Recycled buffers (a larger fit, a smaller one, concurrent fits) never
// change a result.
func TestPooledBuffersDoNotChangeResults(t *testing.T) {
	fit := func(seed uint64, n int) *Model {
		x, _ := FromRows(blobs(seed, n, 3, 4, 2))
		m, err := KMeans{NClusters: 4, NInit: 2, RandomState: seed}.Fit(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ref := []*Model{fit(1, 3000), fit(2, 700)}
	var wg sync.WaitGroup
	got := make([]*Model, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = fit(uint64(1+i%2), []int{3000, 700}[i%2])
		}()
	}
	wg.Wait()
	for i, m := range got {
		r := ref[i%2]
		if !slices.Equal(m.Labels, r.Labels) || math.Float64bits(m.Inertia) != math.Float64bits(r.Inertia) {
			t.Errorf("fit %d: labels or inertia differ from the first fit", i)
		}
	}
}
