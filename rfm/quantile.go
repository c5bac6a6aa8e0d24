package rfm

import (
	"math"
	"slices"
)

// QuantileBreaks returns the bins+1 breaks of sorted at probabilities
// 0, 1/bins, ..., 1 by R's type-7 rule (numpy's "linear" method): with
// h = (n-1)p, the break is x[floor h] interpolated towards x[floor h + 1].
// The arithmetic follows numpy.quantile operation for operation so that the
// breaks are bit-identical to numpy's. sorted must be ascending and not empty.
func QuantileBreaks(sorted []float64, bins int) []float64 {
	n := len(sorted)
	return quantileBreaksAt(n, bins, func(k int) float64 { return sorted[k] })
}

// quantileBreaksAt computes type-7 breaks over n values given the k-th order
// statistic (0-based) by at.
func quantileBreaksAt(n, bins int, at func(k int) float64) []float64 {
	br := make([]float64, bins+1)
	for j := 0; j <= bins; j++ {
		q := float64(j) / float64(bins)
		// numpy _compute_virtual_index(n, q, alpha=1, beta=1):
		//   n*q + (alpha + q*(1-alpha-beta)) - 1
		v := float64(n)*q + (1 + q*(1-1-1)) - 1
		lo := math.Floor(v)
		g := v - lo
		il := int(lo)
		il = min(max(il, 0), n-1)
		ih := min(il+1, n-1)
		if v < 0 {
			g = 0
		}
		br[j] = lerp(at(il), at(ih), g)
	}
	return br
}

// lerp is numpy's _lerp: a + (b-a)t, computed from b when t >= 0.5.
func lerp(a, b, t float64) float64 {
	d := b - a
	r := a + d*t
	if t >= 0.5 {
		r = b - d*(1-t)
	}
	return r
}

// binOf returns 1 + the number of interior breaks strictly below x: the
// right-closed bin of x, as R's cut(include.lowest = TRUE) and pandas'
// qcut. Collapsed (equal) breaks make the bins between them empty.
func binOf(interior []float64, x float64) int {
	s := 1
	for _, b := range interior {
		if x > b {
			s++
		}
	}
	return s
}

// orderStat gives access to the sorted order of values, built by counting
// for small integer ranges and by sorting otherwise.
type orderStat struct {
	sorted []float64 // when sorting
	lo     int64     // when counting: value of cum[0]
	cum    []int     // cum[v-lo] = number of values < v
}

func newOrderStat(vals []float64, ints bool) *orderStat {
	n := len(vals)
	if ints && n > 0 {
		mn, mx := vals[0], vals[0]
		for _, v := range vals {
			mn = min(mn, v)
			mx = max(mx, v)
		}
		if mx-mn <= float64(4*n)+64 {
			lo := int64(mn)
			cum := make([]int, int64(mx)-lo+2)
			for _, v := range vals {
				cum[int64(v)-lo+1]++
			}
			for i := 1; i < len(cum); i++ {
				cum[i] += cum[i-1]
			}
			return &orderStat{lo: lo, cum: cum}
		}
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	return &orderStat{sorted: s}
}

// at returns the k-th smallest value.
func (o *orderStat) at(k int) float64 {
	if o.sorted != nil {
		return o.sorted[k]
	}
	// largest v with cum[v-lo] <= k
	i, _ := slices.BinarySearch(o.cum, k+1)
	return float64(o.lo + int64(i) - 1)
}

// ranks returns, for each value, its 0-based position in ascending order,
// ties broken by position in vals (as pandas rank(method="first")).
func ranks(vals []float64, ints bool) []int32 {
	n := len(vals)
	r := make([]int32, n)
	if ints && n > 0 {
		st := newOrderStat(vals, true)
		if st.cum != nil {
			next := slices.Clone(st.cum)
			for i, v := range vals {
				j := int64(v) - st.lo
				r[i] = int32(next[j])
				next[j]++
			}
			return r
		}
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		switch {
		case vals[a] < vals[b]:
			return -1
		case vals[a] > vals[b]:
			return 1
		}
		return 0
	})
	for p, i := range idx {
		r[i] = int32(p)
	}
	return r
}

// ntileOf returns the SQL NTILE bucket (1..bins) of 0-based position p among
// n rows: bucket sizes differ by at most one, larger buckets first.
func ntileOf(p, n, bins int) int {
	q, rem := n/bins, n%bins
	if p < rem*(q+1) {
		return p/(q+1) + 1
	}
	return rem + (p-rem*(q+1))/q + 1
}
