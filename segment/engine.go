package segment

import (
	"math"
)

// problem is a validated, mean-centred copy of the data that one or more
// k-means runs work on. It is never modified after construction.
type problem struct {
	x    []float64 // n×d, centred
	n, d int
	w    []float64 // nil means every weight is 1

	// Cluster sums are kept in exact integer arithmetic on a fixed-point
	// grid (see quantise), so they can be updated incrementally, in any
	// order, and stay the same bit for bit.
	qs []float64 // per column: grid scale, a power of two
	qw float64   // weight grid scale (1 when w is nil)

	meanVar    float64 // meanVariance, taken while centring
	hasMeanVar bool
	pooled     bool // x came from dataPool
}

// quantise chooses per-column power-of-two scales such that the sum of
// |weight × value × scale| over all rows stays below 2^62. Each row then
// contributes the integer trunc(weight × value × scale) to its cluster's
// sum: sums are exact, and the grid step is below 2^-62 × n × the
// column's largest |weight × value|, far below float64 summation error.
func (p *problem) quantise() {
	if p.qs != nil {
		return
	}
	// Maxima of |w·v| taken on the IEEE bits with the sign cleared (the
	// order of non-negative floats), which compiles to conditional moves.
	mx := make([]uint64, p.d)
	const abs = 1<<63 - 1
	for i := 0; i < p.n; i++ {
		w := p.weight(i)
		for f, v := range p.row(i) {
			if b := math.Float64bits(v*w) & abs; b > mx[f] {
				mx[f] = b
			}
		}
	}
	p.setGrid(mx)
}

// setGrid sets the grid scales from the column maxima of |w·v| given as
// IEEE bit patterns (see quantise).
func (p *problem) setGrid(mx []uint64) {
	limit := func(m float64) float64 {
		if m == 0 {
			return 1
		}
		_, e := math.Frexp(math.Ldexp(1, 62) / (float64(p.n) * m))
		return math.Ldexp(1, e-1)
	}
	var wmax float64
	for _, w := range p.w {
		wmax = max(wmax, w)
	}
	qs := make([]float64, p.d)
	for f := range qs {
		qs[f] = limit(math.Float64frombits(mx[f]))
	}
	p.qw = 1
	if p.w != nil {
		p.qw = limit(wmax)
	}
	p.qs = qs
}

// release hands the pooled centred copy back; p must not be used after.
func (p *problem) release() {
	if p.pooled {
		dataPool.put(p.x)
		p.x, p.pooled = nil, false
	}
}

// qweight is row i's weight on the grid; positive weights never round to 0.
func (p *problem) qweight(i int) int64 {
	if p.w == nil {
		return 1
	}
	if p.w[i] == 0 {
		return 0
	}
	return max(1, int64(p.w[i]*p.qw))
}

func (p *problem) weight(i int) float64 {
	if p.w == nil {
		return 1
	}
	return p.w[i]
}

func (p *problem) row(i int) []float64 { return p.x[i*p.d : (i+1)*p.d] }

// runResult is the outcome of one k-means run, in centred coordinates.
type runResult struct {
	centers []float64
	labels  []int32
	inertia float64
	nIter   int
}

// boundSlack is the relative safety margin of the accelerated variant's
// pruning test. A row keeps its label without a full scan only when its
// upper bound is below the lower bound by more than this fraction, so
// rounding in the bounds can never make the accelerated variant disagree
// with a full scan: Lloyd and the accelerated variant give identical labels,
// centres and inertia.
const boundSlack = 1e-8

// iterState holds the buffers of one run.
type iterState struct {
	p       *problem
	k       int
	accel   bool
	nChunks int

	near       func(x, cs []float64, k int) (int, float64)
	fused      func(xs, cs []float64, labels, rows, to []int32) int // nil: per-row scans
	pad        []float64                                            // centres padded with +Inf for fused
	scratch    []int32                                              // per worker: 2×chunkRows for fused
	centers    []float64                                            // k×d, current
	centersNew []float64                                            // k×d, scratch for the M-step
	labels     []int32

	// Exact cluster sums for the current labels, updated from per-chunk
	// deltas of the rows that changed cluster.
	isum     []int64   // k×d
	iw       []int64   // k
	dsum     []int64   // nChunks×k×d
	dw       []int64   // nChunks×k
	ddirty   []bool    // nChunks
	pchanged []int     // nChunks changed-label counts
	sums     []float64 // k×d, float working copy for the M-step
	wsum     []float64 // k

	shift []float64 // k: distance each centre moved in the last M-step

	// accelerated variant (Hamerly's bounds)
	// Bounds are stored relative to cumulative drifts so that rows whose
	// bounds still hold cost no writes: the upper bound of row r is
	// upper[r] + drift[label], its lower bound lower[r] - maxDrift.
	first    bool
	bounds   []float64 // 2n, pooled: upper then lower
	upper    []float64 // n
	lower    []float64 // n
	half     []float64 // k: half the distance to the nearest other centre
	near2    func(x, cs []float64, k int) (int, float64, float64)
	drift    []float64 // k: total distance each centre has moved
	maxDrift float64   // sum over iterations of the largest move

	relocDist []float64 // n, allocated only if a cluster empties
}

func newIterState(p *problem, init []float64, k int, accel bool) *iterState {
	return newIterStateFused(p, init, k, accel, true)
}

// newIterStateFused is newIterState choosing whether a fused kernel may be
// used: when allowed and there is one for the shape (see fusedKernel), both
// algorithms scan every row with it and keep no bounds. Tests disallow it
// to run the per-row scans and the bounds on the same shapes.
func newIterStateFused(p *problem, init []float64, k int, accel, allowFused bool) *iterState {
	var fused func(xs, cs []float64, labels, rows, to []int32) int
	var padK int
	if allowFused {
		fused, padK = fusedKernel(p.d, k)
	}
	if fused != nil {
		accel = false
	}
	nc := numChunks(p.n)
	s := &iterState{
		p: p, k: k, accel: accel, nChunks: nc,
		centers:    append([]float64(nil), init...),
		centersNew: make([]float64, k*p.d),
		labels:     make([]int32, p.n),
		pchanged:   make([]int, nc),
		sums:       make([]float64, k*p.d),
		wsum:       make([]float64, k),
		shift:      make([]float64, k),
		first:      true,
		near:       nearestFunc(p.d),
		fused:      fused,
	}
	if fused != nil {
		s.pad = make([]float64, padK*p.d)
	}
	for i := range s.labels {
		s.labels[i] = -1
	}
	p.quantise()
	s.isum = make([]int64, k*p.d)
	s.iw = make([]int64, k)
	s.dsum = make([]int64, nc*k*p.d)
	s.dw = make([]int64, nc*k)
	s.ddirty = make([]bool, nc)
	if accel {
		// written by the first full scan before any read
		s.bounds = boundsPool.get(2 * p.n)
		s.upper, s.lower = s.bounds[:p.n:p.n], s.bounds[p.n:]
		s.half = make([]float64, k)
		s.near2 = nearest2Func(p.d)
		s.drift = make([]float64, k)
		s.computeHalf()
	}
	return s
}

// release hands the pooled bound buffers back; s must not run again.
func (s *iterState) release() {
	boundsPool.put(s.bounds)
	s.bounds, s.upper, s.lower = nil, nil, nil
}

// run performs one k-means run the way scikit-learn's _kmeans_single_lloyd
// does: E+M steps until labels stop changing (strict convergence) or the
// squared centre shift falls to tol, then a final E-step so that labels
// match the returned centres.
func (s *iterState) run(maxIter int, tol float64) runResult {
	strict := false
	nIter := maxIter
	for it := 0; it < maxIter; it++ {
		changed := s.step(true)
		s.centers, s.centersNew = s.centersNew, s.centers
		if changed == 0 {
			strict = true
			nIter = it + 1
			break
		}
		var tot float64
		for _, v := range s.shift {
			tot += v * v
		}
		if tot <= tol {
			nIter = it + 1
			break
		}
	}
	if !strict {
		s.step(false)
	}
	return runResult{centers: s.centers, labels: s.labels, inertia: s.inertia(), nIter: nIter}
}

// step runs the E-step over all chunks and, if update, the M-step writing
// centersNew and shift. It returns how many labels changed.
func (s *iterState) step(update bool) int {
	if s.fused != nil {
		s.estepFused()
	} else {
		forChunks(s.nChunks, func(c int) { s.estepChunk(c, update) })
	}
	s.first = false
	changed := 0
	for _, v := range s.pchanged {
		changed += v
	}
	k, d := s.k, s.p.d
	for c, dirty := range s.ddirty {
		if !dirty {
			continue
		}
		s.ddirty[c] = false
		ds := s.dsum[c*k*d : (c+1)*k*d]
		for j, v := range ds {
			s.isum[j] += v
		}
		clear(ds)
		dw := s.dw[c*k : (c+1)*k]
		for j, v := range dw {
			s.iw[j] += v
		}
		clear(dw)
	}
	if update {
		s.mstep()
	}
	return changed
}

// estepChunk assigns every row of chunk c to its nearest centre (ties go to
// the lowest index), recording label changes in the chunk's delta sums.
func (s *iterState) estepChunk(c int, update bool) {
	lo, hi := chunkBounds(c, s.p.n)
	var changed int
	if s.accel && !s.first {
		changed = s.assignBounded(c, lo, hi)
	} else {
		changed = s.assignFull(c, lo, hi)
	}
	s.pchanged[c] = changed
}

// move records that row i of chunk c left cluster from (-1: none) for
// cluster to, in the chunk's exact delta sums.
func (s *iterState) move(c, i int, from, to int32) {
	p, k, d := s.p, s.k, s.p.d
	s.ddirty[c] = true
	ds := s.dsum[c*k*d : (c+1)*k*d]
	dw := s.dw[c*k : (c+1)*k]
	qw := p.qweight(i)
	w := p.weight(i)
	x := p.x[i*d : i*d+d]
	qs := p.qs[:d]
	t := int(to) * d
	if from < 0 {
		for f, v := range x {
			ds[t+f] += int64(v * w * qs[f])
		}
	} else {
		o := int(from) * d
		for f, v := range x {
			q := int64(v * w * qs[f])
			ds[t+f] += q
			ds[o+f] -= q
		}
		dw[from] -= qw
	}
	dw[to] += qw
}

// assignFull labels rows [lo, hi) by a full scan of the centres; with the
// accelerated variant it also initialises the bounds.
func (s *iterState) assignFull(c, lo, hi int) int {
	k, d, cs := s.k, s.p.d, s.centers
	labels := s.labels
	xs := s.p.x
	changed := 0
	for i := lo; i < hi; i++ {
		x := xs[i*d : i*d+d]
		var best int
		if s.accel {
			var bd, second float64
			best, bd, second = s.near2(x, cs, k)
			s.upper[i] = math.Sqrt(bd) - s.drift[best]
			s.lower[i] = math.Sqrt(second) + s.maxDrift
		} else {
			best, _ = s.near(x, cs, k)
		}
		if s.first {
			labels[i] = int32(best)
			continue
		}
		if labels[i] != int32(best) {
			changed++
			s.move(c, i, labels[i], int32(best))
			labels[i] = int32(best)
		}
	}
	if s.first { // every row was unlabelled: add them all in one pass
		s.addAll(c, lo, hi)
		changed = hi - lo
	}
	return changed
}

// addAll adds rows [lo, hi) of chunk c, all previously unlabelled, to the
// chunk's delta sums of their clusters: the same integers as move with no
// previous cluster, without a call per row.
func (s *iterState) addAll(c, lo, hi int) {
	p, k, d := s.p, s.k, s.p.d
	s.ddirty[c] = true
	ds := s.dsum[c*k*d : (c+1)*k*d]
	dw := s.dw[c*k : (c+1)*k]
	qs := p.qs[:d]
	for i := lo; i < hi; i++ {
		t := int(s.labels[i])
		w := p.weight(i)
		sum := ds[t*d : t*d+d]
		for f, v := range p.x[i*d : i*d+d] {
			sum[f] += int64(v * w * qs[f])
		}
		dw[t] += p.qweight(i)
	}
}

// mstep converts the exact cluster sums to floats, relocates empty
// clusters, averages, and records how far each centre moved.
func (s *iterState) mstep() {
	k, d := s.k, s.p.d
	qs := s.p.qs
	for j := 0; j < k; j++ {
		for f := 0; f < d; f++ {
			s.sums[j*d+f] = float64(s.isum[j*d+f]) / qs[f]
		}
		s.wsum[j] = float64(s.iw[j]) / s.p.qw
	}
	s.relocateEmpty()
	argmaxW := 0
	for j := 1; j < k; j++ {
		if s.wsum[j] > s.wsum[argmaxW] {
			argmaxW = j
		}
	}
	for j := 0; j < k; j++ {
		dst := s.centersNew[j*d : j*d+d]
		if s.wsum[j] > 0 {
			alpha := 1 / s.wsum[j]
			for f := range dst {
				dst[f] = s.sums[j*d+f] * alpha
			}
		}
	}
	for j := 0; j < k; j++ {
		if !(s.wsum[j] > 0) { // relocation impossible: park on the heaviest cluster
			copy(s.centersNew[j*d:j*d+d], s.centersNew[argmaxW*d:argmaxW*d+d])
		}
	}
	var maxShift float64
	for j := 0; j < k; j++ {
		sh := math.Sqrt(sqDist(s.centersNew[j*d:j*d+d], s.centers[j*d:j*d+d]))
		s.shift[j] = sh
		maxShift = max(maxShift, sh)
	}
	if s.accel {
		for j, sh := range s.shift {
			s.drift[j] += sh
		}
		s.maxDrift += maxShift
		s.centers, s.centersNew = s.centersNew, s.centers
		s.computeHalf()
		s.centers, s.centersNew = s.centersNew, s.centers
	}
}

// computeHalf sets half[j] to half the distance from centre j to its
// nearest other centre.
func (s *iterState) computeHalf() {
	k, d := s.k, s.p.d
	for j := 0; j < k; j++ {
		s.half[j] = math.Inf(1)
	}
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			h := math.Sqrt(sqDist(s.centers[a*d:a*d+d], s.centers[b*d:b*d+d])) / 2
			s.half[a] = min(s.half[a], h)
			s.half[b] = min(s.half[b], h)
		}
	}
	if k == 1 {
		s.half[0] = math.Inf(1)
	}
}

// inertia is the weighted sum of squared distances of rows to their
// assigned centres, reduced in chunk order.
func (s *iterState) inertia() float64 {
	part := make([]float64, s.nChunks)
	p, d := s.p, s.p.d
	forChunks(s.nChunks, func(c int) {
		lo, hi := chunkBounds(c, p.n)
		var t float64
		for i := lo; i < hi; i++ {
			l := int(s.labels[i])
			t += sqDist(p.row(i), s.centers[l*d:l*d+d]) * p.weight(i)
		}
		part[c] = t
	})
	var tot float64
	for _, v := range part {
		tot += v
	}
	return tot
}
