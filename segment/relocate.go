package segment

// relocateEmpty moves each empty cluster onto the row farthest from its
// (old) centre, as scikit-learn's _relocate_empty_clusters_dense does.
// Farthest rows are taken in order of decreasing distance, ties to the
// lowest row index.
func (s *iterState) relocateEmpty() {
	k, d, p := s.k, s.p.d, s.p
	var empty []int
	for j := 0; j < k; j++ {
		if s.wsum[j] == 0 {
			empty = append(empty, j)
		}
	}
	if len(empty) == 0 {
		return
	}
	if s.relocDist == nil {
		s.relocDist = make([]float64, p.n)
	}
	dist := s.relocDist
	forChunks(s.nChunks, func(c int) {
		lo, hi := chunkBounds(c, p.n)
		for i := lo; i < hi; i++ {
			l := int(s.labels[i])
			dist[i] = sqDist(p.row(i), s.centers[l*d:l*d+d])
		}
	})
	maxD := 0.0
	for _, v := range dist {
		maxD = max(maxD, v)
	}
	if maxD == 0 {
		return
	}
	taken := make(map[int]bool, len(empty))
	for _, newID := range empty {
		far := -1
		for i, v := range dist {
			if !taken[i] && (far < 0 || v > dist[far]) {
				far = i
			}
		}
		taken[far] = true
		w := p.weight(far)
		old := int(s.labels[far])
		x := p.row(far)
		for f := 0; f < d; f++ {
			s.sums[old*d+f] -= x[f] * w
			s.sums[newID*d+f] = x[f] * w
		}
		s.wsum[newID] = w
		s.wsum[old] -= w
	}
}
