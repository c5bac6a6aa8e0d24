package match

import (
	"cmp"
	"fmt"
	"slices"
)

// ClusterOptions configure clustering of scored pairs into entities.
type ClusterOptions struct {
	// Threshold is the probability at or above which a pair links its two
	// records.
	Threshold float64
	// MinPairwise, when positive, requires every two records of a cluster
	// to score at least this probability with each other, not only to be
	// connected through a chain of links. Links are then taken strongest
	// first and two clusters are joined only when every cross pair (scored
	// directly when it was not a candidate) meets the floor.
	MinPairwise float64
}

// Cluster groups records into entities from scored pairs: records joined
// by pairs at or above the threshold form one entity (connected
// components). It returns an entity number per record, numbered from 0 in
// order of each entity's first record: positions 0..len(a)-1 are a's
// records and, in linkage (b non-nil), the next len(b) are b's. pairs are
// as Predict returns them for the same tables.
func (m *Model) Cluster(a, b []Record, pairs []Pair, o ClusterOptions) ([]int, error) {
	if !(o.Threshold >= 0 && o.Threshold <= 1) || !(o.MinPairwise >= 0 && o.MinPairwise <= 1) {
		return nil, fmt.Errorf("%w: cluster thresholds must be in [0, 1]", ErrInvalid)
	}
	off := 0
	n := len(a)
	if b != nil {
		off = len(a)
		n += len(b)
	}
	type link struct {
		x, y int
		p    float64
	}
	var links []link
	known := make(map[[2]int]float64)
	for _, p := range pairs {
		x, y := p.A, p.B+off
		if x < 0 || y < 0 || x >= n || y >= n || (b == nil && p.B >= len(a)) || (b != nil && (p.A >= len(a) || p.B >= len(b))) {
			return nil, fmt.Errorf("%w: pair position out of range", ErrInvalid)
		}
		known[[2]int{min(x, y), max(x, y)}] = p.Probability
		if p.Probability >= o.Threshold {
			links = append(links, link{x, y, p.Probability})
		}
	}
	parent := make([]int, n)
	members := make([][]int, n)
	for i := range parent {
		parent[i] = i
		members[i] = []int{i}
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	var prep [][]value
	score := func(x, y int) float64 {
		if p, ok := known[[2]int{min(x, y), max(x, y)}]; ok {
			return p
		}
		if prep == nil {
			prep = m.prepareAll(a)
			if b != nil {
				prep = append(prep, m.prepareAll(b)...)
			}
		}
		p := probability(m.weight(prep[x], prep[y]))
		known[[2]int{min(x, y), max(x, y)}] = p
		return p
	}
	if o.MinPairwise > 0 {
		slices.SortStableFunc(links, func(p, q link) int { return cmp.Compare(q.p, p.p) })
	}
	for _, l := range links {
		rx, ry := find(l.x), find(l.y)
		if rx == ry {
			continue
		}
		if o.MinPairwise > 0 && !allPairsAbove(members[rx], members[ry], o.MinPairwise, score) {
			continue
		}
		if rx > ry {
			rx, ry = ry, rx
		}
		parent[ry] = rx
		members[rx] = append(members[rx], members[ry]...)
		members[ry] = nil
	}
	ids := make([]int, n)
	num := make(map[int]int)
	for i := range ids {
		r := find(i)
		e, ok := num[r]
		if !ok {
			e = len(num)
			num[r] = e
		}
		ids[i] = e
	}
	return ids, nil
}

func allPairsAbove(xs, ys []int, floor float64, score func(x, y int) float64) bool {
	for _, x := range xs {
		for _, y := range ys {
			if score(x, y) < floor {
				return false
			}
		}
	}
	return true
}
