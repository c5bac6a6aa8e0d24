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
	n := boundFilter(labels, upper, lower, drift, hd, maxDrift, abs, buf[:])
	var dbuf [chunkRows]float64
	ownSqDist(xs, cs, labels, buf[:n], dbuf[:n], d)
	n2 := tightenFilter(labels, upper, lower, drift, hd, maxDrift, abs, buf[:n], dbuf[:n])
	// Full scans first, then the bounds from their results in a separate
	// loop, so that the square roots overlap with each other instead of
	// waiting on each scan (5% of a fit with k = 10, d = 5). dbuf is
	// reused for the nearest distances.
	var sbuf [chunkRows]float64
	var bests [chunkRows]int32
	rows := buf[:n2]
	for q, r := range rows {
		best, bd, second := s.near2(xs[int(r)*d:int(r)*d+d], cs, k)
		bests[q], dbuf[q], sbuf[q] = int32(best), bd, second
	}
	changed := 0
	for q, r := range rows {
		best := bests[q]
		upper[r] = math.Sqrt(dbuf[q]) - drift[best]
		lower[r] = math.Sqrt(sbuf[q]) + maxDrift
		if labels[r] != best {
			changed++
			s.move(c, lo+int(r), labels[r], best)
			labels[r] = best
		}
	}
	return changed
}

// boundFilter writes to out the rows whose upper bound does not beat both
// lower bounds (half the distance to the nearest other centre, and the
// distance to the second nearest) and returns how many. Kept small so that
// its loop runs in registers without branches.
func boundFilter(labels []int32, upper, lower, drift, hd []float64, maxDrift, abs float64, out []int32) int {
	const up, down = 1 + boundSlack, 1 - boundSlack
	upper = upper[:len(labels)]
	lower = lower[:len(labels)]
	out = out[:len(labels)]
	n := 0
	for r, a := range labels {
		u := (upper[r]+drift[a])*up + abs
		l := (lower[r]-maxDrift)*down - abs
		out[n] = int32(r)
		inc := 1
		if u < hd[a] {
			inc = 0
		}
		if u < l {
			inc = 0
		}
		n += inc
	}
	return n
}

// tightenFilter sets the upper bound of each row in rows to its exact
// distance (from sq, the squared distances) and keeps, compacted in place,
// the rows that still fail the bound test.
func tightenFilter(labels []int32, upper, lower, drift, hd []float64, maxDrift, abs float64, rows []int32, sq []float64) int {
	const up, down = 1 + boundSlack, 1 - boundSlack
	sq = sq[:len(rows)]
	n := 0
	for q, r := range rows {
		a := labels[r]
		ut := math.Sqrt(sq[q])
		upper[r] = ut - drift[a]
		u := ut*up + abs
		l := (lower[r]-maxDrift)*down - abs
		rows[n] = r
		inc := 1
		if u < hd[a] {
			inc = 0
		}
		if u < l {
			inc = 0
		}
		n += inc
	}
	return n
}
