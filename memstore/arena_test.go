package memstore

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// hashIdx agrees with a map through random inserts and removals, with
// hashes crowded on a few homes and tags (long probe runs, wrapping around
// the end of the table, equal tags told apart by eq).
func TestHashIdxMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hashOf := func(key int) uint64 { // 16 homes/tags, spread over the table
		return uint64(key%16)<<60 | uint64(key)*0x9e3779b9&0xffffffff
	}
	var x hashIdx
	oracle := map[int]int32{} // key -> row
	keyOf := map[int32]int{}
	next := int32(0)
	for step := range 4000 {
		key := rng.IntN(300)
		h := hashOf(key)
		row, slot := x.find(h, func(r int32) bool { return keyOf[r] == key })
		want, ok := oracle[key]
		if (row >= 0) != ok || ok && row != want {
			t.Fatalf("step %d: find %d = %d, want %d %v", step, key, row, want, ok)
		}
		if ok && rng.IntN(2) == 0 {
			x.remove(slot)
			delete(oracle, key)
		} else if !ok {
			keyOf[next] = key
			x.insert(h, next, slot)
			oracle[key] = next
			next++
		}
		if x.n != len(oracle) {
			t.Fatalf("step %d: %d entries, want %d", step, x.n, len(oracle))
		}
		if step%97 == 0 {
			for k, r := range oracle {
				if got, _ := x.find(hashOf(k), func(r int32) bool { return keyOf[r] == k }); got != r {
					t.Fatalf("step %d: key %d at row %d, want %d", step, k, got, r)
				}
			}
		}
	}
}

// heldBytes is what the arena's chunks hold (their lengths).
func heldBytes(a *arena) int {
	n := 0
	for _, ch := range a.chunks {
		n += len(ch)
	}
	return n
}

// Replacing and deleting records leaves the arena's freed bytes at most
// the live ones (it compacts), its accounting exact, and every record and
// token list as a map-based oracle says, through many compactions; items
// larger than a chunk get chunks of their own, dropped when freed.
func TestArenaCompaction(t *testing.T) {
	s := New()
	s.id.arena = newArena(512)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(3, 4))
	oracle := map[string]identity.StoredRecord{}
	key := func(i int) identity.Key { // odd tokens are long: their bytes are in the arena, moved by compactions
		if i%2 == 1 {
			return identity.Key{Kind: "phone", Token: fmt.Sprintf("token-kept-in-the-arena-%d", i)}
		}
		return identity.Key{Kind: "phone", Token: fmt.Sprintf("tok-%d", i)}
	}
	compactions, chunks := 0, 0
	for step := range 3000 {
		id := fmt.Sprintf("rec-%02d", rng.IntN(40))
		if rng.IntN(5) == 0 {
			if err := s.DeleteIdentityRecords(ctx, []string{id}); err != nil {
				t.Fatal(err)
			}
			delete(oracle, id)
		} else {
			r := identity.StoredRecord{ID: id, Channel: "web", CustomerID: uuid.UUID{byte(rng.IntN(5))},
				Keys:   []identity.Key{key(rng.IntN(30)), key(rng.IntN(30))},
				Fields: map[string]string{"name": fmt.Sprint("name-", step)}}
			if rng.IntN(50) == 0 {
				r.Fields["note"] = string(make([]byte, 700)) // larger than a chunk
			}
			if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}}); err != nil {
				t.Fatal(err)
			}
			oracle[id] = r
		}
		a := &s.id.arena
		if a.needsCompaction() || a.live+a.garbage != heldBytes(a) {
			t.Fatalf("step %d: live %d garbage %d held %d", step, a.live, a.garbage, heldBytes(a))
		}
		if len(a.chunks) < chunks {
			compactions++
		}
		chunks = len(a.chunks)
		if step%50 != 0 {
			continue
		}
		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range oracle {
				if !yield(id) {
					return
				}
			}
		})
		got, _ := s.IdentityRecords(ctx, ids)
		if len(got) != len(ids) {
			t.Fatalf("step %d: %d records, want %d", step, len(got), len(ids))
		}
		for _, g := range got {
			if want := oracle[g.ID]; !reflect.DeepEqual(g, want) {
				t.Fatalf("step %d: record %s = %+v, want %+v", step, g.ID, g, want)
			}
		}
		for i := range 30 {
			var want []string
			for _, id := range ids {
				if slices.Contains(oracle[id].Keys, key(i)) {
					want = append(want, id)
				}
			}
			es, _ := s.IdentityTokens(ctx, []identity.Key{key(i)})
			if !slices.Equal(es[0].Records, want) {
				t.Fatalf("step %d: token %d lists %v, want %v", step, i, es[0].Records, want)
			}
		}
	}
	if compactions < 10 {
		t.Errorf("only %d compactions", compactions)
	}
}
