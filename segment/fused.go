package segment

import "math"

// Fused full scans for few centres. With k ≤ 4 centres of 2 to 4 columns,
// a full scan of a row costs at most sixteen multiply-adds, which is less
// than keeping Hamerly's bounds up to date (the bound pass, a square root
// for every row that fails it, and a first scan with two square roots per
// row). The fused kernels therefore assign every row by a full scan over
// four centres (fewer are padded), with the centres in locals and no call
// per row, and hand back only the rows whose label changed; both
// algorithms use them for these shapes. The distances are summed in column
// order and compared exactly as in nearestKernel, ties to the lowest
// index, so the labels are Lloyd's bit for bit.
//
// The rule (k ≤ 4, 2 ≤ d ≤ 4) comes from timing both scans on z-scored
// RFM-like data and on blobs at n = 100,000 and 1,000,000, one thread:
// the fused scan was 1.2–2.1× faster for d ≤ 3 and 1.0–1.4× for d = 4;
// at d = 5 or with eight padded centres (k = 5..8) it was slower.

// fusedKernel returns the fused assignment kernel for d columns and k
// centres, and how many centres it scans (k ≤ that many are padded, see
// padCentres), or nil when the per-row scans are the faster choice.
//
// A kernel labels the rows of xs (len(labels) rows of d columns) by
// their nearest centre in cs (the padded centres). For each row
// whose label differs from labels, it appends the row index to rows and
// the new label to to, and it returns how many it appended. labels is
// not modified.
func fusedKernel(d, k int) (func(xs, cs []float64, labels, rows, to []int32) int, int) {
	if k <= 4 {
		switch d {
		case 2:
			return fusedD2K4, 4
		case 3:
			return fusedD3K4, 4
		case 4:
			return fusedD4K4, 4
		}
	}
	return nil, 0
}

// padCentres copies the centres cs into the start of dst and fills the
// rest of dst with +Inf, whose distance to any row (+Inf) never beats the
// real centres, which come first.
func padCentres(dst, cs []float64) {
	copy(dst, cs)
	for i := len(cs); i < len(dst); i++ {
		dst[i] = math.Inf(1)
	}
}

// argmin4 returns the index of the smallest of four squared distances
// given as IEEE bit patterns (the order of non-negative floats), ties to
// the lowest index, compiled to conditional moves.
func argmin4(q0, q1, q2, q3 uint64) int32 {
	l01 := int32(0)
	if q1 < q0 {
		l01 = 1
	}
	l23 := int32(2)
	if q3 < q2 {
		l23 = 3
	}
	best := l01
	if min(q2, q3) < min(q0, q1) {
		best = l23
	}
	return best
}

// estepFused runs the E-step over all chunks with the fused kernel.
func (s *iterState) estepFused() {
	padCentres(s.pad, s.centers)
	workers := workersFor(s.nChunks)
	if len(s.scratch) < workers*2*chunkRows {
		s.scratch = make([]int32, workers*2*chunkRows)
	}
	forChunksOn(s.nChunks, workers, func(w, c int) {
		s.pchanged[c] = s.assignFused(c, s.scratch[w*2*chunkRows:(w+1)*2*chunkRows])
	})
}

// assignFused labels the rows of chunk c with the fused kernel and
// records the rows that changed cluster in the chunk's delta sums. scratch
// (2×chunkRows) belongs to the calling goroutine.
func (s *iterState) assignFused(c int, scratch []int32) int {
	lo, hi := chunkBounds(c, s.p.n)
	d := s.p.d
	labels := s.labels[lo:hi]
	rows, to := scratch[:chunkRows], scratch[chunkRows:2*chunkRows]
	m := s.fused(s.p.x[lo*d:hi*d], s.pad, labels, rows, to)
	if s.first { // every row was unlabelled: add them all in one pass
		for q, r := range rows[:m] {
			labels[r] = to[q]
		}
		s.addAll(c, lo, hi)
		return hi - lo
	}
	for q, r := range rows[:m] {
		s.move(c, lo+int(r), labels[r], to[q])
		labels[r] = to[q]
	}
	return m
}
