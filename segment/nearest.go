package segment

import "math"

// nearestFunc returns the fastest bit-identical nearest-centre function
// for d columns.
func nearestFunc(d int) func(x, cs []float64, k int) (int, float64) {
	if f := nearestKernel(d); f != nil {
		return f
	}
	return nearest
}

// nearest2Func is nearestFunc for nearest2.
func nearest2Func(d int) func(x, cs []float64, k int) (int, float64, float64) {
	if f := nearest2Kernel(d); f != nil {
		return f
	}
	return nearest2
}

// nearest returns the index of the centre nearest to x and its squared
// distance; ties go to the lowest index. cs holds k centres of len(x)
// columns. Four centres are scanned together so that their sums are
// independent chains, but each centre's sum is accumulated in column
// order exactly as sqDist does, so the result is bit-identical to calling
// sqDist per centre.
func nearest(x, cs []float64, k int) (int, float64) {
	d := len(x)
	best, bd := 0, math.Inf(1)
	j := 0
	for ; j+4 <= k; j += 4 {
		c0 := cs[j*d : j*d+d]
		c1 := cs[(j+1)*d : (j+1)*d+d]
		c2 := cs[(j+2)*d : (j+2)*d+d]
		c3 := cs[(j+3)*d : (j+3)*d+d]
		var s0, s1, s2, s3 float64
		for f, v := range x {
			t0 := v - c0[f]
			t1 := v - c1[f]
			t2 := v - c2[f]
			t3 := v - c3[f]
			s0 += float64(t0 * t0)
			s1 += float64(t1 * t1)
			s2 += float64(t2 * t2)
			s3 += float64(t3 * t3)
		}
		if s0 < bd {
			bd, best = s0, j
		}
		if s1 < bd {
			bd, best = s1, j+1
		}
		if s2 < bd {
			bd, best = s2, j+2
		}
		if s3 < bd {
			bd, best = s3, j+3
		}
	}
	for ; j < k; j++ {
		if s := sqDist(x, cs[j*d:j*d+d]); s < bd {
			bd, best = s, j
		}
	}
	return best, bd
}

// nearest2 is nearest that also returns the second-smallest squared
// distance (+Inf when k == 1).
func nearest2(x, cs []float64, k int) (int, float64, float64) {
	d := len(x)
	best, bd, second := 0, math.Inf(1), math.Inf(1)
	j := 0
	for ; j+4 <= k; j += 4 {
		c0 := cs[j*d : j*d+d]
		c1 := cs[(j+1)*d : (j+1)*d+d]
		c2 := cs[(j+2)*d : (j+2)*d+d]
		c3 := cs[(j+3)*d : (j+3)*d+d]
		var s0, s1, s2, s3 float64
		for f, v := range x {
			t0 := v - c0[f]
			t1 := v - c1[f]
			t2 := v - c2[f]
			t3 := v - c3[f]
			s0 += float64(t0 * t0)
			s1 += float64(t1 * t1)
			s2 += float64(t2 * t2)
			s3 += float64(t3 * t3)
		}
		for q, sq := range [4]float64{s0, s1, s2, s3} {
			if sq < second {
				if sq < bd {
					second = bd
					bd, best = sq, j+q
				} else {
					second = sq
				}
			}
		}
	}
	for ; j < k; j++ {
		if sq := sqDist(x, cs[j*d:j*d+d]); sq < second {
			if sq < bd {
				second = bd
				bd, best = sq, j
			} else {
				second = sq
			}
		}
	}
	return best, bd, second
}

// ownSqDist sets out[q] to the squared distance from row rows[q] of xs to
// its labelled centre, with the loop specialised for small d. The results
// serve only as bounds, so the summation order is free.
func ownSqDist(xs, cs []float64, labels []int32, rows []int32, out []float64, d int) {
	out = out[:len(rows)]
	switch d {
	case 2:
		for q, r := range rows {
			x := xs[int(r)*2 : int(r)*2+2 : int(r)*2+2]
			a := int(labels[r])
			c := cs[a*2 : a*2+2 : a*2+2]
			t0, t1 := x[0]-c[0], x[1]-c[1]
			out[q] = t0*t0 + t1*t1
		}
	case 3:
		for q, r := range rows {
			x := xs[int(r)*3 : int(r)*3+3 : int(r)*3+3]
			a := int(labels[r])
			c := cs[a*3 : a*3+3 : a*3+3]
			t0, t1, t2 := x[0]-c[0], x[1]-c[1], x[2]-c[2]
			out[q] = t0*t0 + t1*t1 + t2*t2
		}
	case 4:
		for q, r := range rows {
			x := xs[int(r)*4 : int(r)*4+4 : int(r)*4+4]
			a := int(labels[r])
			c := cs[a*4 : a*4+4 : a*4+4]
			t0, t1, t2, t3 := x[0]-c[0], x[1]-c[1], x[2]-c[2], x[3]-c[3]
			out[q] = (t0*t0 + t1*t1) + (t2*t2 + t3*t3)
		}
	case 5:
		for q, r := range rows {
			x := xs[int(r)*5 : int(r)*5+5 : int(r)*5+5]
			a := int(labels[r])
			c := cs[a*5 : a*5+5 : a*5+5]
			t0, t1, t2, t3, t4 := x[0]-c[0], x[1]-c[1], x[2]-c[2], x[3]-c[3], x[4]-c[4]
			out[q] = (t0*t0 + t1*t1) + (t2*t2 + t3*t3) + t4*t4
		}
	default:
		for q, r := range rows {
			a := int(labels[r])
			out[q] = sqDist(xs[int(r)*d:int(r)*d+d], cs[a*d:a*d+d])
		}
	}
}
