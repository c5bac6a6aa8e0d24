package segment

import (
	"math"
	"math/rand/v2"
)

// plusPlus picks k initial centres by greedy k-means++ as scikit-learn's
// _kmeans_plusplus does: the first centre is drawn with probability
// proportional to the sample weight; each further centre is the best (lowest
// resulting potential) of 2+⌊ln k⌋ candidates drawn with probability
// proportional to weight × squared distance to the nearest chosen centre.
func (p *problem) plusPlus(k int, rng *rand.Rand) []float64 {
	n, d := p.n, p.d
	nc := numChunks(n)
	centers := make([]float64, k*d)
	trials := 2 + int(math.Log(float64(k)))

	first := p.sampleWeighted(func(i int) float64 { return p.weight(i) }, nil, rng.Float64())
	copy(centers[:d], p.row(first))

	closest := make([]float64, n)
	chunkPot := make([]float64, nc)
	forChunks(nc, func(c int) {
		lo, hi := chunkBounds(c, n)
		var t float64
		for i := lo; i < hi; i++ {
			closest[i] = sqDist(p.row(i), centers[:d])
			t += closest[i] * p.weight(i)
		}
		chunkPot[c] = t
	})

	cand := make([]int, trials)
	candPot := make([]float64, nc*trials)
	for ci := 1; ci < k; ci++ {
		for t := range cand {
			cand[t] = p.sampleWeighted(func(i int) float64 { return closest[i] * p.weight(i) }, chunkPot, rng.Float64())
		}
		forChunks(nc, func(c int) {
			lo, hi := chunkBounds(c, n)
			for t, ct := range cand {
				cx := p.row(ct)
				var s float64
				for i := lo; i < hi; i++ {
					s += min(closest[i], sqDist(p.row(i), cx)) * p.weight(i)
				}
				candPot[c*trials+t] = s
			}
		})
		best, bestPot := 0, math.Inf(1)
		for t := range cand {
			var s float64
			for c := 0; c < nc; c++ {
				s += candPot[c*trials+t]
			}
			if s < bestPot {
				best, bestPot = t, s
			}
		}
		cx := p.row(cand[best])
		copy(centers[ci*d:(ci+1)*d], cx)
		forChunks(nc, func(c int) {
			lo, hi := chunkBounds(c, n)
			var t float64
			for i := lo; i < hi; i++ {
				closest[i] = min(closest[i], sqDist(p.row(i), cx))
				t += closest[i] * p.weight(i)
			}
			chunkPot[c] = t
		})
	}
	return centers
}

// sampleWeighted returns the first row i whose cumulative mass reaches
// u × total mass, where mass(i) ≥ 0. chunkMass, if given, holds each chunk's
// mass so that whole chunks can be skipped. Rounding that runs past the end
// falls back to the last row with positive mass.
func (p *problem) sampleWeighted(mass func(i int) float64, chunkMass []float64, u float64) int {
	n := p.n
	if chunkMass == nil {
		chunkMass = make([]float64, numChunks(n))
		for c := range chunkMass {
			lo, hi := chunkBounds(c, n)
			var t float64
			for i := lo; i < hi; i++ {
				t += mass(i)
			}
			chunkMass[c] = t
		}
	}
	var total float64
	for _, v := range chunkMass {
		total += v
	}
	target := u * total
	var acc float64
	for c, cm := range chunkMass {
		if acc+cm < target || cm == 0 {
			acc += cm
			continue
		}
		lo, hi := chunkBounds(c, n)
		for i := lo; i < hi; i++ {
			m := mass(i)
			acc += m
			if m > 0 && acc >= target {
				return i
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		if mass(i) > 0 {
			return i
		}
	}
	return n - 1
}

// randomRows picks k distinct rows uniformly (a partial Fisher–Yates
// shuffle), as scikit-learn's init="random" does.
func (p *problem) randomRows(k int, rng *rand.Rand) []float64 {
	swapped := make(map[int]int, k)
	at := func(i int) int {
		if v, ok := swapped[i]; ok {
			return v
		}
		return i
	}
	centers := make([]float64, 0, k*p.d)
	for i := 0; i < k; i++ {
		j := i + rng.IntN(p.n-i)
		vi, vj := at(i), at(j)
		swapped[i], swapped[j] = vj, vi
		centers = append(centers, p.row(vj)...)
	}
	return centers
}
