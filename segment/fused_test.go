package segment

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestFusedKernelsMatchNearest checks each fused kernel against the
// per-row scan (itself checked against sqDist) for every k it serves,
// with exact ties (duplicated centres, rows on centres), distances that
// overflow to +Inf, and unlabelled rows.
func TestFusedKernelsMatchNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for d := 1; d <= 9; d++ {
		for k := 1; k <= 9; k++ {
			kern, padK := fusedKernel(d, k)
			if kern == nil {
				continue
			}
			for trial := 0; trial < 20; trial++ {
				scale := 0.5
				if trial%5 == 4 {
					scale = 1e154 // squared differences overflow to +Inf
				}
				cs := make([]float64, k*d)
				for i := range cs {
					cs[i] = math.Round(rng.NormFloat64()*4) * scale
				}
				if k > 2 {
					copy(cs[(k-1)*d:], cs[d:2*d])
				}
				n := 1 + rng.IntN(chunkRows)
				xs := make([]float64, n*d)
				for i := range xs {
					xs[i] = math.Round(rng.NormFloat64()*4) * scale
				}
				copy(xs, cs[:d])
				labels := make([]int32, n)
				for i := range labels {
					labels[i] = int32(rng.IntN(k+1) - 1)
				}
				pad := make([]float64, padK*d)
				padCentres(pad, cs)
				rows, to := make([]int32, chunkRows), make([]int32, chunkRows)
				m := kern(xs, pad, labels, rows, to)
				var wantRows, wantTo []int32
				for i := 0; i < n; i++ {
					j, _ := nearest(xs[i*d:i*d+d], cs, k)
					if int32(j) != labels[i] {
						wantRows = append(wantRows, int32(i))
						wantTo = append(wantTo, int32(j))
					}
				}
				if !slices.Equal(rows[:m], wantRows) || !slices.Equal(to[:m], wantTo) {
					t.Fatalf("d=%d k=%d trial %d: fused kernel disagrees with nearest", d, k, trial)
				}
			}
		}
	}
}

// TestFusedMatchesPerRowScans runs every shape the fused kernels serve
// with the fused kernel, with Lloyd's per-row scan and with the bounded
// (Hamerly) scan, with and without weights and at several GOMAXPROCS, and
// requires the same labels, centres, inertia and iteration count bit for
// bit.
func TestFusedMatchesPerRowScans(t *testing.T) {
	for d := 2; d <= 4; d++ {
		for k := 1; k <= 4; k++ {
			x, _ := FromRows(blobs(uint64(10*d+k), 2500, d, 3, 2.5))
			var w []float64
			if k%2 == 0 {
				w = make([]float64, x.Rows)
				for i := range w {
					w[i] = float64(1 + i%3)
				}
			}
			p, _ := centre(x, w)
			init := p.plusPlus(k, rand.New(rand.NewPCG(uint64(k), 1)))
			tol := 1e-4 * meanVariance(p)
			ref := newIterStateFused(p, init, k, false, false).run(300, tol)
			st := newIterStateFused(p, init, k, true, false)
			bounded := st.run(300, tol)
			st.release()
			for _, procs := range []int{1, 3} {
				old := runtime.GOMAXPROCS(procs)
				fs := newIterState(p, init, k, true)
				if fs.fused == nil {
					t.Fatalf("d=%d k=%d: no fused kernel", d, k)
				}
				fused := fs.run(300, tol)
				runtime.GOMAXPROCS(old)
				for name, r := range map[string]runResult{"bounded": bounded, "fused": fused} {
					if !slices.Equal(r.labels, ref.labels) || r.inertia != ref.inertia || r.nIter != ref.nIter || !slices.Equal(r.centers, ref.centers) {
						t.Fatalf("d=%d k=%d GOMAXPROCS=%d: %s differs from the per-row Lloyd scan", d, k, procs, name)
					}
				}
			}
			p.release()
		}
	}
}
