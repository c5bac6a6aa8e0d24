package segment

import (
	"math"
	"math/rand/v2"
)

// Init method names, as in scikit-learn.
const (
	InitKMeansPlusPlus = "k-means++"
	InitRandom         = "random"
)

// Algorithm names, as in scikit-learn.
const (
	// AlgorithmLloyd is the plain EM iteration: every row is compared with
	// every centre in every iteration.
	AlgorithmLloyd = "lloyd"
	// AlgorithmElkan selects the triangle-inequality accelerated variant
	// (scikit-learn's name for it). This package implements it with
	// Hamerly's bounds (one upper and one lower bound per row), which is the
	// faster choice for the low-dimensional features customer segmentation
	// uses. With at most four clusters of at most four columns, where a
	// full scan is cheaper than the bounds, both algorithms run the same
	// fused full scan instead. It gives exactly the same labels, centres,
	// inertia and iteration count as AlgorithmLloyd.
	AlgorithmElkan = "elkan"
)

// KMeans holds the parameters of a k-means clustering. Names and meanings
// follow scikit-learn's sklearn.cluster.KMeans. The zero value of each field
// selects the default noted beside it. A KMeans is a plain value and safe to
// share; Fit does not modify it.
type KMeans struct {
	// NClusters is the number of clusters k (n_clusters). Required, ≥ 1 and
	// at most the number of distinct rows.
	NClusters int
	// Init is "k-means++" (default) or "random" (init).
	Init string
	// InitCenters, when non-nil, gives the initial centres (init=array):
	// NClusters rows of the data's width. Init and NInit are then ignored
	// and a single run is made.
	InitCenters [][]float64
	// NInit is the number of runs with different seeds (n_init); the run
	// with the lowest inertia is kept. Default 10.
	NInit int
	// MaxIter bounds the iterations of one run (max_iter). Default 300.
	MaxIter int
	// Tol is the convergence tolerance relative to the mean per-column
	// variance of the data (tol): a run stops when the sum of squared centre
	// movements is ≤ Tol × mean(var(X, axis=0)). Default 1e-4; a negative
	// value means 0 (stop only when labels no longer change).
	Tol float64
	// RandomState seeds the generator for initialisation (random_state).
	// The same seed gives the same result on every machine and at every
	// GOMAXPROCS.
	RandomState uint64
	// Algorithm is "lloyd" or "elkan" (algorithm). Default "elkan"; both
	// give identical results.
	Algorithm string
}

// Model is a fitted k-means clustering. Its fields are results; the model
// is immutable after Fit and safe for concurrent use by Predict.
type Model struct {
	// Centers holds the cluster centres (cluster_centers_), one row per
	// cluster, in the units of the data given to Fit.
	Centers [][]float64
	// Labels gives each training row's cluster (labels_).
	Labels []int
	// Inertia is the weighted sum of squared distances of rows to their
	// centre (inertia_).
	Inertia float64
	// NIter is the number of iterations of the kept run (n_iter_).
	NIter int

	mean    []float64 // column means the model works relative to
	centred []float64 // k×d centres minus mean
	k, d    int
}

// FitRows is Fit for a slice of rows.
func (km KMeans) FitRows(rows [][]float64, sampleWeight []float64) (*Model, error) {
	x, err := FromRows(rows)
	if err != nil {
		return nil, err
	}
	return km.Fit(x, sampleWeight)
}

// Fit clusters the rows of x. sampleWeight (sample_weight) may be nil for
// equal weights; otherwise it has one finite, non-negative weight per row.
// x is not modified.
func (km KMeans) Fit(x Matrix, sampleWeight []float64) (*Model, error) {
	if err := x.validate("X"); err != nil {
		return nil, err
	}
	if err := validateWeights(sampleWeight, x.Rows); err != nil {
		return nil, err
	}
	k := km.NClusters
	if k < 1 {
		return nil, inputErr(ErrClusters, "n_clusters", -1, -1, "must be at least 1, got %d", k)
	}
	cfg, err := km.resolve()
	if err != nil {
		return nil, err
	}
	var initC []float64
	if km.InitCenters != nil {
		ic, err := FromRows(km.InitCenters)
		if err != nil {
			e := err.(*InputError)
			e.Field = "init"
			return nil, e
		}
		if ic.Rows != k || ic.Cols != x.Cols {
			return nil, inputErr(ErrShape, "init", -1, -1, "centres are %d×%d, want %d×%d", ic.Rows, ic.Cols, k, x.Cols)
		}
		initC = ic.Data
	}
	if k > x.Rows {
		return nil, inputErr(ErrClusters, "n_clusters", -1, -1, "%d clusters for %d rows", k, x.Rows)
	}
	if distinct := countDistinct(x, k); distinct < k {
		return nil, inputErr(ErrClusters, "n_clusters", -1, -1, "%d clusters but only %d distinct rows", k, distinct)
	}

	p, mean := centre(x, sampleWeight)
	tol := cfg.tol * meanVariance(p)
	rng := rand.New(rand.NewPCG(km.RandomState, 0x9e3779b97f4a7c15))
	accel := cfg.algorithm == AlgorithmElkan

	var best runResult
	for r := 0; r < cfg.nInit; r++ {
		var c0 []float64
		switch {
		case initC != nil:
			c0 = make([]float64, len(initC))
			for i, v := range initC {
				c0[i] = v - mean[i%x.Cols]
			}
		case cfg.init == InitRandom:
			c0 = p.randomRows(k, rng)
		default:
			c0 = p.plusPlus(k, rng)
		}
		st := newIterState(p, c0, k, accel)
		res := st.run(cfg.maxIter, tol)
		st.release()
		if r == 0 || (res.inertia < best.inertia && !sameClustering(res.labels, best.labels, k)) {
			best = res
		}
	}
	m := newModel(best, mean, k, x.Cols)
	p.release()
	return m, nil
}

type fitConfig struct {
	init      string
	nInit     int
	maxIter   int
	tol       float64
	algorithm string
}

func (km KMeans) resolve() (fitConfig, error) {
	c := fitConfig{init: km.Init, nInit: km.NInit, maxIter: km.MaxIter, tol: km.Tol, algorithm: km.Algorithm}
	switch c.init {
	case "":
		c.init = InitKMeansPlusPlus
	case InitKMeansPlusPlus, InitRandom:
	default:
		return c, inputErr(ErrOption, "init", -1, -1, "must be %q or %q", InitKMeansPlusPlus, InitRandom)
	}
	switch {
	case c.nInit == 0:
		c.nInit = 10
	case c.nInit < 0:
		return c, inputErr(ErrOption, "n_init", -1, -1, "must be at least 1, got %d", c.nInit)
	}
	if km.InitCenters != nil {
		c.nInit = 1
	}
	switch {
	case c.maxIter == 0:
		c.maxIter = 300
	case c.maxIter < 0:
		return c, inputErr(ErrOption, "max_iter", -1, -1, "must be at least 1, got %d", c.maxIter)
	}
	switch {
	case math.IsNaN(c.tol) || math.IsInf(c.tol, 0):
		return c, inputErr(ErrOption, "tol", -1, -1, "must be finite")
	case c.tol == 0:
		c.tol = 1e-4
	case c.tol < 0:
		c.tol = 0
	}
	switch c.algorithm {
	case "":
		c.algorithm = AlgorithmElkan
	case AlgorithmLloyd, AlgorithmElkan:
	default:
		return c, inputErr(ErrOption, "algorithm", -1, -1, "must be %q or %q", AlgorithmLloyd, AlgorithmElkan)
	}
	return c, nil
}

// centre copies x minus its (unweighted) column means, as scikit-learn does
// before clustering for accurate distances. The copy goes into a pooled
// buffer (see release). The same pass also takes the sums of squares for
// meanVariance and the column maxima for quantise, so the fit makes no
// further passes over the data for them.
func centre(x Matrix, w []float64) (*problem, []float64) {
	n, d := x.Rows, x.Cols
	nc := numChunks(n)
	part := make([]float64, nc*d)
	forChunks(nc, func(c int) {
		lo, hi := chunkBounds(c, n)
		ps := part[c*d : (c+1)*d]
		xs := x.Data[lo*d : hi*d]
		// Column by column, alternate rows into two sums held in
		// registers: no chain of additions through memory.
		for f := range ps {
			var a0, a1 float64
			i := f
			for ; i+d < len(xs); i += 2 * d {
				a0 += xs[i]
				a1 += xs[i+d]
			}
			if i < len(xs) {
				a0 += xs[i]
			}
			ps[f] = a0 + a1
		}
	})
	mean := make([]float64, d)
	for c := 0; c < nc; c++ {
		for f := range mean {
			mean[f] += part[c*d+f]
		}
	}
	for f := range mean {
		mean[f] /= float64(n)
	}
	xc := dataPool.get(n * d)
	sq := make([]float64, nc)
	mx := make([]uint64, nc*d)
	forChunks(nc, func(c int) {
		lo, hi := chunkBounds(c, n)
		cm := mx[c*d : (c+1)*d]
		var t float64
		const abs = 1<<63 - 1
		for i := lo; i < hi; i++ {
			wi := 1.0
			if w != nil {
				wi = w[i]
			}
			dst := xc[i*d : i*d+d]
			for f, v := range x.Data[i*d : i*d+d] {
				cv := v - mean[f]
				dst[f] = cv
				t += cv * cv
				// Maxima of |w·v| taken on the IEEE bits with the sign
				// cleared (the order of non-negative floats).
				if b := math.Float64bits(cv*wi) & abs; b > cm[f] {
					cm[f] = b
				}
			}
		}
		sq[c] = t
	})
	p := &problem{x: xc, n: n, d: d, w: w, pooled: true}
	var tot float64
	for _, v := range sq {
		tot += v
	}
	p.meanVar = tot / float64(n) / float64(d)
	p.hasMeanVar = true
	colMax := make([]uint64, d)
	for c := 0; c < nc; c++ {
		for f, b := range mx[c*d : (c+1)*d] {
			colMax[f] = max(colMax[f], b)
		}
	}
	p.setGrid(colMax)
	return p, mean
}

// meanVariance is the mean over columns of the population variance of the
// (already centred) data.
func meanVariance(p *problem) float64 {
	if p.hasMeanVar {
		return p.meanVar
	}
	nc := numChunks(p.n)
	part := make([]float64, nc)
	forChunks(nc, func(c int) {
		lo, hi := chunkBounds(c, p.n)
		var t float64
		for _, v := range p.x[lo*p.d : hi*p.d] {
			t += v * v
		}
		part[c] = t
	})
	var tot float64
	for _, v := range part {
		tot += v
	}
	return tot / float64(p.n) / float64(p.d)
}

// sameClustering reports whether two labelings are equal up to a
// permutation of cluster ids.
func sameClustering(a, b []int32, k int) bool {
	mapping := make([]int32, k)
	for i := range mapping {
		mapping[i] = -1
	}
	for i := range a {
		switch mapping[a[i]] {
		case -1:
			mapping[a[i]] = b[i]
		case b[i]:
		default:
			return false
		}
	}
	return true
}

func newModel(r runResult, mean []float64, k, d int) *Model {
	m := &Model{Inertia: r.inertia, NIter: r.nIter, mean: mean, centred: r.centers, k: k, d: d}
	m.Centers = make([][]float64, k)
	for j := range m.Centers {
		row := make([]float64, d)
		for f := range row {
			row[f] = r.centers[j*d+f] + mean[f]
		}
		m.Centers[j] = row
	}
	m.Labels = make([]int, len(r.labels))
	for i, l := range r.labels {
		m.Labels[i] = int(l)
	}
	return m
}

// NClusters returns the number of clusters.
func (m *Model) NClusters() int { return m.k }

// NFeatures returns the number of columns the model was fitted on.
func (m *Model) NFeatures() int { return m.d }

// Predict returns the nearest centre of each row of x (ties to the lowest
// cluster id). On the training data it returns Labels.
func (m *Model) Predict(x Matrix) ([]int, error) {
	if err := x.validate("X"); err != nil {
		return nil, err
	}
	if x.Cols != m.d {
		return nil, inputErr(ErrShape, "X", -1, -1, "has %d columns, model has %d", x.Cols, m.d)
	}
	d := m.d
	near := nearestFunc(d)
	out := make([]int, x.Rows)
	forChunks(numChunks(x.Rows), func(c int) {
		lo, hi := chunkBounds(c, x.Rows)
		buf := make([]float64, d)
		for i := lo; i < hi; i++ {
			for f, v := range x.Row(i) {
				buf[f] = v - m.mean[f]
			}
			out[i], _ = near(buf, m.centred, m.k)
		}
	})
	return out, nil
}

// PredictRows is Predict for a slice of rows.
func (m *Model) PredictRows(rows [][]float64) ([]int, error) {
	x, err := FromRows(rows)
	if err != nil {
		return nil, err
	}
	return m.Predict(x)
}
