// Fused assignment kernels (see fused.go), written out per number of
// columns d for four centres; keep them in step with each other.

package segment

import "math"

func fusedD2K4(xs, cs []float64, labels, rows, to []int32) int {
	n := len(labels)
	xs = xs[:2*n]
	rows, to = rows[:n], to[:n]
	cs = cs[:8]
	c0_0, c0_1 := cs[0], cs[1]
	c1_0, c1_1 := cs[2], cs[3]
	c2_0, c2_1 := cs[4], cs[5]
	c3_0, c3_1 := cs[6], cs[7]
	m := 0
	for i, old := range labels {
		x := xs[2*i : 2*i+2 : 2*i+2]
		x0, x1 := x[0], x[1]
		t0, t1 := x0-c0_0, x1-c0_1
		s0 := float64(t0 * t0)
		s0 += float64(t1 * t1)
		t0, t1 = x0-c1_0, x1-c1_1
		s1 := float64(t0 * t0)
		s1 += float64(t1 * t1)
		t0, t1 = x0-c2_0, x1-c2_1
		s2 := float64(t0 * t0)
		s2 += float64(t1 * t1)
		t0, t1 = x0-c3_0, x1-c3_1
		s3 := float64(t0 * t0)
		s3 += float64(t1 * t1)
		best := argmin4(math.Float64bits(s0), math.Float64bits(s1), math.Float64bits(s2), math.Float64bits(s3))
		rows[m], to[m] = int32(i), best
		inc := 0
		if old != best {
			inc = 1
		}
		m += inc
	}
	return m
}

func fusedD3K4(xs, cs []float64, labels, rows, to []int32) int {
	n := len(labels)
	xs = xs[:3*n]
	rows, to = rows[:n], to[:n]
	cs = cs[:12]
	c0_0, c0_1, c0_2 := cs[0], cs[1], cs[2]
	c1_0, c1_1, c1_2 := cs[3], cs[4], cs[5]
	c2_0, c2_1, c2_2 := cs[6], cs[7], cs[8]
	c3_0, c3_1, c3_2 := cs[9], cs[10], cs[11]
	m := 0
	for i, old := range labels {
		x := xs[3*i : 3*i+3 : 3*i+3]
		x0, x1, x2 := x[0], x[1], x[2]
		t0, t1, t2 := x0-c0_0, x1-c0_1, x2-c0_2
		s0 := float64(t0 * t0)
		s0 += float64(t1 * t1)
		s0 += float64(t2 * t2)
		t0, t1, t2 = x0-c1_0, x1-c1_1, x2-c1_2
		s1 := float64(t0 * t0)
		s1 += float64(t1 * t1)
		s1 += float64(t2 * t2)
		t0, t1, t2 = x0-c2_0, x1-c2_1, x2-c2_2
		s2 := float64(t0 * t0)
		s2 += float64(t1 * t1)
		s2 += float64(t2 * t2)
		t0, t1, t2 = x0-c3_0, x1-c3_1, x2-c3_2
		s3 := float64(t0 * t0)
		s3 += float64(t1 * t1)
		s3 += float64(t2 * t2)
		best := argmin4(math.Float64bits(s0), math.Float64bits(s1), math.Float64bits(s2), math.Float64bits(s3))
		rows[m], to[m] = int32(i), best
		inc := 0
		if old != best {
			inc = 1
		}
		m += inc
	}
	return m
}

func fusedD4K4(xs, cs []float64, labels, rows, to []int32) int {
	n := len(labels)
	xs = xs[:4*n]
	rows, to = rows[:n], to[:n]
	cs = cs[:16]
	c0_0, c0_1, c0_2, c0_3 := cs[0], cs[1], cs[2], cs[3]
	c1_0, c1_1, c1_2, c1_3 := cs[4], cs[5], cs[6], cs[7]
	c2_0, c2_1, c2_2, c2_3 := cs[8], cs[9], cs[10], cs[11]
	c3_0, c3_1, c3_2, c3_3 := cs[12], cs[13], cs[14], cs[15]
	m := 0
	for i, old := range labels {
		x := xs[4*i : 4*i+4 : 4*i+4]
		x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
		t0, t1, t2, t3 := x0-c0_0, x1-c0_1, x2-c0_2, x3-c0_3
		s0 := float64(t0 * t0)
		s0 += float64(t1 * t1)
		s0 += float64(t2 * t2)
		s0 += float64(t3 * t3)
		t0, t1, t2, t3 = x0-c1_0, x1-c1_1, x2-c1_2, x3-c1_3
		s1 := float64(t0 * t0)
		s1 += float64(t1 * t1)
		s1 += float64(t2 * t2)
		s1 += float64(t3 * t3)
		t0, t1, t2, t3 = x0-c2_0, x1-c2_1, x2-c2_2, x3-c2_3
		s2 := float64(t0 * t0)
		s2 += float64(t1 * t1)
		s2 += float64(t2 * t2)
		s2 += float64(t3 * t3)
		t0, t1, t2, t3 = x0-c3_0, x1-c3_1, x2-c3_2, x3-c3_3
		s3 := float64(t0 * t0)
		s3 += float64(t1 * t1)
		s3 += float64(t2 * t2)
		s3 += float64(t3 * t3)
		best := argmin4(math.Float64bits(s0), math.Float64bits(s1), math.Float64bits(s2), math.Float64bits(s3))
		rows[m], to[m] = int32(i), best
		inc := 0
		if old != best {
			inc = 1
		}
		m += inc
	}
	return m
}
