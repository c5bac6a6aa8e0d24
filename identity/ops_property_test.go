package identity_test

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// TestOperationsKeepPartition runs random mixes of ingests, re-ingests,
// operator merges and unmerges over a handful of phones, devices, member
// ids and names, and after every step checks the stored partition against
// Resolve over the stored records and constraints: what the store holds
// must always be the partition the records and the operators' decisions
// define, however they arrived.
func TestOperationsKeepPartition(t *testing.T) {
	seeds, steps := 200, 30
	if raceEnabled {
		seeds = 40
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 11))
		st := memstore.New()
		r := identity.NewResolver(st, &identity.Options{NewID: seqIDs(fmt.Sprint(t.Name(), seed)), Now: func() time.Time { return t0 }})
		var ids []string
		var merges []uuid.UUID
		record := func(id string) identity.Record { return tinyRecord(rng, id) }
		for step := range steps {
			op := rng.IntN(10)
			var what string
			switch {
			case op < 5 || len(ids) < 2:
				id := fmt.Sprintf("r%02d", len(ids))
				what = "ingest " + id
				if _, err := r.Ingest(ctx, record(id)); err == nil {
					ids = append(ids, id)
				} else if !isNoID(err) {
					t.Fatalf("seed %d step %d: %s: %v", seed, step, what, err)
				}
			case op < 7:
				id := ids[rng.IntN(len(ids))]
				what = "re-ingest " + id
				if _, err := r.Ingest(ctx, record(id)); err != nil && !isNoID(err) {
					t.Fatalf("seed %d step %d: %s: %v", seed, step, what, err)
				}
			case op < 9:
				part := snapshot(t, st, ids)
				a, b := part[ids[rng.IntN(len(ids))]], part[ids[rng.IntN(len(ids))]]
				what = "merge"
				if a == b || a == uuid.Nil || b == uuid.Nil {
					continue
				}
				ev, err := r.Merge(ctx, a, b, "operator")
				switch {
				case err == nil:
					merges = append(merges, ev.ID)
				case errors.Is(err, identity.ErrInvalid):
				default:
					t.Fatalf("seed %d step %d: merge: %v", seed, step, err)
				}
			default:
				if len(merges) == 0 {
					continue
				}
				what = "unmerge"
				before := snapshot(t, st, ids)
				_, err := r.Unmerge(ctx, merges[rng.IntN(len(merges))])
				switch {
				case err == nil:
				case errors.Is(err, identity.ErrInvalid), errors.Is(err, identity.ErrNotFound):
					// A refused unmerge writes nothing.
					if after := snapshot(t, st, ids); !maps.Equal(before, after) {
						t.Fatalf("seed %d step %d: refused unmerge (%v) moved records", seed, step, err)
					}
				default:
					t.Fatalf("seed %d step %d: unmerge: %v", seed, step, err)
				}
			}
			recs, err := st.IdentityRecords(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			var ns []identity.Node
			var cids []string
			for _, x := range recs {
				ns = append(ns, identity.Node{ID: x.ID, At: x.At, Keys: slices.Concat(x.Keys, x.Evidence)})
				cids = append(cids, x.Constraints...)
			}
			slices.Sort(cids)
			cons, err := st.IdentityConstraints(ctx, slices.Compact(cids))
			if err != nil {
				t.Fatal(err)
			}
			want := clusters(identity.Resolve(ns, r.Rules(), cons, false).Clusters)
			if got := storedPartition(t, st, ids); got != want {
				t.Fatalf("seed %d step %d (%s): stored partition\n %s\nResolve says\n %s", seed, step, what, got, want)
			}
			// Explain shows exactly the records of a customer, and every
			// edge it names joins two of them or keeps one of them apart.
			if len(recs) > 0 {
				c := recs[rng.IntN(len(recs))].CustomerID
				ex, err := r.Explain(ctx, c)
				if err != nil {
					t.Fatalf("seed %d step %d: explain: %v", seed, step, err)
				}
				var got, mine []string
				for _, x := range ex.Records {
					got = append(got, x.ID)
				}
				for _, x := range recs {
					if x.CustomerID == c {
						mine = append(mine, x.ID)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, mine) {
					t.Fatalf("seed %d step %d: Explain(%v) records %v, stored %v", seed, step, c, got, mine)
				}
				for _, e := range ex.Edges {
					if !slices.Contains(mine, e.A) && !slices.Contains(mine, e.B) || e.Linked() && !(slices.Contains(mine, e.A) && slices.Contains(mine, e.B)) {
						t.Fatalf("seed %d step %d: Explain(%v) edge %s-%s (%s) does not fit its records %v", seed, step, c, e.A, e.B, e.Rule, mine)
					}
				}
			}
		}
	}
}

// An unmerge that has nothing left to separate writes nothing: not the
// records' former ids, not an event.
func TestUnmergeTwiceWritesNothing(t *testing.T) {
	r, st := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	b := mustIngest(t, r, rec("b", t0.Add(time.Hour), "email", "z@qq.com"))
	mustIngest(t, r, rec("c", t0.Add(2*time.Hour), "phone", "13812345678"))
	ev, err := r.Merge(ctx, a.CustomerID, b.CustomerID, "operator")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Unmerge(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	ids := []string{"a", "b", "c"}
	before := snapshot(t, st, ids)
	evsBefore, _ := st.IdentityEvents(ctx, a.CustomerID)
	if _, err := r.Unmerge(ctx, ev.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("second unmerge: %v, want ErrNotFound", err)
	}
	if after := snapshot(t, st, ids); !maps.Equal(before, after) {
		t.Fatalf("second unmerge moved records: %v -> %v", before, after)
	}
	if evs, _ := st.IdentityEvents(ctx, a.CustomerID); len(evs) != len(evsBefore) {
		t.Fatalf("second unmerge wrote %d events", len(evs)-len(evsBefore))
	}
}
