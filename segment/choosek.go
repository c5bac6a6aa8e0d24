package segment

import (
	"math/rand/v2"
	"slices"
)

// KScore is one row of the choosing-k table.
type KScore struct {
	K                int
	Inertia          float64 // within-cluster sum of squares (elbow curve)
	Silhouette       float64 // higher is better
	CalinskiHarabasz float64 // higher is better
	DaviesBouldin    float64 // lower is better
}

// KChoice is the choosing-k table with the k each criterion prefers.
type KChoice struct {
	Scores         []KScore
	Knee           int // elbow of the inertia curve (largest gap below the chord)
	BestSilhouette int
	BestCH         int
	BestDB         int
	// SilhouetteSample is the number of rows the silhouette was computed
	// on (all rows when exact).
	SilhouetteSample int
}

// DefaultSilhouetteSample is the row count above which ChooseK computes
// the silhouette on a sample.
const DefaultSilhouetteSample = 3000

// ChooseK fits km for every k in [kMin, kMax] (2 ≤ kMin ≤ kMax) and scores
// each clustering. km.NClusters and km.InitCenters are ignored. The
// silhouette is exact up to silhouetteSample rows (0 means
// DefaultSilhouetteSample) and computed on a seeded sample of that many
// rows above it.
func ChooseK(x Matrix, sampleWeight []float64, kMin, kMax int, km KMeans, silhouetteSample int) (*KChoice, error) {
	if kMin < 2 || kMax < kMin {
		return nil, inputErr(ErrClusters, "choose_k", -1, -1, "range must satisfy 2 ≤ min ≤ max, got %d..%d", kMin, kMax)
	}
	if silhouetteSample <= 0 {
		silhouetteSample = DefaultSilhouetteSample
	}
	if err := x.validate("X"); err != nil {
		return nil, err
	}
	km.InitCenters = nil
	out := &KChoice{SilhouetteSample: min(silhouetteSample, x.Rows)}
	for k := kMin; k <= kMax; k++ {
		km.NClusters = k
		m, err := km.Fit(x, sampleWeight)
		if err != nil {
			return nil, err
		}
		s := KScore{K: k, Inertia: m.Inertia}
		if s.Silhouette, err = SilhouetteSampled(x, m.Labels, silhouetteSample, km.RandomState); err != nil {
			return nil, err
		}
		if s.CalinskiHarabasz, err = CalinskiHarabasz(x, m.Labels); err != nil {
			return nil, err
		}
		if s.DaviesBouldin, err = DaviesBouldin(x, m.Labels); err != nil {
			return nil, err
		}
		out.Scores = append(out.Scores, s)
	}
	ks := make([]float64, len(out.Scores))
	in := make([]float64, len(out.Scores))
	for i, s := range out.Scores {
		ks[i], in[i] = float64(s.K), s.Inertia
	}
	out.Knee = out.Scores[Knee(ks, in)].K
	best := func(better func(a, b KScore) bool) int {
		b := out.Scores[0]
		for _, s := range out.Scores[1:] {
			if better(s, b) {
				b = s
			}
		}
		return b.K
	}
	out.BestSilhouette = best(func(a, b KScore) bool { return a.Silhouette > b.Silhouette })
	out.BestCH = best(func(a, b KScore) bool { return a.CalinskiHarabasz > b.CalinskiHarabasz })
	out.BestDB = best(func(a, b KScore) bool { return a.DaviesBouldin < b.DaviesBouldin })
	return out, nil
}

// Knee returns the index of the elbow of a decreasing curve y(x): after
// scaling both axes to [0, 1], the point farthest below the chord from the
// first to the last point (the Kneedle idea). With fewer than three points,
// or no point below the chord, it returns 0.
func Knee(xs, ys []float64) int {
	n := len(xs)
	if n < 3 || len(ys) != n {
		return 0
	}
	x0, x1 := xs[0], xs[n-1]
	ylo, yhi := slices.Min(ys), slices.Max(ys)
	if x1 == x0 || yhi == ylo {
		return 0
	}
	norm := func(i int) (float64, float64) { return (xs[i] - x0) / (x1 - x0), (ys[i] - ylo) / (yhi - ylo) }
	ax, ay := norm(0)
	bx, by := norm(n - 1)
	best, bestGap := 0, 0.0
	for i := 1; i < n-1; i++ {
		px, py := norm(i)
		chord := ay + (by-ay)*(px-ax)/(bx-ax)
		if gap := chord - py; gap > bestGap {
			best, bestGap = i, gap
		}
	}
	return best
}

// sampleRows returns m distinct row indices in increasing order, drawn
// with a generator seeded by seed.
func sampleRows(n, m int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	swapped := make(map[int]int, m)
	at := func(i int) int {
		if v, ok := swapped[i]; ok {
			return v
		}
		return i
	}
	out := make([]int, m)
	for i := 0; i < m; i++ {
		j := i + rng.IntN(n-i)
		vi, vj := at(i), at(j)
		swapped[i], swapped[j] = vj, vi
		out[i] = vj
	}
	slices.Sort(out)
	return out
}
