package segment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNearestKernelsBitIdentical checks every specialised kernel and the
// generic scan against a plain loop over sqDist, including exact ties
// (duplicated centres) and zero distances.
func TestNearestKernelsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for d := 1; d <= 9; d++ {
		for k := 1; k <= 13; k++ {
			cs := make([]float64, k*d)
			for i := range cs {
				cs[i] = math.Round(rng.NormFloat64()*4) / 2
			}
			if k > 2 { // a duplicated centre forces ties
				copy(cs[(k-1)*d:], cs[d:2*d])
			}
			for trial := 0; trial < 50; trial++ {
				x := make([]float64, d)
				for f := range x {
					x[f] = math.Round(rng.NormFloat64()*4) / 2
				}
				if trial == 0 {
					copy(x, cs[:d])
				}
				want, wantD := 0, sqDist(x, cs[:d])
				for j := 1; j < k; j++ {
					if s := sqDist(x, cs[j*d:j*d+d]); s < wantD {
						want, wantD = j, s
					}
				}
				for name, f := range map[string]func([]float64, []float64, int) (int, float64){"generic": nearest, "chosen": nearestFunc(d)} {
					got, gotD := f(x, cs, k)
					if got != want || gotD != wantD {
						t.Fatalf("d=%d k=%d %s: got (%d, %v), want (%d, %v)", d, k, name, got, gotD, want, wantD)
					}
				}
				wantSecond := math.Inf(1)
				for j := 0; j < k; j++ {
					if s := sqDist(x, cs[j*d:j*d+d]); j != want && s < wantSecond {
						wantSecond = s
					}
				}
				for name, f := range map[string]func([]float64, []float64, int) (int, float64, float64){"generic": nearest2, "chosen": nearest2Func(d)} {
					b, bd, second := f(x, cs, k)
					if b != want || bd != wantD || second != wantSecond {
						t.Fatalf("d=%d k=%d %s nearest2: got (%d, %v, %v), want second %v", d, k, name, b, bd, second, wantSecond)
					}
				}
			}
		}
	}
}
