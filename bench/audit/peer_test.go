// Package audit_test compares cimkit's privacy/audit Merkle tree with the
// transparency-dev/merkle reference implementation of RFC 6962: every root
// and proof must be byte-identical, each side's verifier must accept the
// other's proofs, and the benchmarks measure both in one binary.
package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
)

var hasher = rfc6962.DefaultHasher

func toBytes(hs []audit.Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

func toHashes(bs [][]byte) []audit.Hash {
	out := make([]audit.Hash, len(bs))
	for i := range bs {
		out[i] = audit.Hash(bs[i])
	}
	return out
}

func TestDifferentialAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	peer := testonly.New(hasher)
	var leaves []audit.Hash
	for n := 1; n <= 260; n++ {
		data := make([]byte, rng.IntN(40))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		peer.AppendData(data)
		leaves = append(leaves, audit.HashLeaf(data))
		if !bytes.Equal(peer.LeafHash(uint64(n-1)), leaves[n-1][:]) {
			t.Fatalf("leaf %d hash differs", n-1)
		}
		root := audit.RootHash(leaves)
		if !bytes.Equal(peer.Hash(), root[:]) {
			t.Fatalf("size %d: root differs", n)
		}
	}
	n := uint64(len(leaves))
	for size := uint64(1); size <= n; size += 1 + size/16 {
		root := audit.RootHash(leaves[:size])
		for m := uint64(0); m < size; m++ {
			ours, err := audit.InclusionProof(m, leaves[:size])
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := peer.InclusionProof(m, size)
			if err != nil {
				t.Fatal(err)
			}
			if !slicesEqual(toBytes(ours), theirs) {
				t.Fatalf("inclusion (%d, %d) differs", m, size)
			}
			if err := proof.VerifyInclusion(hasher, m, size, leaves[m][:], toBytes(ours), root[:]); err != nil {
				t.Fatalf("reference rejects our inclusion proof (%d, %d): %v", m, size, err)
			}
			if err := audit.VerifyInclusion(m, size, leaves[m], toHashes(theirs), root); err != nil {
				t.Fatalf("we reject the reference inclusion proof (%d, %d): %v", m, size, err)
			}
		}
		for m := uint64(1); m <= size; m++ {
			ours, err := audit.ConsistencyProof(m, leaves[:size])
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := peer.ConsistencyProof(m, size)
			if err != nil {
				t.Fatal(err)
			}
			if !slicesEqual(toBytes(ours), theirs) {
				t.Fatalf("consistency (%d, %d) differs", m, size)
			}
			old := audit.RootHash(leaves[:m])
			if err := proof.VerifyConsistency(hasher, m, size, toBytes(ours), old[:], root[:]); err != nil {
				t.Fatalf("reference rejects our consistency proof (%d, %d): %v", m, size, err)
			}
			if err := audit.VerifyConsistency(m, size, toHashes(theirs), old, root); err != nil {
				t.Fatalf("we reject the reference consistency proof (%d, %d): %v", m, size, err)
			}
		}
	}
}

func slicesEqual(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

const benchN = 100_000

func benchLeaves() ([][]byte, []audit.Hash) {
	data := make([][]byte, benchN)
	hs := make([]audit.Hash, benchN)
	for i := range data {
		data[i] = fmt.Appendf(nil, `{"n":%d}`, i)
		hs[i] = audit.HashLeaf(data[i])
	}
	return data, hs
}

// BenchmarkRoot100k: root of 100k leaf hashes from scratch.
func BenchmarkRoot100k(b *testing.B) {
	_, hs := benchLeaves()
	b.Run("cimkit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			audit.RootHash(hs)
		}
	})
	bs := toBytes(hs)
	b.Run("transparency-dev", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr := testonly.New(hasher)
			tr.Append(bs...)
			tr.Hash()
		}
	})
}

// BenchmarkInclusionProof100k: one proof from an already built 100k tree.
func BenchmarkInclusionProof100k(b *testing.B) {
	data, hs := benchLeaves()
	ctx := context.Background()
	s := memstore.New()
	if err := s.AppendAudit(ctx, 0, data); err != nil {
		b.Fatal(err)
	}
	l, err := audit.Open(ctx, s, audit.Config{Origin: "bench", Key: ed25519.NewKeyFromSeed(make([]byte, 32)), Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cimkit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.InclusionProof(54_321, benchN); err != nil {
				b.Fatal(err)
			}
		}
	})
	tr := testonly.New(hasher)
	tr.Append(toBytes(hs)...)
	b.Run("transparency-dev", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tr.InclusionProof(54_321, benchN); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyInclusion100k: verify one proof in a 100k tree.
func BenchmarkVerifyInclusion100k(b *testing.B) {
	_, hs := benchLeaves()
	root := audit.RootHash(hs)
	p, _ := audit.InclusionProof(54_321, hs)
	b.Run("cimkit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := audit.VerifyInclusion(54_321, benchN, hs[54_321], p, root); err != nil {
				b.Fatal(err)
			}
		}
	})
	pb := toBytes(p)
	b.Run("transparency-dev", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := proof.VerifyInclusion(hasher, 54_321, benchN, hs[54_321][:], pb, root[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerifyConsistency100k: verify 60k → 100k.
func BenchmarkVerifyConsistency100k(b *testing.B) {
	_, hs := benchLeaves()
	root1, root2 := audit.RootHash(hs[:60_000]), audit.RootHash(hs)
	p, _ := audit.ConsistencyProof(60_000, hs)
	b.Run("cimkit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := audit.VerifyConsistency(60_000, benchN, p, root1, root2); err != nil {
				b.Fatal(err)
			}
		}
	})
	pb := toBytes(p)
	b.Run("transparency-dev", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := proof.VerifyConsistency(hasher, 60_000, benchN, pb, root1[:], root2[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
