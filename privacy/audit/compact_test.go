package audit

import (
	"fmt"
	"testing"
)

func TestCompactMatchesRootHash(t *testing.T) {
	var c compact
	var leaves []Hash
	for n := 0; n <= 300; n++ {
		if c.root() != RootHash(leaves) {
			t.Fatalf("size %d: compact root differs from MTH", n)
		}
		h := HashLeaf(fmt.Appendf(nil, "%d", n))
		c.append(h)
		leaves = append(leaves, h)
	}
}
