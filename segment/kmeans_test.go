package segment

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// blobs returns n rows of d columns around k random centres.
func blobs(seed uint64, n, d, k int, spread float64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	cs := make([][]float64, k)
	for j := range cs {
		cs[j] = make([]float64, d)
		for f := range cs[j] {
			cs[j][f] = rng.Float64()*20 - 10
		}
	}
	rows := make([][]float64, n)
	for i := range rows {
		c := cs[rng.IntN(k)]
		rows[i] = make([]float64, d)
		for f := range rows[i] {
			rows[i][f] = c[f] + rng.NormFloat64()*spread
		}
	}
	return rows
}

// naiveLloyd is an independent, plain transcription of scikit-learn's
// _kmeans_single_lloyd on unweighted rows: assign, move centres, stop on
// unchanged labels or total squared shift ≤ tol, final assignment.
func naiveLloyd(rows, init [][]float64, maxIter int, tol float64) (labels []int, centers [][]float64, inertia float64, nIter int) {
	k, d := len(init), len(rows[0])
	centers = make([][]float64, k)
	for j := range init {
		centers[j] = slices.Clone(init[j])
	}
	dist := func(a, b []float64) float64 {
		s := 0.0
		for f := range a {
			s += (a[f] - b[f]) * (a[f] - b[f])
		}
		return s
	}
	assign := func() []int {
		out := make([]int, len(rows))
		for i, r := range rows {
			bestD := math.Inf(1)
			for j, c := range centers {
				if dd := dist(r, c); dd < bestD {
					bestD, out[i] = dd, j
				}
			}
		}
		return out
	}
	// tolerance as sklearn: tol × mean of column variances
	var meanVar float64
	for f := 0; f < d; f++ {
		var m, v float64
		for _, r := range rows {
			m += r[f]
		}
		m /= float64(len(rows))
		for _, r := range rows {
			v += (r[f] - m) * (r[f] - m)
		}
		meanVar += v / float64(len(rows))
	}
	tol *= meanVar / float64(d)
	var old []int
	strict := false
	nIter = maxIter
	for it := 0; it < maxIter; it++ {
		labels = assign()
		next := make([][]float64, k)
		count := make([]float64, k)
		for j := range next {
			next[j] = make([]float64, d)
		}
		for i, r := range rows {
			count[labels[i]]++
			for f := range r {
				next[labels[i]][f] += r[f]
			}
		}
		shift := 0.0
		for j := range next {
			if count[j] == 0 {
				panic("oracle: empty cluster; pick data without empties")
			}
			for f := range next[j] {
				next[j][f] /= count[j]
			}
			shift += dist(next[j], centers[j])
		}
		centers = next
		if slices.Equal(labels, old) {
			strict, nIter = true, it+1
			break
		}
		if shift <= tol {
			nIter = it + 1
			break
		}
		old = labels
	}
	if !strict {
		labels = assign()
	}
	for i, r := range rows {
		inertia += dist(r, centers[labels[i]])
	}
	return labels, centers, inertia, nIter
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / max(math.Abs(a), math.Abs(b), 1e-300) }

func TestMatchesNaiveLloydGivenInit(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		d := 2 + int(seed%5)
		k := 2 + int(seed%6)
		rows := blobs(seed, 900, d, k, 1.5+float64(seed%3))
		init := [][]float64{}
		for j := 0; j < k; j++ {
			init = append(init, rows[j*7])
		}
		wantL, wantC, wantI, wantN := naiveLloyd(rows, init, 300, 1e-4)
		for _, alg := range []string{AlgorithmLloyd, AlgorithmElkan} {
			m, err := KMeans{NClusters: k, InitCenters: init, Algorithm: alg}.FitRows(rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Labels, wantL) {
				t.Errorf("seed %d %s: labels differ from oracle", seed, alg)
			}
			if relDiff(m.Inertia, wantI) > 1e-9 {
				t.Errorf("seed %d %s: inertia %v, oracle %v", seed, alg, m.Inertia, wantI)
			}
			if m.NIter != wantN {
				t.Errorf("seed %d %s: n_iter %d, oracle %d", seed, alg, m.NIter, wantN)
			}
			for j := range wantC {
				for f := range wantC[j] {
					if math.Abs(m.Centers[j][f]-wantC[j][f]) > 1e-9*(1+math.Abs(wantC[j][f])) {
						t.Fatalf("seed %d %s: centre %d differs", seed, alg, j)
					}
				}
			}
		}
	}
}

// exhaustiveOptimum returns the minimal k-means inertia over all labelings.
func exhaustiveOptimum(rows [][]float64, k int) float64 {
	n, d := len(rows), len(rows[0])
	lab := make([]int, n)
	best := math.Inf(1)
	var rec func(i int)
	rec = func(i int) {
		if i == n {
			sum := make([][]float64, k)
			cnt := make([]float64, k)
			for j := range sum {
				sum[j] = make([]float64, d)
			}
			for r, l := range lab {
				cnt[l]++
				for f := range rows[r] {
					sum[l][f] += rows[r][f]
				}
			}
			in := 0.0
			for r, l := range lab {
				for f := range rows[r] {
					dv := rows[r][f] - sum[l][f]/cnt[l]
					in += dv * dv
				}
			}
			best = min(best, in)
			return
		}
		for l := 0; l < k; l++ {
			lab[i] = l
			rec(i + 1)
		}
	}
	rec(0)
	return best
}

func TestReachesExhaustiveOptimumOnTinySets(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		k := 2 + int(seed%2)
		rows := blobs(seed+100, 8, 2, k, 2)
		opt := exhaustiveOptimum(rows, k)
		m, err := KMeans{NClusters: k, RandomState: seed}.FitRows(rows, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Inertia < opt*(1-1e-12) {
			t.Fatalf("seed %d: inertia %v below the exhaustive optimum %v", seed, m.Inertia, opt)
		}
		if m.Inertia > opt*(1+1e-9) {
			t.Errorf("seed %d: inertia %v, exhaustive optimum %v", seed, m.Inertia, opt)
		}
	}
}

func TestLloydAndElkanIdenticalWithSeeding(t *testing.T) {
	cases := []struct {
		name string
		rows [][]float64
		k    int
	}{
		{"blobs", blobs(7, 2000, 3, 6, 2), 6},
		{"overlapping", blobs(8, 2000, 5, 3, 8), 9},
		{"duplicates", duplicates(9, 1500, 4), 5},
	}
	for _, c := range cases {
		for _, init := range []string{InitKMeansPlusPlus, InitRandom} {
			a, err := KMeans{NClusters: c.k, Init: init, NInit: 2, RandomState: 5, Algorithm: AlgorithmLloyd}.FitRows(c.rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := KMeans{NClusters: c.k, Init: init, NInit: 2, RandomState: 5, Algorithm: AlgorithmElkan}.FitRows(c.rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Labels, b.Labels) || a.Inertia != b.Inertia || a.NIter != b.NIter || !equalRows(a.Centers, b.Centers) {
				t.Errorf("%s/%s: lloyd and elkan differ: inertia %v vs %v, iter %d vs %d", c.name, init, a.Inertia, b.Inertia, a.NIter, b.NIter)
			}
		}
	}
}

// duplicates returns rows drawn from only a few distinct points plus noise rows.
func duplicates(seed uint64, n, d int) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	base := blobs(seed, 12, d, 4, 3)
	rows := make([][]float64, n)
	for i := range rows {
		if i%10 == 0 {
			rows[i] = blobs(seed+uint64(i), 1, d, 1, 1)[0]
		} else {
			rows[i] = slices.Clone(base[rng.IntN(len(base))])
		}
	}
	return rows
}

func equalRows(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, func(x, y []float64) bool { return slices.Equal(x, y) })
}

func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	rows := blobs(3, 6000, 4, 7, 3)
	w := make([]float64, len(rows))
	for i := range w {
		w[i] = 1 + float64(i%5)
	}
	var ref *Model
	for _, procs := range []int{1, 2, 4, 8} {
		old := runtime.GOMAXPROCS(procs)
		m, err := KMeans{NClusters: 7, NInit: 2, RandomState: 11}.FitRows(rows, w)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = m
			continue
		}
		if !slices.Equal(ref.Labels, m.Labels) || ref.Inertia != m.Inertia || !equalRows(ref.Centers, m.Centers) {
			t.Fatalf("GOMAXPROCS=%d changed the result", procs)
		}
	}
}

func TestDoesNotMutateInput(t *testing.T) {
	rows := blobs(4, 500, 3, 3, 1)
	keep := make([][]float64, len(rows))
	for i := range rows {
		keep[i] = slices.Clone(rows[i])
	}
	init := [][]float64{slices.Clone(rows[0]), slices.Clone(rows[1]), slices.Clone(rows[2])}
	initKeep := [][]float64{slices.Clone(rows[0]), slices.Clone(rows[1]), slices.Clone(rows[2])}
	x, _ := FromRows(rows)
	flat := slices.Clone(x.Data)
	if _, err := (KMeans{NClusters: 3, InitCenters: init}).Fit(x, nil); err != nil {
		t.Fatal(err)
	}
	if !equalRows(rows, keep) || !equalRows(init, initKeep) || !slices.Equal(flat, x.Data) {
		t.Fatal("input was modified")
	}
}

func TestPredictMatchesLabels(t *testing.T) {
	rows := blobs(5, 2000, 3, 5, 4)
	m, err := KMeans{NClusters: 5, RandomState: 2}.FitRows(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.PredictRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, m.Labels) {
		t.Fatal("Predict on training data differs from Labels")
	}
	if _, err := m.PredictRows([][]float64{{1, 2}}); !errors.Is(err, ErrShape) {
		t.Fatalf("wrong width: got %v", err)
	}
}

func TestSampleWeightEqualsDuplication(t *testing.T) {
	rows := blobs(6, 300, 2, 3, 2)
	w := make([]float64, len(rows))
	var dup [][]float64
	for i := range rows {
		w[i] = float64(1 + i%3)
		for r := 0; r < int(w[i]); r++ {
			dup = append(dup, rows[i])
		}
	}
	init := [][]float64{rows[0], rows[1], rows[2]}
	a, err := KMeans{NClusters: 3, InitCenters: init}.FitRows(rows, w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := KMeans{NClusters: 3, InitCenters: init, Tol: -1}.FitRows(dup, nil)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := KMeans{NClusters: 3, InitCenters: init, Tol: -1}.FitRows(rows, w)
	if relDiff(a2.Inertia, b.Inertia) > 1e-9 {
		t.Fatalf("weighted inertia %v, duplicated %v", a2.Inertia, b.Inertia)
	}
	_ = a
}

func TestEmptyClusterRelocation(t *testing.T) {
	// Two initial centres far from all data: one cluster empties at once
	// and must be relocated onto the farthest row.
	rows := [][]float64{{0, 0}, {0, 1}, {1, 0}, {10, 10}, {10, 11}, {11, 10}}
	m, err := KMeans{NClusters: 2, InitCenters: [][]float64{{0, 0}, {-100, -100}}}.FitRows(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 0, 0, 1, 1, 1}
	if !slices.Equal(m.Labels, want) {
		t.Fatalf("labels %v, want %v", m.Labels, want)
	}
	if math.Abs(m.Inertia-8.0/3) > 1e-12 {
		t.Fatalf("inertia %v, want 8/3", m.Inertia)
	}
}

// TestAcceleratedPathsMatchLloyd runs the accelerated variant with the
// specialised and the generic scan and compares both with Lloyd bit for bit.
func TestAcceleratedPathsMatchLloyd(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		x, _ := FromRows(blobs(seed+60, 3000, 2+int(seed), 3+2*int(seed), 4))
		p, _ := centre(x, nil)
		k := 3 + 2*int(seed)
		init := p.plusPlus(k, rand.New(rand.NewPCG(seed, 0)))
		tol := 1e-4 * meanVariance(p)
		ref := newIterState(p, init, k, false).run(300, tol)
		full := newIterState(p, init, k, true).run(300, tol)
		generic := newIterState(p, init, k, true)
		generic.near2 = nearest2
		hl := generic.run(300, tol)
		for name, r := range map[string]runResult{"accelerated": full, "accelerated generic scan": hl} {
			if !slices.Equal(r.labels, ref.labels) || r.inertia != ref.inertia || r.nIter != ref.nIter || !slices.Equal(r.centers, ref.centers) {
				t.Fatalf("seed %d: %s differs from lloyd", seed, name)
			}
		}
	}
}

// TestExtremeMagnitudes checks that the fixed-point cluster sums neither
// overflow nor lose the clustering at the edges of the accepted range:
// scaling the data scales the centres and inertia and keeps the labels.
func TestExtremeMagnitudes(t *testing.T) {
	rows := blobs(71, 3000, 3, 5, 2)
	init := [][]float64{rows[0], rows[1], rows[2], rows[3], rows[4]}
	ref, err := KMeans{NClusters: 5, InitCenters: init}.FitRows(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{1e-90, 1e90} {
		sr := make([][]float64, len(rows))
		for i, r := range rows {
			sr[i] = []float64{r[0] * scale, r[1] * scale, r[2] * scale}
		}
		si := make([][]float64, len(init))
		for j, r := range init {
			si[j] = []float64{r[0] * scale, r[1] * scale, r[2] * scale}
		}
		w := make([]float64, len(rows))
		for i := range w {
			w[i] = 1e50 // huge but equal weights: same clustering, inertia ×1e50
		}
		m, err := KMeans{NClusters: 5, InitCenters: si}.FitRows(sr, w)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.Labels, ref.Labels) {
			t.Fatalf("scale %g: labels changed", scale)
		}
		if relDiff(m.Inertia, ref.Inertia*scale*scale*1e50) > 1e-9 {
			t.Fatalf("scale %g: inertia %v, want %v", scale, m.Inertia, ref.Inertia*scale*scale*1e50)
		}
	}
}
