package identity_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// TestEraseAfterOperations builds customers from random ingests, operator
// merges and unmerges over a tiny identifier universe, erases one of them
// and checks what erasure promises: its records (and those of customers
// merged into it) are gone and cannot come back, every other record is
// untouched, a token is tombstoned exactly when no remaining record holds
// it, and the erased id and its former ids lead nowhere.
func TestEraseAfterOperations(t *testing.T) {
	seeds := 150
	if raceEnabled {
		seeds = 30
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 13))
		st := memstore.New()
		r := identity.NewResolver(st, &identity.Options{NewID: seqIDs(fmt.Sprint(t.Name(), seed)), Now: func() time.Time { return t0 }})
		var ids []string
		var merges []uuid.UUID
		for step := range 25 {
			switch op := rng.IntN(10); {
			case op < 7 || len(ids) < 2:
				id := fmt.Sprintf("r%02d", step)
				if _, err := r.Ingest(ctx, tinyRecord(rng, id)); err == nil {
					ids = append(ids, id)
				} else if !isNoID(err) {
					t.Fatal(err)
				}
			case op < 9:
				part := snapshot(t, st, ids)
				a, b := part[ids[rng.IntN(len(ids))]], part[ids[rng.IntN(len(ids))]]
				if a != b {
					if ev, err := r.Merge(ctx, a, b, "operator"); err == nil {
						merges = append(merges, ev.ID)
					}
				}
			default:
				if len(merges) > 0 {
					r.Unmerge(ctx, merges[rng.IntN(len(merges))])
				}
			}
		}
		if len(ids) == 0 {
			continue
		}
		before, err := st.IdentityRecords(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		victim := before[rng.IntN(len(before))].CustomerID
		former, err := r.FormerIDs(ctx, victim)
		if err != nil {
			t.Fatal(err)
		}
		var erased, kept []identity.StoredRecord
		for _, x := range before {
			if x.CustomerID == victim {
				erased = append(erased, x)
			} else {
				kept = append(kept, x)
			}
		}
		er, err := r.EraseIdentity(ctx, victim, t0)
		if err != nil {
			t.Fatalf("seed %d: erase: %v", seed, err)
		}
		if er.Records != len(erased) || !slices.Equal(er.FormerIDs, former) {
			t.Fatalf("seed %d: erasure %+v; want %d records, former %v", seed, er, len(erased), former)
		}
		after, err := st.IdentityRecords(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(kept) {
			t.Fatalf("seed %d: %d records left, want %d", seed, len(after), len(kept))
		}
		held := map[identity.Key]bool{}
		for i, x := range after {
			if x.ID != kept[i].ID || x.CustomerID != kept[i].CustomerID {
				t.Fatalf("seed %d: erasure changed record %s", seed, x.ID)
			}
			for _, k := range x.Keys {
				held[k] = true
			}
		}
		for _, x := range erased {
			if _, err := r.Ingest(ctx, identity.Record{ID: x.ID, At: t0, Identifiers: []identity.Identifier{{Kind: identity.KindEmail, Value: "fresh@qq.com"}}}); !errors.Is(err, identity.ErrErased) {
				t.Fatalf("seed %d: re-ingesting erased record %s: %v", seed, x.ID, err)
			}
			for _, k := range x.Keys {
				err := r.CheckErased(ctx, identity.StoredRecord{ID: "probe", Keys: []identity.Key{k}})
				if tomb := errors.Is(err, identity.ErrErased); tomb == held[k] {
					t.Fatalf("seed %d: %s token tombstoned %v, still held by another customer %v", seed, k.Kind, tomb, held[k])
				}
			}
		}
		for _, id := range append([]uuid.UUID{victim}, former...) {
			if cur, err := r.CurrentID(ctx, id); !errors.Is(err, identity.ErrNotFound) {
				evs, _ := st.IdentityEvents(ctx, id)
				for _, e := range evs {
					t.Logf("event %s kind %s before %v after %v", e.ID, e.Kind, e.Before, e.After)
				}
				t.Logf("victim %v former %v id %v", victim, former, id)
				t.Fatalf("seed %d: CurrentID(%v) after erasure = %v, %v", seed, id, cur, err)
			}
		}
	}
}
