package segment

import (
	"math"
	"math/rand/v2"
	"slices"
)

// MiniBatchKMeans clusters with small random batches, for millions of
// rows: each step assigns one batch and moves every centre towards its
// batch members with a per-centre learning rate 1/(weight seen so far),
// as scikit-learn's MiniBatchKMeans. Zero fields select the defaults
// noted, which are scikit-learn's.
type MiniBatchKMeans struct {
	NClusters   int         // n_clusters, required
	Init        string      // "k-means++" (default) or "random"
	InitCenters [][]float64 // given initial centres; NInit is then 1
	NInit       int         // n_init: initialisations tried on InitSize rows, default 3
	InitSize    int         // init_size: rows for initialisation, default 3×BatchSize
	BatchSize   int         // batch_size, default 1024
	MaxIter     int         // max_iter: passes over the data, default 100
	// Tol stops when the squared centre movement of a step is ≤ Tol × mean
	// column variance; default 0 (off).
	Tol float64
	// MaxNoImprovement stops after this many steps without improvement of
	// the smoothed batch inertia; default 10.
	MaxNoImprovement int
	// ReassignmentRatio: centres with less than this fraction of the
	// heaviest centre's weight are moved to random batch rows; default 0.01.
	ReassignmentRatio float64
	RandomState       uint64 // random_state
}

// Fit clusters x. Labels and Inertia of the result come from a final full
// assignment of all rows; NIter counts mini-batch steps.
func (mb MiniBatchKMeans) Fit(x Matrix, sampleWeight []float64) (*Model, error) {
	if err := x.validate("X"); err != nil {
		return nil, err
	}
	if err := validateWeights(sampleWeight, x.Rows); err != nil {
		return nil, err
	}
	k := mb.NClusters
	if k < 1 || k > x.Rows {
		return nil, inputErr(ErrClusters, "n_clusters", -1, -1, "must be 1..%d, got %d", x.Rows, k)
	}
	if distinct := countDistinct(x, k); distinct < k {
		return nil, inputErr(ErrClusters, "n_clusters", -1, -1, "%d clusters but only %d distinct rows", k, distinct)
	}
	base, err := KMeans{NClusters: k, Init: mb.Init, NInit: max(mb.NInit, 0), InitCenters: mb.InitCenters, Tol: mb.Tol}.resolve()
	if err != nil {
		return nil, err
	}
	batch := mb.BatchSize
	if batch == 0 {
		batch = 1024
	}
	if batch < 0 || mb.NInit < 0 || mb.MaxIter < 0 || mb.InitSize < 0 || mb.MaxNoImprovement < 0 || mb.ReassignmentRatio < 0 {
		return nil, inputErr(ErrOption, "minibatch", -1, -1, "n_init, batch_size, max_iter, init_size, max_no_improvement and reassignment_ratio must not be negative")
	}
	maxIter := cmpOr(mb.MaxIter, 100)
	noImprove := cmpOr(mb.MaxNoImprovement, 10)
	ratio := mb.ReassignmentRatio
	if ratio == 0 {
		ratio = 0.01
	}
	nInit := cmpOr(mb.NInit, 3)
	if mb.InitCenters != nil {
		nInit = 1
	}
	initSize := cmpOr(mb.InitSize, 3*batch)
	initSize = min(max(initSize, k), x.Rows)
	batch = min(batch, x.Rows)

	p, mean := centre(x, sampleWeight)
	d := p.d
	tol := 0.0
	if mb.Tol > 0 {
		tol = mb.Tol * meanVariance(p)
	}
	rng := rand.New(rand.NewPCG(mb.RandomState, 0x6d696e69))

	// initialisation: best of nInit on random row subsets, judged on a
	// validation subset
	valid := p.subset(randIdx(rng, p.n, initSize))
	var centers []float64
	bestInertia := math.Inf(1)
	for r := 0; r < nInit; r++ {
		var c0 []float64
		switch {
		case mb.InitCenters != nil:
			ic, err := FromRows(mb.InitCenters)
			if err != nil {
				return nil, err
			}
			if ic.Rows != k || ic.Cols != d {
				return nil, inputErr(ErrShape, "init", -1, -1, "centres are %d×%d, want %d×%d", ic.Rows, ic.Cols, k, d)
			}
			c0 = make([]float64, len(ic.Data))
			for i, v := range ic.Data {
				c0[i] = v - mean[i%d]
			}
		default:
			sub := p.subset(randIdx(rng, p.n, initSize))
			if base.init == InitRandom {
				c0 = sub.randomRows(k, rng)
			} else {
				c0 = sub.plusPlus(k, rng)
			}
		}
		if in := valid.inertiaOf(c0, k); r == 0 || in < bestInertia {
			centers, bestInertia = c0, in
		}
	}

	weightSums := make([]float64, k)
	bsum := make([]float64, k*d)
	bw := make([]float64, k)
	labels := make([]int, batch)
	nSteps := maxIter * p.n / batch
	alpha := min(1, float64(batch)*2/float64(p.n+1))
	var ewa, ewaMin float64
	ewaSet, noImp, sinceReassign := false, 0, 0
	steps := 0
	near := nearestFunc(d)
	for step := 0; step < nSteps; step++ {
		steps = step + 1
		idx := randIdx(rng, p.n, batch)
		clear(bsum)
		clear(bw)
		var inertia float64
		for b, i := range idx {
			x := p.row(i)
			j, dd := near(x, centers, k)
			labels[b] = j
			w := p.weight(i)
			inertia += dd * w
			bw[j] += w
			for f, v := range x {
				bsum[j*d+f] += v * w
			}
		}
		var shift float64
		for j := 0; j < k; j++ {
			if bw[j] == 0 {
				continue
			}
			c := centers[j*d : j*d+d]
			tot := weightSums[j] + bw[j]
			for f := range c {
				nv := (c[f]*weightSums[j] + bsum[j*d+f]) / tot
				shift += (nv - c[f]) * (nv - c[f])
				c[f] = nv
			}
			weightSums[j] = tot
		}
		// random reassignment of starved centres
		sinceReassign += batch
		if slices.Contains(weightSums, 0) || sinceReassign >= 10*k {
			sinceReassign = 0
			wmax := slices.Max(weightSums)
			var starved []int
			for j, ws := range weightSums {
				if ws < ratio*wmax {
					starved = append(starved, j)
				}
			}
			if len(starved) > batch/2 {
				starved = starved[:batch/2]
			}
			if len(starved) > 0 && len(starved) < k {
				minKept := math.Inf(1)
				for j, ws := range weightSums {
					if !slices.Contains(starved, j) {
						minKept = min(minKept, ws)
					}
				}
				pick := randIdx(rng, len(idx), len(starved))
				for s, j := range starved {
					copy(centers[j*d:j*d+d], p.row(idx[pick[s]]))
					weightSums[j] = minKept
				}
			}
		}
		// convergence on the smoothed batch inertia
		if step == 0 {
			continue
		}
		if tol > 0 && shift <= tol {
			break
		}
		bi := inertia / float64(batch)
		if !ewaSet {
			ewa, ewaSet = bi, true
		} else {
			ewa = ewa*(1-alpha) + bi*alpha
		}
		if step == 1 || ewa < ewaMin {
			ewaMin, noImp = ewa, 0
		} else {
			noImp++
		}
		if noImp >= noImprove {
			break
		}
	}

	s := newIterState(p, centers, k, false)
	s.step(false)
	return newModel(runResult{centers: s.centers, labels: s.labels, inertia: s.inertia(), nIter: steps}, mean, k, d), nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// randIdx draws m row indices in [0, n) with replacement.
func randIdx(rng *rand.Rand, n, m int) []int {
	out := make([]int, m)
	for i := range out {
		out[i] = rng.IntN(n)
	}
	return out
}

// subset copies the given rows (and their weights) into a new problem.
func (p *problem) subset(idx []int) *problem {
	q := &problem{x: make([]float64, 0, len(idx)*p.d), n: len(idx), d: p.d}
	if p.w != nil {
		q.w = make([]float64, len(idx))
	}
	for s, i := range idx {
		q.x = append(q.x, p.row(i)...)
		if p.w != nil {
			q.w[s] = p.w[i]
		}
	}
	return q
}

// inertiaOf is the weighted inertia of assigning p's rows to centers.
func (p *problem) inertiaOf(centers []float64, k int) float64 {
	var t float64
	near := nearestFunc(p.d)
	for i := 0; i < p.n; i++ {
		_, dd := near(p.row(i), centers, k)
		t += dd * p.weight(i)
	}
	return t
}
