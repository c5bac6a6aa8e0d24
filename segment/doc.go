// Package segment clusters customers: k-means with scikit-learn's parameter
// names and results, feature scaling, choosing k, and describing clusters in
// words a marketer reads.
//
// It is pure computation on numeric feature matrices (row-major []float64
// with dimensions, or [][]float64) and imports nothing else of cimkit.
//
// Smallest use:
//
//	m, err := segment.KMeans{NClusters: 3, RandomState: 1}.FitRows(rows, nil)
//	// m.Labels, m.Centers, m.Inertia, m.NIter; m.PredictRows(newRows)
//
// Results are deterministic for a given RandomState, on every machine and at
// every GOMAXPROCS: work is split into fixed row chunks whose partial sums
// are always combined in the same order.
package segment
