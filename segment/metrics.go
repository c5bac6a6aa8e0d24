package segment

import (
	"math"
)

// checkLabels validates a labelling of x's rows and returns the number of
// clusters (max label + 1).
func checkLabels(x Matrix, labels []int) (int, error) {
	if err := x.validate("X"); err != nil {
		return 0, err
	}
	if len(labels) != x.Rows {
		return 0, inputErr(ErrShape, "labels", -1, -1, "has %d values for %d rows", len(labels), x.Rows)
	}
	k := 0
	for i, l := range labels {
		if l < 0 {
			return 0, inputErr(ErrInvalid, "labels", i, -1, "label is negative")
		}
		k = max(k, l+1)
	}
	return k, nil
}

// clusterMeans returns per-cluster sizes and centroids (k×d) and the overall mean.
func clusterMeans(x Matrix, labels []int, k int) (size []float64, cent []float64, mean []float64) {
	d := x.Cols
	size, cent, mean = make([]float64, k), make([]float64, k*d), make([]float64, d)
	for i, l := range labels {
		size[l]++
		for f, v := range x.Row(i) {
			cent[l*d+f] += v
			mean[f] += v
		}
	}
	for j := 0; j < k; j++ {
		for f := 0; f < d; f++ {
			if size[j] > 0 {
				cent[j*d+f] /= size[j]
			}
		}
	}
	for f := range mean {
		mean[f] /= float64(x.Rows)
	}
	return size, cent, mean
}

// CalinskiHarabasz is the variance ratio criterion (higher is better),
// defined as scikit-learn's calinski_harabasz_score: between-cluster
// dispersion over within-cluster dispersion, each divided by its degrees
// of freedom. It needs 2 ≤ clusters < rows.
func CalinskiHarabasz(x Matrix, labels []int) (float64, error) {
	k, err := checkLabels(x, labels)
	if err != nil {
		return 0, err
	}
	if k < 2 || k >= x.Rows {
		return 0, inputErr(ErrClusters, "labels", -1, -1, "need 2 ≤ clusters < rows, have %d clusters", k)
	}
	d := x.Cols
	size, cent, mean := clusterMeans(x, labels, k)
	var between, within float64
	for j := 0; j < k; j++ {
		between += size[j] * sqDist(cent[j*d:j*d+d], mean)
	}
	for i, l := range labels {
		within += sqDist(x.Row(i), cent[l*d:l*d+d])
	}
	if within == 0 {
		return 1, nil
	}
	return between * float64(x.Rows-k) / (within * float64(k-1)), nil
}

// DaviesBouldin is the average, over clusters, of the worst ratio of summed
// within-cluster scatter to between-centroid distance (lower is better), as
// scikit-learn's davies_bouldin_score.
func DaviesBouldin(x Matrix, labels []int) (float64, error) {
	k, err := checkLabels(x, labels)
	if err != nil {
		return 0, err
	}
	if k < 2 || k >= x.Rows {
		return 0, inputErr(ErrClusters, "labels", -1, -1, "need 2 ≤ clusters < rows, have %d clusters", k)
	}
	d := x.Cols
	size, cent, _ := clusterMeans(x, labels, k)
	intra := make([]float64, k)
	for i, l := range labels {
		intra[l] += math.Sqrt(sqDist(x.Row(i), cent[l*d:l*d+d]))
	}
	allZero := true
	for j := range intra {
		if size[j] > 0 {
			intra[j] /= size[j]
		}
		allZero = allZero && intra[j] == 0
	}
	if allZero {
		return 0, nil
	}
	var total float64
	for a := 0; a < k; a++ {
		worst := 0.0
		for b := 0; b < k; b++ {
			if a == b {
				continue
			}
			sep := math.Sqrt(sqDist(cent[a*d:a*d+d], cent[b*d:b*d+d]))
			if sep == 0 {
				continue // scikit-learn turns 0/0 and x/0 into 0 via inf → 0
			}
			worst = max(worst, (intra[a]+intra[b])/sep)
		}
		total += worst
	}
	return total / float64(k), nil
}

// Silhouette is the mean silhouette coefficient over rows (between -1 and
// 1, higher is better), with Euclidean distance, as scikit-learn's
// silhouette_score. Rows alone in their cluster score 0. It is exact and
// costs O(rows²); for large inputs pass a sample (see SilhouetteSampled).
func Silhouette(x Matrix, labels []int) (float64, error) {
	k, err := checkLabels(x, labels)
	if err != nil {
		return 0, err
	}
	if k < 2 || k >= x.Rows {
		return 0, inputErr(ErrClusters, "labels", -1, -1, "need 2 ≤ clusters < rows, have %d clusters", k)
	}
	n, d := x.Rows, x.Cols
	size := make([]float64, k)
	for _, l := range labels {
		size[l]++
	}
	nc := numChunks(n)
	part := make([]float64, nc)
	forChunks(nc, func(c int) {
		lo, hi := chunkBounds(c, n)
		sum := make([]float64, k)
		var t float64
		for i := lo; i < hi; i++ {
			clear(sum)
			xi := x.Data[i*d : i*d+d]
			for r := 0; r < n; r++ {
				sum[labels[r]] += math.Sqrt(sqDist(xi, x.Data[r*d:r*d+d]))
			}
			own := labels[i]
			if size[own] <= 1 {
				continue
			}
			a := sum[own] / (size[own] - 1)
			b := math.Inf(1)
			for j := 0; j < k; j++ {
				if j != own && size[j] > 0 {
					b = min(b, sum[j]/size[j])
				}
			}
			if m := max(a, b); m > 0 {
				t += (b - a) / m
			}
		}
		part[c] = t
	})
	var tot float64
	for _, v := range part {
		tot += v
	}
	return tot / float64(n), nil
}

// SilhouetteSampled is Silhouette on at most sample rows drawn without
// replacement by a generator seeded with seed (as silhouette_score with
// sample_size). With sample ≤ 0 or ≥ rows it is exact.
func SilhouetteSampled(x Matrix, labels []int, sample int, seed uint64) (float64, error) {
	if _, err := checkLabels(x, labels); err != nil {
		return 0, err
	}
	if sample <= 0 || sample >= x.Rows {
		return Silhouette(x, labels)
	}
	idx := sampleRows(x.Rows, sample, seed)
	sub := Matrix{Data: make([]float64, 0, sample*x.Cols), Rows: sample, Cols: x.Cols}
	subL := make([]int, sample)
	for s, i := range idx {
		sub.Data = append(sub.Data, x.Row(i)...)
		subL[s] = labels[i]
	}
	// relabel densely so empty clusters in the sample do not count
	remap := map[int]int{}
	for s, l := range subL {
		if _, ok := remap[l]; !ok {
			remap[l] = len(remap)
		}
		subL[s] = remap[l]
	}
	return Silhouette(sub, subL)
}
