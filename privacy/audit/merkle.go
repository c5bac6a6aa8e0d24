package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Hash is a SHA-256 Merkle tree hash.
type Hash [sha256.Size]byte

// String returns the hash in lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes the hash as hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes a hex hash; a wrong length or a non-hex digit wraps
// ErrInvalid.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return fmt.Errorf("audit: hash: %w: want %d hex digits", ErrInvalid, 2*sha256.Size)
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return fmt.Errorf("audit: hash: %w: not hex", ErrInvalid)
	}
	return nil
}

// EmptyRoot is the root of the empty tree: SHA-256 of no bytes (RFC 6962 §2.1).
var EmptyRoot = Hash(sha256.Sum256(nil))

// HashLeaf returns the RFC 6962 leaf hash SHA-256(0x00 || data).
func HashLeaf(data []byte) Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

// HashChildren returns the RFC 6962 interior node hash
// SHA-256(0x01 || left || right).
func HashChildren(left, right Hash) Hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = 1
	copy(buf[1:], left[:])
	copy(buf[1+sha256.Size:], right[:])
	return Hash(sha256.Sum256(buf[:]))
}

// split returns the largest power of two strictly less than n (n >= 2),
// the k of RFC 6962 §2.1.
func split(n uint64) uint64 {
	return 1 << (bits.Len64(n-1) - 1)
}

// RootHash returns the Merkle tree hash MTH of the leaves, given as leaf
// hashes, per RFC 6962 §2.1.
func RootHash(leaves []Hash) Hash {
	return mth(leaves)
}

func mth(d []Hash) Hash {
	switch len(d) {
	case 0:
		return EmptyRoot
	case 1:
		return d[0]
	}
	k := split(uint64(len(d)))
	return HashChildren(mth(d[:k]), mth(d[k:]))
}

// InclusionProof returns the audit path PATH(m, D[n]) of RFC 6962 §2.1.1
// for leaf index m in the tree of the given leaf hashes.
func InclusionProof(m uint64, leaves []Hash) ([]Hash, error) {
	var t tree
	for _, h := range leaves {
		t.append(h)
	}
	return t.inclusionProof(m, t.size())
}

// ConsistencyProof returns PROOF(m, D[n]) of RFC 6962 §2.1.2: the proof
// that the tree of the first m leaves is a prefix of the tree of all of
// them. 0 < m <= n; for m == n the proof is empty.
func ConsistencyProof(m uint64, leaves []Hash) ([]Hash, error) {
	var t tree
	for _, h := range leaves {
		t.append(h)
	}
	return t.consistencyProof(m, t.size())
}

// tree keeps every perfect subtree hash, level by level: levels[k][i] is
// the hash of leaves [i<<k, (i+1)<<k). It answers MTH of any range the
// RFC 6962 recursion visits in O(log n), so proofs cost O(log² n) hashes
// at most instead of rehashing the tree. Memory is about two hashes per leaf.
type tree struct {
	levels [][]Hash
}

func (t *tree) size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

func (t *tree) append(h Hash) {
	for k := 0; ; k++ {
		if k == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		t.levels[k] = append(t.levels[k], h)
		n := len(t.levels[k])
		if n%2 == 1 {
			return
		}
		h = HashChildren(t.levels[k][n-2], t.levels[k][n-1])
	}
}

// hash returns MTH(D[a:b]) for a range whose start a is a multiple of the
// largest power of two below b-a (every range the RFC recursion visits).
func (t *tree) hash(a, b uint64) Hash {
	n := b - a
	switch {
	case n == 0:
		return EmptyRoot
	case n&(n-1) == 0 && a%n == 0:
		k := bits.TrailingZeros64(n)
		return t.levels[k][a>>k]
	}
	k := split(n)
	return HashChildren(t.hash(a, a+k), t.hash(a+k, b))
}

func (t *tree) inclusionProof(m, n uint64) ([]Hash, error) {
	if n > t.size() {
		return nil, fmt.Errorf("audit: inclusion proof: %w: size above log size", ErrOutOfRange)
	}
	if m >= n {
		return nil, fmt.Errorf("audit: inclusion proof: %w: index not below tree size", ErrOutOfRange)
	}
	return t.path(m, 0, n), nil
}

// path is PATH(m, D[a:b]) with m relative to a.
func (t *tree) path(m, a, b uint64) []Hash {
	n := b - a
	if n <= 1 {
		return nil
	}
	k := split(n)
	if m < k {
		return append(t.path(m, a, a+k), t.hash(a+k, b))
	}
	return append(t.path(m-k, a+k, b), t.hash(a, a+k))
}

func (t *tree) consistencyProof(m, n uint64) ([]Hash, error) {
	if n > t.size() {
		return nil, fmt.Errorf("audit: consistency proof: %w: size above log size", ErrOutOfRange)
	}
	if m == 0 || m > n {
		return nil, fmt.Errorf("audit: consistency proof: %w: old size must be in 1..size", ErrOutOfRange)
	}
	return t.subproof(m, 0, n, true), nil
}

// subproof is SUBPROOF(m, D[a:b], b) with m relative to a.
func (t *tree) subproof(m, a, b uint64, complete bool) []Hash {
	n := b - a
	if m == n {
		if complete {
			return nil
		}
		return []Hash{t.hash(a, b)}
	}
	k := split(n)
	if m <= k {
		return append(t.subproof(m, a, a+k, complete), t.hash(a+k, b))
	}
	return append(t.subproof(m-k, a+k, b, false), t.hash(a, a+k))
}

// VerifyInclusion checks that leafHash is the leaf at index in the tree of
// the given size and root, using the algorithm of RFC 9162 §2.1.3.2. A
// proof that does not check out wraps ErrBadProof.
func VerifyInclusion(index, size uint64, leafHash Hash, proof []Hash, root Hash) error {
	if index >= size {
		return fmt.Errorf("audit: inclusion: %w: index not below size", ErrBadProof)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range proof {
		if sn == 0 {
			return fmt.Errorf("audit: inclusion: %w: proof too long", ErrBadProof)
		}
		if fn&1 == 1 || fn == sn {
			r = HashChildren(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = HashChildren(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("audit: inclusion: %w: proof too short", ErrBadProof)
	}
	if r != root {
		return fmt.Errorf("audit: inclusion: %w: root mismatch", ErrBadProof)
	}
	return nil
}

// VerifyConsistency checks that the tree of size1 with root1 is a prefix of
// the tree of size2 with root2, using the algorithm of RFC 9162 §2.1.4.2.
// A proof that does not check out wraps ErrBadProof.
func VerifyConsistency(size1, size2 uint64, proof []Hash, root1, root2 Hash) error {
	switch {
	case size1 > size2:
		return fmt.Errorf("audit: consistency: %w: old size above new size", ErrBadProof)
	case size1 == size2:
		if len(proof) != 0 {
			return fmt.Errorf("audit: consistency: %w: proof must be empty for equal sizes", ErrBadProof)
		}
		if root1 != root2 {
			return fmt.Errorf("audit: consistency: %w: roots differ at equal size", ErrBadProof)
		}
		return nil
	case size1 == 0:
		if len(proof) != 0 {
			return fmt.Errorf("audit: consistency: %w: proof must be empty from size 0", ErrBadProof)
		}
		return nil
	}
	if len(proof) == 0 {
		return fmt.Errorf("audit: consistency: %w: empty proof", ErrBadProof)
	}
	p := proof
	if size1&(size1-1) == 0 { // size1 is a power of two: prepend root1
		p = append([]Hash{root1}, proof...)
	}
	fn, sn := size1-1, size2-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := p[0], p[0]
	for _, c := range p[1:] {
		if sn == 0 {
			return fmt.Errorf("audit: consistency: %w: proof too long", ErrBadProof)
		}
		if fn&1 == 1 || fn == sn {
			fr = HashChildren(c, fr)
			sr = HashChildren(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = HashChildren(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("audit: consistency: %w: proof too short", ErrBadProof)
	}
	if fr != root1 || sr != root2 {
		return fmt.Errorf("audit: consistency: %w: root mismatch", ErrBadProof)
	}
	return nil
}
