package customer_test

import (
	"context"
	"math/rand/v2"
	"testing"

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
		h := randomHistory(t, seed, rand.New(rand.NewPCG(seed, 5)), 40, "")
		res := h.svc.Resolver()
		counted := map[uuid.UUID]int{}
		for c, err := range h.svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			for o, err := range h.svc.OrdersWithMerged(ctx, c.ID) {
				if err != nil {
					t.Fatal(err)
				}
				counted[o.ID]++
				if cur, err := res.CurrentID(ctx, h.orders[o.ID]); err != nil || cur != c.ID {
					t.Fatalf("seed %d: order under %v counted for %v; its records are with %v (%v)", seed, h.orders[o.ID], c.ID, cur, err)
				}
			}
		}
		for id, rec := range h.orders {
			want := 1
			if _, err := res.CurrentID(ctx, rec); err != nil {
				want = 0
			}
			if counted[id] != want {
				t.Fatalf("seed %d: order under %v counted %d times, want %d", seed, rec, counted[id], want)
			}
		}
	}
}
