package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
)

// Reference vectors published with the RFC 6962 reference implementation in
// github.com/transparency-dev/merkle (testonly/constants.go and
// proof/verify_test.go), the Certificate Transparency test data.
var (
	vecLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	vecRoots  = []string{ // by tree size 0..8
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
	// leaf hashes of vecLeaves (level 0 of the reference NodeHashes).
	vecLeafHashes = []string{
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
		"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
		"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
	}
	// inclusion proofs: leaf index (0-based), tree size, path.
	vecInclusion = []struct {
		index, size uint64
		proof       []string
	}{
		{0, 1, nil},
		{0, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{5, 8, []string{"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 3, []string{"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{1, 5, []string{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	}
	vecConsistency = []struct {
		size1, size2 uint64
		proof        []string
	}{
		{1, 1, nil},
		{1, 8, []string{"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, []string{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 5, []string{"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
		{6, 7, []string{"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	}
)

func hx(t testing.TB, s string) Hash {
	t.Helper()
	var h Hash
	if err := h.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return h
}

func hxs(t testing.TB, ss []string) []Hash {
	var out []Hash
	for _, s := range ss {
		out = append(out, hx(t, s))
	}
	return out
}

func vecLeafHashList(t *testing.T) []Hash {
	var out []Hash
	for _, l := range vecLeaves {
		b, err := hex.DecodeString(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, HashLeaf(b))
	}
	return out
}

func TestReferenceVectors(t *testing.T) {
	leaves := vecLeafHashList(t)
	t.Run("LeafHashes", func(t *testing.T) {
		for i, want := range vecLeafHashes {
			if leaves[i] != hx(t, want) {
				t.Errorf("leaf %d: got %s want %s", i, leaves[i], want)
			}
		}
	})
	t.Run("Roots", func(t *testing.T) {
		for n, want := range vecRoots {
			if got := RootHash(leaves[:n]); got != hx(t, want) {
				t.Errorf("size %d: got %s want %s", n, got, want)
			}
		}
	})
	t.Run("Inclusion", func(t *testing.T) {
		for _, v := range vecInclusion {
			got, err := InclusionProof(v.index, leaves[:v.size])
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(hxs(t, v.proof)) {
				t.Errorf("PATH(%d, %d) = %v, want %v", v.index, v.size, got, v.proof)
			}
			if err := VerifyInclusion(v.index, v.size, leaves[v.index], hxs(t, v.proof), hx(t, vecRoots[v.size])); err != nil {
				t.Errorf("reference proof (%d, %d) rejected: %v", v.index, v.size, err)
			}
		}
	})
	t.Run("Consistency", func(t *testing.T) {
		for _, v := range vecConsistency {
			got, err := ConsistencyProof(v.size1, leaves[:v.size2])
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(hxs(t, v.proof)) {
				t.Errorf("PROOF(%d, %d) = %v, want %v", v.size1, v.size2, got, v.proof)
			}
			if err := VerifyConsistency(v.size1, v.size2, hxs(t, v.proof), hx(t, vecRoots[v.size1]), hx(t, vecRoots[v.size2])); err != nil {
				t.Errorf("reference proof (%d, %d) rejected: %v", v.size1, v.size2, err)
			}
		}
	})
}

// bruteRoot computes MTH literally: hashing concatenated byte strings with
// crypto/sha256, independent of HashLeaf/HashChildren.
func bruteRoot(data [][]byte) [32]byte {
	if len(data) == 0 {
		return sha256.Sum256(nil)
	}
	if len(data) == 1 {
		return sha256.Sum256(append([]byte{0}, data[0]...))
	}
	k := 1
	for k*2 < len(data) {
		k *= 2
	}
	l, r := bruteRoot(data[:k]), bruteRoot(data[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestBruteForce(t *testing.T) {
	var data [][]byte
	var leaves []Hash
	for n := 0; n <= 70; n++ {
		root := RootHash(leaves)
		if [32]byte(root) != bruteRoot(data) {
			t.Fatalf("size %d: root differs from brute force", n)
		}
		for i := range leaves {
			p, err := InclusionProof(uint64(i), leaves)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(uint64(i), uint64(n), leaves[i], p, root); err != nil {
				t.Fatalf("size %d index %d: %v", n, i, err)
			}
			if err := VerifyInclusion(uint64(i), uint64(n), HashLeaf([]byte("x")), p, root); !errors.Is(err, ErrBadProof) {
				t.Fatalf("size %d index %d: wrong leaf accepted", n, i)
			}
			if len(p) > 0 {
				p[len(p)/2][3] ^= 1
				if err := VerifyInclusion(uint64(i), uint64(n), leaves[i], p, root); !errors.Is(err, ErrBadProof) {
					t.Fatalf("size %d index %d: corrupted proof accepted", n, i)
				}
			}
		}
		for m := 1; m <= n; m++ {
			p, err := ConsistencyProof(uint64(m), leaves)
			if err != nil {
				t.Fatal(err)
			}
			old := Hash(bruteRoot(data[:m]))
			if err := VerifyConsistency(uint64(m), uint64(n), p, old, root); err != nil {
				t.Fatalf("consistency %d→%d: %v", m, n, err)
			}
			if m < n {
				if err := VerifyConsistency(uint64(m), uint64(n), p, HashLeaf([]byte("x")), root); !errors.Is(err, ErrBadProof) {
					t.Fatalf("consistency %d→%d: wrong old root accepted", m, n)
				}
				if len(p) > 0 {
					if err := VerifyConsistency(uint64(m), uint64(n), p[:len(p)-1], old, root); !errors.Is(err, ErrBadProof) {
						t.Fatalf("consistency %d→%d: truncated proof accepted", m, n)
					}
				}
			}
		}
		d := fmt.Appendf(nil, "leaf-%d", n)
		data = append(data, d)
		leaves = append(leaves, HashLeaf(d))
	}
}

func TestProofErrors(t *testing.T) {
	leaves := vecLeafHashList(t)
	if _, err := InclusionProof(8, leaves); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("index 8 of 8: got %v", err)
	}
	if _, err := ConsistencyProof(0, leaves); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("size1 0: got %v", err)
	}
	if err := VerifyInclusion(3, 2, leaves[0], nil, leaves[0]); !errors.Is(err, ErrBadProof) {
		t.Errorf("index past size: got %v", err)
	}
	if err := VerifyConsistency(3, 2, nil, leaves[0], leaves[0]); !errors.Is(err, ErrBadProof) {
		t.Errorf("shrinking: got %v", err)
	}
	var h Hash
	if err := h.UnmarshalText([]byte("zz")); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad hex: got %v", err)
	}
}
