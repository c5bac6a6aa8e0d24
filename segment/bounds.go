package segment

import "math"

// assignBounded labels rows [lo, hi) with Hamerly's bounds, in three
// passes over the chunk so that each loop is short and nearly
// branch-free: (1) rows whose bounds prove their label are dropped;
// (2) the rest get the exact distance to their own centre and are tested
// again; (3) the remaining rows get the same full scan as Lloyd. A row
// keeps its label only when its bounds beat the alternatives by more than
// the rounding slack, so the labels are exactly Lloyd's.
func (s *iterState) assignBounded(c, lo, hi int) int {
	k, d, cs := s.k, s.p.d, s.centers
	labels, upper, lower := s.labels[lo:hi], s.upper[lo:hi], s.lower[lo:hi]
	xs := s.p.x[lo*d : hi*d]
	drift, half, maxDrift := s.drift, s.half, s.maxDrift
	// Absolute slack covering rounding in the drift bookkeeping.
	abs := 1e-12 * maxDrift
	for _, v := range drift {
		abs = max(abs, 1e-12*v)
	}
	const up, down = 1 + boundSlack, 1 - boundSlack
	// hd[j]: half[j] lowered by the slack, as compared below
	var hdBuf [64]float64
	hd := hdBuf[:0]
	if k > len(hdBuf) {
		hd = make([]float64, 0, k)
	}
	for _, h := range half {
		hd = append(hd, h*down-abs)
	}
	var buf [chunkRows]int32
	n := 0
	for r, a := range labels {
		u := (upper[r]+drift[a])*up + abs
		l := (lower[r]-maxDrift)*down - abs
		buf[n] = int32(r)
		inc := 1
		if u < hd[a] {
			inc = 0
		}
		if u < l {
			inc = 0
		}
		n += inc
	}
	n2 := 0
	var dbuf [chunkRows]float64
	ownSqDist(xs, cs, labels, buf[:n], dbuf[:n], d)
	for q, r := range buf[:n] {
		a := labels[r]
		ut := math.Sqrt(dbuf[q])
		upper[r] = ut - drift[a]
		u := ut*up + abs
		l := (lower[r]-maxDrift)*down - abs
		buf[n2] = r
		inc := 1
		if u < hd[a] {
			inc = 0
		}
		if u < l {
			inc = 0
		}
		n2 += inc
	}
	changed := 0
	for _, r := range buf[:n2] {
		best, bd, second := s.near2(xs[int(r)*d:int(r)*d+d], cs, k)
		upper[r] = math.Sqrt(bd) - drift[best]
		lower[r] = math.Sqrt(second) + maxDrift
		if labels[r] != int32(best) {
			changed++
			s.move(c, lo+int(r), labels[r], int32(best))
			labels[r] = int32(best)
		}
	}
	return changed
}
