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

// TestMergedActivityProperty: through random ingests (a tiny universe of
// phones and devices), orders recorded under any customer id ever seen
// (absorbed ones included), operator merges and unmerges, every order is
// counted by OrdersWithMerged of exactly one live customer: the one
// holding the records of the id it was recorded under (CurrentID).
func TestMergedActivityProperty(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 5))
		svc, _ := newIngestService()
		res := svc.Resolver()
		var known []uuid.UUID // every customer id ever returned
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
				r, err := svc.Ingest(ctx, src)
				if err != nil {
					if errors.Is(err, identity.ErrNoIdentifier) {
						continue
					}
					t.Fatal(err)
				}
				known = append(known, r.CustomerID)
				for _, e := range r.Events {
					for _, c := range e.After {
						known = append(known, c.ID)
					}
				}
			case op < 7:
				o := order(known[rng.IntN(len(known))], 100)
				got, err := svc.AddOrder(ctx, o)
				switch {
				case err == nil:
					orders[got.ID] = got.CustomerID
				case errors.Is(err, customer.ErrNotFound):
					if cur, cerr := res.CurrentID(ctx, o.CustomerID); !errors.Is(cerr, identity.ErrNotFound) {
						recs, _ := res.Records(ctx, cur)
						seenEv := map[uuid.UUID]bool{}
						var all []identity.Event
						for _, k := range known {
							evs, _ := svc.Store().(identity.Store).IdentityEvents(ctx, k)
							for _, e := range evs {
								if !seenEv[e.ID] {
									seenEv[e.ID] = true
									all = append(all, e)
								}
							}
						}
						for _, e := range all {
							t.Logf("event %s rec %s before %v after %v", e.Kind, e.Record, e.Before, e.After)
						}
						for _, r := range recs {
							t.Logf("record %s customer %v", r.ID, r.CustomerID)
						}
						t.Logf("cur %v == id %v; %d records", cur, cur == o.CustomerID, len(recs))
						t.Fatalf("seed %d: order refused for %v, which leads to a customer (%v)", seed, o.CustomerID, cerr)
					}
				default:
					t.Fatal(err)
				}
			case op < 9:
				a, b := known[rng.IntN(len(known))], known[rng.IntN(len(known))]
				if ev, err := svc.Merge(ctx, a, b, "operator"); err == nil {
					merges = append(merges, ev.ID)
					for _, c := range ev.After {
						known = append(known, c.ID)
					}
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
		counted := map[uuid.UUID]int{}
		for c, err := range svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			for o, err := range svc.OrdersWithMerged(ctx, c.ID) {
				if err != nil {
					t.Fatal(err)
				}
				counted[o.ID]++
				cur, err := res.CurrentID(ctx, orders[o.ID])
				if err != nil || cur != c.ID {
					t.Fatalf("seed %d: order under %v counted for %v; its records are with %v (%v)", seed, orders[o.ID], c.ID, cur, err)
				}
			}
		}
		for id, rec := range orders {
			_, err := res.CurrentID(ctx, rec)
			if want := 1; err != nil {
				want = 0
			} else if counted[id] != want {
				t.Fatalf("seed %d: order under %v counted %d times, want %d", seed, rec, counted[id], want)
			}
		}
	}
}
