package segment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rfmLike returns n rows of log-scaled, z-scored RFM-like features with d
// columns, the shape real segmentation inputs have.
func rfmLike(seed uint64, n, d int) Matrix {
	rng := rand.New(rand.NewPCG(seed, 3))
	data := make([]float64, n*d)
	for i := 0; i < n; i++ {
		freq := 1 + math.Floor(math.Exp(0.5+0.8*rng.NormFloat64())*rng.Float64()*2)
		row := data[i*d : (i+1)*d]
		row[0] = math.Log1p(math.Min(rng.ExpFloat64()*60/math.Sqrt(freq), 730))
		if d > 1 {
			row[1] = math.Log1p(freq)
		}
		if d > 2 {
			row[2] = math.Log1p(math.Exp(3.5+rng.NormFloat64()) * freq)
		}
		for f := 3; f < d; f++ {
			row[f] = math.Log1p(math.Exp(1 + 0.7*rng.NormFloat64()))
		}
	}
	for f := 0; f < d; f++ { // z-score, as segmentation inputs are
		var mean, ss float64
		for i := 0; i < n; i++ {
			mean += data[i*d+f]
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			ss += (data[i*d+f] - mean) * (data[i*d+f] - mean)
		}
		sd := math.Sqrt(ss / float64(n))
		for i := 0; i < n; i++ {
			data[i*d+f] = (data[i*d+f] - mean) / sd
		}
	}
	return Matrix{Data: data, Rows: n, Cols: d}
}

func benchFit(b *testing.B, n, d, k int, alg string) {
	x := rfmLike(1, n, d)
	km := KMeans{NClusters: k, NInit: 1, RandomState: 3, Algorithm: alg}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := km.Fit(x, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFitLloyd100kD5K10(b *testing.B) { benchFit(b, 100_000, 5, 10, AlgorithmLloyd) }
func BenchmarkFitElkan100kD5K10(b *testing.B) { benchFit(b, 100_000, 5, 10, AlgorithmElkan) }
func BenchmarkFitElkan100kD3K4(b *testing.B)  { benchFit(b, 100_000, 3, 4, AlgorithmElkan) }
func BenchmarkFitElkan1MD5K10(b *testing.B)   { benchFit(b, 1_000_000, 5, 10, AlgorithmElkan) }
func BenchmarkPlusPlus100kD5K10(b *testing.B) {
	x := rfmLike(1, 100_000, 5)
	p, _ := centre(x, nil)
	b.ReportAllocs()
	for b.Loop() {
		p.plusPlus(10, rand.New(rand.NewPCG(3, 3)))
	}
}

func BenchmarkFitElkan1MD3K4(b *testing.B) { benchFit(b, 1_000_000, 3, 4, AlgorithmElkan) }

func BenchmarkFitElkan10kD4K8(b *testing.B) { benchFit(b, 10_000, 4, 8, AlgorithmElkan) }

// BenchmarkFitBlobs10kD4K8 is a short fit (two iterations from good
// centres), where per-fit work dominates.
func BenchmarkFitBlobs10kD4K8(b *testing.B) {
	rows := blobs(5, 10_000, 4, 8, 1)
	x, _ := FromRows(rows)
	var init [][]float64
	seen := map[int]bool{}
	for i := 0; len(init) < 8; i++ { // one row from each well-separated blob
		c := int(math.Floor(rows[i][0]))
		if !seen[c] {
			seen[c] = true
			init = append(init, rows[i])
		}
	}
	km := KMeans{NClusters: 8, InitCenters: init}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := km.Fit(x, nil); err != nil {
			b.Fatal(err)
		}
	}
}
