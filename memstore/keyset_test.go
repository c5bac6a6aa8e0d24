package memstore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// TestSortedKeysAgainstSlice checks the blocked set against a plain sorted
// slice under random inserts, removals and paging in both directions.
func TestSortedKeysAgainstSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	var s sortedKeys
	var ref []key
	randKey := func() key {
		var id uuid.UUID
		id[0] = byte(r.IntN(256))
		id[1] = byte(r.IntN(256))
		return key{t: int64(r.IntN(50)), id: id}
	}
	for step := range 20000 {
		k := randKey()
		if r.IntN(4) == 0 && len(ref) > 0 {
			k = ref[r.IntN(len(ref))]
			s.remove(k)
			if i, ok := slices.BinarySearchFunc(ref, k, key.compare); ok {
				ref = slices.Delete(ref, i, i+1)
			}
		} else {
			s.insert(k)
			if i, ok := slices.BinarySearchFunc(ref, k, key.compare); !ok {
				ref = slices.Insert(ref, i, k)
			}
		}
		if step%1000 != 999 {
			continue
		}
		for _, desc := range []bool{false, true} {
			var got []key
			tok := ""
			for {
				items, next, err := page(&s, tok, 37, desc, func(k key) key { return k })
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, items...)
				if next == "" {
					break
				}
				tok = next
			}
			want := slices.Clone(ref)
			if desc {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("step %d desc=%t: paging returned %d keys, want %d in order", step, desc, len(got), len(want))
			}
		}
	}
}
