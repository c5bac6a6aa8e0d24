// Specialised nearest-centre kernels, written out for 2..8 columns so that
// each keeps the row in registers; keep the sizes in step with each other.

package segment

import "math"

// nearestKernel returns a nearest-centre function specialised to d columns
// (2..8) or nil. Each keeps x in registers, sums squared differences in
// column order exactly as sqDist does, and takes the minimum on the IEEE
// bit patterns (monotonic for the non-negative sums) so that the compiler
// emits conditional moves instead of unpredictable branches. Ties go to the
// lowest index, so results are bit-identical to nearest.
func nearestKernel(d int) func(x, cs []float64, k int) (int, float64) {
	switch d {
	case 2:
		return nearestD2
	case 3:
		return nearestD3
	case 4:
		return nearestD4
	case 5:
		return nearestD5
	case 6:
		return nearestD6
	case 7:
		return nearestD7
	case 8:
		return nearestD8
	}
	return nil
}

// nearest2Kernel is nearestKernel for nearest2: it also returns the
// second-smallest squared distance.
func nearest2Kernel(d int) func(x, cs []float64, k int) (int, float64, float64) {
	switch d {
	case 2:
		return nearest2D2
	case 3:
		return nearest2D3
	case 4:
		return nearest2D4
	case 5:
		return nearest2D5
	case 6:
		return nearest2D6
	case 7:
		return nearest2D7
	case 8:
		return nearest2D8
	}
	return nil
}

func nearestD2(x, cs []float64, k int) (int, float64) {
	x = x[:2]
	x0, x1 := x[0], x[1]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:2*k]
	for j := 0; j < k; j++ {
		c := cs[2*j : 2*j+2 : 2*j+2]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD3(x, cs []float64, k int) (int, float64) {
	x = x[:3]
	x0, x1, x2 := x[0], x[1], x[2]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:3*k]
	for j := 0; j < k; j++ {
		c := cs[3*j : 3*j+3 : 3*j+3]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD4(x, cs []float64, k int) (int, float64) {
	x = x[:4]
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:4*k]
	for j := 0; j < k; j++ {
		c := cs[4*j : 4*j+4 : 4*j+4]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD5(x, cs []float64, k int) (int, float64) {
	x = x[:5]
	x0, x1, x2, x3, x4 := x[0], x[1], x[2], x[3], x[4]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:5*k]
	for j := 0; j < k; j++ {
		c := cs[5*j : 5*j+5 : 5*j+5]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD6(x, cs []float64, k int) (int, float64) {
	x = x[:6]
	x0, x1, x2, x3, x4, x5 := x[0], x[1], x[2], x[3], x[4], x[5]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:6*k]
	for j := 0; j < k; j++ {
		c := cs[6*j : 6*j+6 : 6*j+6]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD7(x, cs []float64, k int) (int, float64) {
	x = x[:7]
	x0, x1, x2, x3, x4, x5, x6 := x[0], x[1], x[2], x[3], x[4], x[5], x[6]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:7*k]
	for j := 0; j < k; j++ {
		c := cs[7*j : 7*j+7 : 7*j+7]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		t6 := x6 - c[6]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		s += float64(t6 * t6)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearestD8(x, cs []float64, k int) (int, float64) {
	x = x[:8]
	x0, x1, x2, x3, x4, x5, x6, x7 := x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
	best, bb := 0, uint64(math.MaxUint64)
	cs = cs[:8*k]
	for j := 0; j < k; j++ {
		c := cs[8*j : 8*j+8 : 8*j+8]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		t6 := x6 - c[6]
		t7 := x7 - c[7]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		s += float64(t6 * t6)
		s += float64(t7 * t7)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb)
}

func nearest2D2(x, cs []float64, k int) (int, float64, float64) {
	x = x[:2]
	x0, x1 := x[0], x[1]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:2*k]
	for j := 0; j < k; j++ {
		c := cs[2*j : 2*j+2 : 2*j+2]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D3(x, cs []float64, k int) (int, float64, float64) {
	x = x[:3]
	x0, x1, x2 := x[0], x[1], x[2]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:3*k]
	// Centres in pairs: the two distances are independent, and the pair's
	// smaller and larger are merged into the running best and second, which
	// halves the chain of dependent minima. Ties still go to the lowest
	// index (within a pair and across pairs), and the best and second
	// values are the same order statistics as one at a time.
	j := 0
	for ; j+1 < k; j += 2 {
		c := cs[3*j : 3*j+6 : 3*j+6]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		u0 := x0 - c[3]
		u1 := x1 - c[4]
		u2 := x2 - c[5]
		r := float64(u0 * u0)
		r += float64(u1 * u1)
		r += float64(u2 * u2)
		a, b := math.Float64bits(s), math.Float64bits(r)
		pi := j
		if b < a {
			pi = j + 1
		}
		lo, hi := min(a, b), max(a, b)
		if lo < bb {
			best = pi
		}
		second = min(second, hi, max(bb, lo))
		bb = min(bb, lo)
	}
	if j < k {
		c := cs[3*j : 3*j+3 : 3*j+3]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D4(x, cs []float64, k int) (int, float64, float64) {
	x = x[:4]
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:4*k]
	// Centres in pairs, as in nearest2D3.
	j := 0
	for ; j+1 < k; j += 2 {
		c := cs[4*j : 4*j+8 : 4*j+8]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		u0 := x0 - c[4]
		u1 := x1 - c[5]
		u2 := x2 - c[6]
		u3 := x3 - c[7]
		r := float64(u0 * u0)
		r += float64(u1 * u1)
		r += float64(u2 * u2)
		r += float64(u3 * u3)
		a, b := math.Float64bits(s), math.Float64bits(r)
		pi := j
		if b < a {
			pi = j + 1
		}
		lo, hi := min(a, b), max(a, b)
		if lo < bb {
			best = pi
		}
		second = min(second, hi, max(bb, lo))
		bb = min(bb, lo)
	}
	if j < k {
		c := cs[4*j : 4*j+4 : 4*j+4]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D5(x, cs []float64, k int) (int, float64, float64) {
	x = x[:5]
	x0, x1, x2, x3, x4 := x[0], x[1], x[2], x[3], x[4]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:5*k]
	// Centres in pairs, as in nearest2D3.
	j := 0
	for ; j+1 < k; j += 2 {
		c := cs[5*j : 5*j+10 : 5*j+10]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		u0 := x0 - c[5]
		u1 := x1 - c[6]
		u2 := x2 - c[7]
		u3 := x3 - c[8]
		u4 := x4 - c[9]
		r := float64(u0 * u0)
		r += float64(u1 * u1)
		r += float64(u2 * u2)
		r += float64(u3 * u3)
		r += float64(u4 * u4)
		a, b := math.Float64bits(s), math.Float64bits(r)
		pi := j
		if b < a {
			pi = j + 1
		}
		lo, hi := min(a, b), max(a, b)
		if lo < bb {
			best = pi
		}
		second = min(second, hi, max(bb, lo))
		bb = min(bb, lo)
	}
	if j < k {
		c := cs[5*j : 5*j+5 : 5*j+5]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D6(x, cs []float64, k int) (int, float64, float64) {
	x = x[:6]
	x0, x1, x2, x3, x4, x5 := x[0], x[1], x[2], x[3], x[4], x[5]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:6*k]
	for j := 0; j < k; j++ {
		c := cs[6*j : 6*j+6 : 6*j+6]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D7(x, cs []float64, k int) (int, float64, float64) {
	x = x[:7]
	x0, x1, x2, x3, x4, x5, x6 := x[0], x[1], x[2], x[3], x[4], x[5], x[6]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:7*k]
	for j := 0; j < k; j++ {
		c := cs[7*j : 7*j+7 : 7*j+7]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		t6 := x6 - c[6]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		s += float64(t6 * t6)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}

func nearest2D8(x, cs []float64, k int) (int, float64, float64) {
	x = x[:8]
	x0, x1, x2, x3, x4, x5, x6, x7 := x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]
	best, bb := 0, uint64(math.MaxUint64)
	second := math.Float64bits(math.Inf(1))
	cs = cs[:8*k]
	for j := 0; j < k; j++ {
		c := cs[8*j : 8*j+8 : 8*j+8]
		t0 := x0 - c[0]
		t1 := x1 - c[1]
		t2 := x2 - c[2]
		t3 := x3 - c[3]
		t4 := x4 - c[4]
		t5 := x5 - c[5]
		t6 := x6 - c[6]
		t7 := x7 - c[7]
		s := float64(t0 * t0)
		s += float64(t1 * t1)
		s += float64(t2 * t2)
		s += float64(t3 * t3)
		s += float64(t4 * t4)
		s += float64(t5 * t5)
		s += float64(t6 * t6)
		s += float64(t7 * t7)
		b := math.Float64bits(s)
		if b < bb {
			best = j
		}
		second = min(second, max(bb, b))
		bb = min(bb, b)
	}
	return best, math.Float64frombits(bb), math.Float64frombits(second)
}
