package memstore

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// Through random writes (ids ascending, as an import brings them, and
// not), replacements and deletions, every token's and customer's list
// holds exactly the records a plain model gives, in ascending id order.
func TestIdentityListsMatchModel(t *testing.T) {
	toks := tokenCases()[:6]
	custs := []uuid.UUID{{1}, {2}, {3}, {4}}
	type modelRec struct {
		keys []identity.Key
		cust uuid.UUID
	}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		s := New()
		ctx := t.Context()
		model := map[string]modelRec{}
		next := 0 // the ascending ids
		for step := range 60 {
			if rng.IntN(5) == 0 && len(model) > 0 {
				ids := slices.Sorted(maps.Keys(model))
				del := []string{ids[rng.IntN(len(ids))], fmt.Sprintf("r%02d", rng.IntN(30))}
				if err := s.DeleteIdentityRecords(ctx, del); err != nil {
					t.Fatal(err)
				}
				for _, id := range del {
					delete(model, id)
				}
			} else {
				var ch identity.Change
				for range 1 + rng.IntN(6) {
					id := fmt.Sprintf("r%02d", rng.IntN(30))
					if rng.IntN(2) == 0 {
						id = fmt.Sprintf("z%04d", next)
						next++
					}
					var keys []identity.Key
					for range 1 + rng.IntN(3) {
						k := identity.Key{Kind: identity.Kind([]string{"phone", "email"}[rng.IntN(2)]), Token: toks[rng.IntN(len(toks))]}
						if !slices.Contains(keys, k) {
							keys = append(keys, k)
						}
					}
					r := modelRec{keys, custs[rng.IntN(len(custs))]}
					model[id] = r
					ch.Records = append(ch.Records, identity.StoredRecord{ID: id, CustomerID: r.cust, Keys: keys})
				}
				if err := s.ApplyIdentity(ctx, ch); err != nil {
					t.Fatal(err)
				}
			}
			byKey, byCust := map[identity.Key][]string{}, map[uuid.UUID][]string{}
			for _, id := range slices.Sorted(maps.Keys(model)) {
				for _, k := range model[id].keys {
					byKey[k] = append(byKey[k], id)
				}
				byCust[model[id].cust] = append(byCust[model[id].cust], id)
			}
			var keys []identity.Key
			for _, kind := range []identity.Kind{"phone", "email"} {
				for _, tok := range toks {
					keys = append(keys, identity.Key{Kind: kind, Token: tok})
				}
			}
			es, _ := s.IdentityTokens(ctx, keys)
			for _, e := range es {
				if !slices.Equal(e.Records, byKey[e.Key]) {
					t.Fatalf("seed %d step %d: token %v holds %v, want %v", seed, step, e.Key, e.Records, byKey[e.Key])
				}
			}
			cs, _ := s.IdentityCustomers(ctx, custs)
			for _, c := range cs {
				if !slices.Equal(c.Records, byCust[c.ID]) {
					t.Fatalf("seed %d step %d: customer %v holds %v, want %v", seed, step, c.ID, c.Records, byCust[c.ID])
				}
			}
		}
	}
}
