package customer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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
		svc, _ := newIngestService()
		res := svc.Resolver()
		rights := customer.NewRights(svc, nil)
		var known []uuid.UUID
		var merges []uuid.UUID
		orders := map[uuid.UUID]uuid.UUID{} // order id → recorded customer id
		for step := range 40 {
			switch op := rng.IntN(10); {
			case op < 4 || len(known) == 0:
				src := customer.SourceRecord{ID: fmt.Sprintf("s%02d", step), Channel: customer.ChannelApp, At: ingestT0.Add(time.Duration(step) * time.Hour)}
				if rng.IntN(3) > 0 {
					src.Phone = fmt.Sprintf("1381234000%d", rng.IntN(4))
				}
				if rng.IntN(2) == 0 {
					src.Device = fmt.Sprintf("dev-%d-abcdef", rng.IntN(3))
				}
				if r, err := svc.Ingest(ctx, src); err == nil {
					known = append(known, r.CustomerID)
				} else if !errors.Is(err, identity.ErrNoIdentifier) {
					t.Fatal(err)
				}
			case op < 7:
				o, err := svc.AddOrder(ctx, order(known[rng.IntN(len(known))], 100))
				if errors.Is(err, customer.ErrNotFound) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "paid", Note: "call before delivery"}); err != nil {
					t.Fatal(err)
				}
				orders[o.ID] = o.CustomerID
			case op < 9:
				if ev, err := svc.Merge(ctx, known[rng.IntN(len(known))], known[rng.IntN(len(known))], "operator"); err == nil {
					merges = append(merges, ev.ID)
				}
			default:
				if len(merges) > 0 {
					if ev, err := svc.Unmerge(ctx, merges[rng.IntN(len(merges))]); err == nil {
						for _, c := range ev.After {
							known = append(known, c.ID)
						}
					}
				}
			}
		}
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
