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

// history is the outcome of randomHistory: a service and every order it
// took, by the customer id it was recorded under.
type history struct {
	svc    *customer.Service
	orders map[uuid.UUID]uuid.UUID
}

// randomHistory runs steps random operations on a new service: ingests
// over a tiny universe (four phones, three devices), orders under any
// customer id ever seen (absorbed ones included; refused only when the id
// leads to no customer), operator merges and unmerges. With a note, every
// order gets a status change carrying it.
func randomHistory(t *testing.T, seed uint64, rng *rand.Rand, steps int, note string) history {
	t.Helper()
	ctx := context.Background()
	svc, _ := newIngestService()
	h := history{svc: svc, orders: map[uuid.UUID]uuid.UUID{}}
	var known, merges []uuid.UUID // every customer id ever returned; merge events
	for step := range steps {
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
			if errors.Is(err, identity.ErrNoIdentifier) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			known = append(known, r.CustomerID)
			for _, e := range r.Events {
				for _, c := range e.After {
					known = append(known, c.ID)
				}
			}
		case op < 7:
			o, err := svc.AddOrder(ctx, order(known[rng.IntN(len(known))], 100))
			if errors.Is(err, customer.ErrNotFound) {
				if _, cerr := svc.Resolver().CurrentID(ctx, o.CustomerID); !errors.Is(cerr, identity.ErrNotFound) {
					t.Fatalf("seed %d: order refused for %v, which leads to a customer (%v)", seed, o.CustomerID, cerr)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if note != "" {
				if _, err := svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "paid", Note: note}); err != nil {
					t.Fatal(err)
				}
			}
			h.orders[o.ID] = o.CustomerID
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
	return h
}
