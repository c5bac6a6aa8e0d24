package customer_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// TestEraseFollowsMergesProperty: after random ingests, orders (with a
// free-text note) under any customer id ever seen, operator merges and
// unmerges, erasing one live customer clears the notes of exactly the
// orders whose ids lead to it, removes exactly its profile, and leaves it
// and the ids merged into it leading nowhere.
func TestEraseFollowsMergesProperty(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 17))
		h := randomHistory(t, seed, rng, 40, "call before delivery")
		svc, res, orders := h.svc, h.svc.Resolver(), h.orders
		rights := customer.NewRights(svc, nil)
		var live []uuid.UUID
		for c, err := range svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, c.ID)
		}
		if len(live) == 0 {
			continue
		}
		victim := live[rng.IntN(len(live))]
		owner := map[uuid.UUID]uuid.UUID{}
		for id, rec := range orders {
			owner[id], _ = res.CurrentID(ctx, rec)
		}
		former, err := res.FormerIDs(ctx, victim)
		if err != nil {
			t.Fatal(err)
		}
		// The export holds exactly the orders whose ids lead to it.
		ex, err := rights.Export(ctx, victim)
		if err != nil {
			t.Fatal(err)
		}
		exported := map[uuid.UUID]bool{}
		for _, it := range ex.Items {
			if o, ok := it.Data.(customer.Order); ok {
				exported[o.ID] = true
			}
		}
		for id := range orders {
			if exported[id] != (owner[id] == victim) {
				t.Fatalf("seed %d: order under %v (its records with %v) exported %v for %v", seed, orders[id], owner[id], exported[id], victim)
			}
		}
		if _, err := rights.Erase(ctx, victim, "data subject request"); err != nil {
			t.Fatalf("seed %d: erase: %v", seed, err)
		}
		for id := range orders {
			o, err := svc.GetOrder(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			cleared := o.History[len(o.History)-1].Note == ""
			if cleared != (owner[id] == victim) {
				t.Fatalf("seed %d: order under %v (its records with %v): note cleared %v, erased %v", seed, orders[id], owner[id], cleared, victim)
			}
		}
		n := 0
		for c, err := range svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if c.ID == victim {
				t.Fatalf("seed %d: the erased profile survives", seed)
			}
			n++
		}
		if n != len(live)-1 {
			t.Fatalf("seed %d: %d profiles left, want %d", seed, n, len(live)-1)
		}
		for _, id := range append([]uuid.UUID{victim}, former...) {
			if _, err := res.CurrentID(ctx, id); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("seed %d: %v still leads to a customer after the erasure: %v", seed, id, err)
			}
		}
	}
}
