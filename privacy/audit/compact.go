package audit

// compact is the right edge of an RFC 6962 tree: the roots of the perfect
// subtrees that make up a tree of n leaves, largest first (one per set bit
// of n). Appending is O(log n) amortised O(1) hashes and the root is
// O(log n), so a log never rehashes its history to sign a checkpoint.
type compact struct {
	n     uint64
	peaks []Hash
}

// append adds one leaf hash.
func (c *compact) append(leaf Hash) {
	h := leaf
	for size := c.n; size&1 == 1; size >>= 1 {
		h = HashChildren(c.peaks[len(c.peaks)-1], h)
		c.peaks = c.peaks[:len(c.peaks)-1]
	}
	c.peaks = append(c.peaks, h)
	c.n++
}

// root returns MTH of the leaves appended so far.
func (c *compact) root() Hash {
	if len(c.peaks) == 0 {
		return EmptyRoot
	}
	r := c.peaks[len(c.peaks)-1]
	for i := len(c.peaks) - 2; i >= 0; i-- {
		r = HashChildren(c.peaks[i], r)
	}
	return r
}
