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

// naivePath and naiveSubproof are the RFC 6962 §2.1.1/§2.1.2 definitions
// transcribed over slices with the recursive MTH: the oracle for tree.
func naivePath(m int, d []Hash) []Hash {
	if len(d) <= 1 {
		return nil
	}
	k := int(split(uint64(len(d))))
	if m < k {
		return append(naivePath(m, d[:k]), mth(d[k:]))
	}
	return append(naivePath(m-k, d[k:]), mth(d[:k]))
}

func naiveSubproof(m int, d []Hash, b bool) []Hash {
	if m == len(d) {
		if b {
			return nil
		}
		return []Hash{mth(d)}
	}
	k := int(split(uint64(len(d))))
	if m <= k {
		return append(naiveSubproof(m, d[:k], b), mth(d[k:]))
	}
	return append(naiveSubproof(m-k, d[k:], false), mth(d[:k]))
}

func TestTreeMatchesDefinitions(t *testing.T) {
	var tr tree
	var leaves []Hash
	for n := 1; n <= 70; n++ {
		h := HashLeaf(fmt.Appendf(nil, "x%d", n))
		tr.append(h)
		leaves = append(leaves, h)
		if tr.hash(0, uint64(n)) != mth(leaves) {
			t.Fatalf("size %d: tree root differs from MTH", n)
		}
	}
	// Proofs for every earlier size come from the grown tree.
	for size := 1; size <= len(leaves); size++ {
		for m := 0; m < size; m++ {
			got, err := tr.inclusionProof(uint64(m), uint64(size))
			if err != nil || fmt.Sprint(got) != fmt.Sprint(naivePath(m, leaves[:size])) {
				t.Fatalf("PATH(%d, %d) differs from the definition", m, size)
			}
		}
		for m := 1; m <= size; m++ {
			got, err := tr.consistencyProof(uint64(m), uint64(size))
			if err != nil || fmt.Sprint(got) != fmt.Sprint(naiveSubproof(m, leaves[:size], true)) {
				t.Fatalf("PROOF(%d, %d) differs from the definition", m, size)
			}
		}
	}
}
