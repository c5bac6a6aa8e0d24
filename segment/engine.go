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

// maxCentreBounds caps the memory of per-centre lower bounds (rows ×
// clusters float64s, 256 MiB); above it only Hamerly's bounds and the
// centre-to-centre distances are used.
const maxCentreBounds = 32 << 20

// iterState holds the buffers of one run.
type iterState struct {
	p       *problem
	k       int
	accel   bool
	nChunks int

	centers    []float64 // k×d, current
	centersNew []float64 // k×d, scratch for the M-step
	labels     []int32

	psum     []float64 // nChunks×k×d partial weighted sums
	pw       []float64 // nChunks×k partial weights
	pchanged []int     // nChunks changed-label counts
	sums     []float64 // k×d
	wsum     []float64 // k

	shift []float64 // k: distance each centre moved in the last M-step

	// accelerated variant (Hamerly's bounds)
	// Bounds are stored relative to cumulative drifts so that rows whose
	// bounds still hold cost no writes: the upper bound of row r is
	// upper[r] + drift[label], its lower bound lower[r] - maxDrift.
	first    bool
	upper    []float64 // n
	lower    []float64 // n
	half     []float64 // k: half the distance to the nearest other centre
	cc       []float64 // k×k: distances between centres
	cLow     []float64 // n×k: per-centre lower bounds, stored + drift[j]
	drift    []float64 // k: total distance each centre has moved
	maxDrift float64   // sum over iterations of the largest move
	pvalid   []bool    // nChunks: partial sums still match the labels

	relocDist []float64 // n, allocated only if a cluster empties
}

func newIterState(p *problem, init []float64, k int, accel bool) *iterState {
	nc := numChunks(p.n)
	s := &iterState{
		p: p, k: k, accel: accel, nChunks: nc,
		centers:    append([]float64(nil), init...),
		centersNew: make([]float64, k*p.d),
		labels:     make([]int32, p.n),
		psum:       make([]float64, nc*k*p.d),
		pw:         make([]float64, nc*k),
		pchanged:   make([]int, nc),
		pvalid:     make([]bool, nc),
		sums:       make([]float64, k*p.d),
		wsum:       make([]float64, k),
		shift:      make([]float64, k),
		first:      true,
	}
	for i := range s.labels {
		s.labels[i] = -1
	}
	if accel {
		s.upper = make([]float64, p.n)
		s.lower = make([]float64, p.n)
		s.half = make([]float64, k)
		s.cc = make([]float64, k*k)
		if p.n*k <= maxCentreBounds {
			s.cLow = make([]float64, p.n*k)
		}
		s.drift = make([]float64, k)
		s.computeHalf()
	}
	return s
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
	forChunks(s.nChunks, func(c int) { s.estepChunk(c, update) })
	s.first = false
	changed := 0
	for _, v := range s.pchanged {
		changed += v
	}
	if update {
		s.mstep()
	}
	return changed
}

// estepChunk assigns every row of chunk c to its nearest centre (ties go to
// the lowest index) and, if update, accumulates the chunk's weighted sums.
func (s *iterState) estepChunk(c int, update bool) {
	p, k, d := s.p, s.k, s.p.d
	lo, hi := chunkBounds(c, p.n)
	var changed int
	if s.accel && !s.first {
		changed = s.assignBounded(lo, hi)
	} else {
		changed = s.assignFull(lo, hi)
	}
	s.pchanged[c] = changed
	if changed > 0 {
		s.pvalid[c] = false
	}
	// A chunk whose labels did not change has the same partial sums as
	// before, bit for bit, so they are reused.
	if update && !s.pvalid[c] {
		s.pvalid[c] = true
		psum := s.psum[c*k*d : (c+1)*k*d]
		pw := s.pw[c*k : (c+1)*k]
		clear(psum)
		clear(pw)
		labels, xs, w := s.labels[lo:hi], p.x[lo*d:hi*d], p.w
		for r, l := range labels {
			x := xs[r*d : r*d+d]
			row := psum[int(l)*d : int(l)*d+d]
			if w == nil {
				pw[l]++
				for f, v := range x {
					row[f] += v
				}
			} else {
				wi := w[lo+r]
				pw[l] += wi
				for f, v := range x {
					row[f] += v * wi
				}
			}
		}
	}
}

// assignFull labels rows [lo, hi) by a full scan of the centres; with the
// accelerated variant it also initialises the bounds.
func (s *iterState) assignFull(lo, hi int) int {
	k, d, cs := s.k, s.p.d, s.centers
	labels := s.labels
	xs := s.p.x
	changed := 0
	for i := lo; i < hi; i++ {
		x := xs[i*d : i*d+d]
		var best int
		if s.accel {
			var low []float64
			if s.cLow != nil {
				low = s.cLow[i*k : i*k+k]
			}
			bd, second := math.Inf(1), math.Inf(1)
			for j := 0; j < k; j++ {
				sq := sqDist(x, cs[j*d:j*d+d])
				if low != nil {
					low[j] = math.Sqrt(sq) + s.drift[j]
				}
				if sq < bd {
					second = bd
					bd, best = sq, j
				} else if sq < second {
					second = sq
				}
			}
			s.upper[i] = math.Sqrt(bd) - s.drift[best]
			s.lower[i] = math.Sqrt(second) + s.maxDrift
		} else {
			best, _ = nearest(x, cs, k)
		}
		if labels[i] != int32(best) {
			changed++
			labels[i] = int32(best)
		}
	}
	return changed
}

// assignBounded labels rows [lo, hi) with bounds. A row first gets
// Hamerly's test (one upper bound, one lower bound for all other centres);
// if that fails, Elkan's per-centre lower bounds and the centre-to-centre
// distances rule out most centres, and exact distances are computed only
// for the rest. A centre is ruled out only when it is farther than a
// computed candidate by more than the rounding slack, and exact squared
// distances are compared with ties to the lowest index, so the labels are
// exactly those of Lloyd's full scan.
func (s *iterState) assignBounded(lo, hi int) int {
	k, d, cs := s.k, s.p.d, s.centers
	labels, upper, lower := s.labels[lo:hi], s.upper[lo:hi], s.lower[lo:hi]
	var cLow []float64
	if s.cLow != nil {
		cLow = s.cLow[lo*k : hi*k]
	}
	xs := s.p.x[lo*d : hi*d]
	drift, half, cc, maxDrift := s.drift, s.half, s.cc, s.maxDrift
	// Absolute slack covering rounding in the drift bookkeeping.
	abs := 1e-12 * maxDrift
	for _, v := range drift {
		abs = max(abs, 1e-12*v)
	}
	const up, down = 1 + boundSlack, 1 - boundSlack
	changed := 0
	for r, a := range labels {
		u := (upper[r]+drift[a])*up + abs
		m := max(half[a], lower[r]-maxDrift)*down - abs
		if u < m {
			continue
		}
		x := xs[r*d : r*d+d]
		var low []float64
		if cLow != nil {
			low = cLow[r*k : r*k+k]
		}
		best := int(a)
		bestSq := sqDist(x, cs[best*d:best*d+d])
		bestD := math.Sqrt(bestSq)
		if low != nil {
			low[best] = bestD + drift[best]
		}
		if bestD*up+abs < m {
			upper[r] = bestD - drift[best]
			continue
		}
		second := math.Inf(1) // lower bound on the distance to every centre but best
		for j := 0; j < k; j++ {
			if j == best {
				continue
			}
			lj := cc[best*k+j] - bestD
			if low != nil {
				lj = max(lj, low[j]-drift[j])
			}
			if bestD*up+abs < lj*down-abs {
				second = min(second, lj)
				continue
			}
			sq := sqDist(x, cs[j*d:j*d+d])
			dj := math.Sqrt(sq)
			if low != nil {
				low[j] = dj + drift[j]
			}
			if sq < bestSq || (sq == bestSq && j < best) {
				second = min(second, bestD)
				best, bestSq, bestD = j, sq, dj
			} else {
				second = min(second, dj)
			}
		}
		upper[r] = bestD - drift[best]
		lower[r] = second + maxDrift
		if a != int32(best) {
			changed++
			labels[r] = int32(best)
		}
	}
	return changed
}

// mstep reduces the chunk partials in chunk order, relocates empty
// clusters, averages, and records how far each centre moved.
func (s *iterState) mstep() {
	k, d := s.k, s.p.d
	clear(s.sums)
	clear(s.wsum)
	for c := 0; c < s.nChunks; c++ {
		ps := s.psum[c*k*d : (c+1)*k*d]
		for j, v := range ps {
			s.sums[j] += v
		}
		pw := s.pw[c*k : (c+1)*k]
		for j, v := range pw {
			s.wsum[j] += v
		}
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
			dist := math.Sqrt(sqDist(s.centers[a*d:a*d+d], s.centers[b*d:b*d+d]))
			s.cc[a*k+b], s.cc[b*k+a] = dist, dist
			h := dist / 2
			s.half[a] = min(s.half[a], h)
			s.half[b] = min(s.half[b], h)
		}
	}
	if k == 1 {
		s.half[0] = math.Inf(1)
	}
}

// relocateEmpty moves each empty cluster onto the row farthest from its
// (old) centre, as scikit-learn's _relocate_empty_clusters_dense does.
// Farthest rows are taken in order of decreasing distance, ties to the
// lowest row index.
func (s *iterState) relocateEmpty() {
	k, d, p := s.k, s.p.d, s.p
	var empty []int
	for j := 0; j < k; j++ {
		if s.wsum[j] == 0 {
			empty = append(empty, j)
		}
	}
	if len(empty) == 0 {
		return
	}
	if s.relocDist == nil {
		s.relocDist = make([]float64, p.n)
	}
	dist := s.relocDist
	forChunks(s.nChunks, func(c int) {
		lo, hi := chunkBounds(c, p.n)
		for i := lo; i < hi; i++ {
			l := int(s.labels[i])
			dist[i] = sqDist(p.row(i), s.centers[l*d:l*d+d])
		}
	})
	maxD := 0.0
	for _, v := range dist {
		maxD = max(maxD, v)
	}
	if maxD == 0 {
		return
	}
	taken := make(map[int]bool, len(empty))
	for _, newID := range empty {
		far := -1
		for i, v := range dist {
			if !taken[i] && (far < 0 || v > dist[far]) {
				far = i
			}
		}
		taken[far] = true
		w := p.weight(far)
		old := int(s.labels[far])
		x := p.row(far)
		for f := 0; f < d; f++ {
			s.sums[old*d+f] -= x[f] * w
			s.sums[newID*d+f] = x[f] * w
		}
		s.wsum[newID] = w
		s.wsum[old] -= w
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
