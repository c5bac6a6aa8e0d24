package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// TinyRecord draws an identity record from a tiny universe (three phones,
// three devices, three member ids, three names, times over 400 days), so
// that shared values, unique-kind conflicts and ownership expiry are
// common. Property tests build their histories from it.
func TinyRecord(rng *rand.Rand, id string) identity.Record {
	phones := []string{"13812340001", "13812340002", "13812340003"}
	names := []string{"张三", "李四", "王五"}
	r := identity.Record{ID: id, Channel: "app", At: base.Add(time.Duration(rng.IntN(400*24)) * time.Hour)}
	add := func(k identity.Kind, v string) {
		r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: k, Value: v})
	}
	if rng.IntN(5) > 0 {
		add(identity.KindPhone, phones[rng.IntN(len(phones))])
	}
	if rng.IntN(2) == 0 {
		add(identity.KindDevice, fmt.Sprintf("dev-%d-abcdef", rng.IntN(3)))
	}
	for range 1 + rng.IntN(2) { // sometimes two member ids in one record
		if rng.IntN(3) == 0 {
			add(identity.KindMemberID, fmt.Sprintf("M%d", rng.IntN(3)))
		}
	}
	if rng.IntN(2) == 0 {
		add(identity.KindName, names[rng.IntN(len(names))])
	}
	return r
}

// RunIdentityOperations drives a Resolver over the store through random
// ingests, re-ingests, operator merges and unmerges of TinyRecords, seeds
// histories of steps operations each, and after every operation checks
// that the stored partition is the one Resolve gives for the stored
// records and constraints, that a refused unmerge moved nothing, that
// Explain shows exactly a customer's records and that Lookup, by a phone
// written any way, finds the customer of its most recent record. It
// exercises the store's atomic writes the way production does (fast
// paths, component loads, splits, constraints).
func RunIdentityOperations(t *testing.T, newStore func(t *testing.T) identity.Store, seeds, steps int) {
	for seed := range uint64(seeds) {
		// One subtest per history, so a store's cleanup runs after it.
		if !t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runOperations(t, newStore(t), seed, steps) }) {
			return
		}
	}
}

// runOperations is one history of RunIdentityOperations.
func runOperations(t *testing.T, st identity.Store, seed uint64, steps int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 11))
	n := 0
	r := identity.NewResolver(st, &identity.Options{Now: func() time.Time { return base },
		NewID: func() uuid.UUID { n++; return id(fmt.Sprint("ops", seed), n) }})
	var ids []string
	var merges []uuid.UUID
	for step := range steps {
		var what string
		switch op := rng.IntN(10); {
		case op < 5 || len(ids) < 2:
			rid := fmt.Sprintf("r%02d", len(ids))
			what = "ingest " + rid
			if _, err := r.Ingest(ctx, TinyRecord(rng, rid)); err == nil {
				ids = append(ids, rid)
			} else if !errors.Is(err, identity.ErrNoIdentifier) {
				t.Fatalf("seed %d step %d: %s: %v", seed, step, what, err)
			}
		case op < 7:
			rid := ids[rng.IntN(len(ids))]
			what = "re-ingest " + rid
			if _, err := r.Ingest(ctx, TinyRecord(rng, rid)); err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
				t.Fatalf("seed %d step %d: %s: %v", seed, step, what, err)
			}
		case op < 9:
			what = "merge"
			part := customersOf(t, st, ids)
			a, b := part[ids[rng.IntN(len(ids))]], part[ids[rng.IntN(len(ids))]]
			if a == b {
				continue
			}
			ev, err := r.Merge(ctx, a, b, "operator")
			switch {
			case err == nil:
				merges = append(merges, ev.ID)
			case !errors.Is(err, identity.ErrInvalid):
				t.Fatalf("seed %d step %d: merge: %v", seed, step, err)
			}
		default:
			if len(merges) == 0 {
				continue
			}
			what = "unmerge"
			before := customersOf(t, st, ids)
			_, err := r.Unmerge(ctx, merges[rng.IntN(len(merges))])
			switch {
			case err == nil:
			case errors.Is(err, identity.ErrInvalid), errors.Is(err, identity.ErrNotFound):
				if after := customersOf(t, st, ids); !maps.Equal(before, after) {
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
		by := map[uuid.UUID][]string{}
		for _, x := range recs {
			ns = append(ns, identity.Node{ID: x.ID, At: x.At, Keys: slices.Concat(x.Keys, x.Evidence)})
			cids = append(cids, x.Constraints...)
			by[x.CustomerID] = append(by[x.CustomerID], x.ID)
		}
		slices.Sort(cids)
		cons, err := st.IdentityConstraints(ctx, slices.Compact(cids))
		if err != nil {
			t.Fatal(err)
		}
		var stored [][]string
		for _, cl := range by {
			stored = append(stored, cl)
		}
		want := PartitionString(identity.Resolve(ns, r.Rules(), cons, false).Clusters)
		if got := PartitionString(stored); got != want {
			t.Fatalf("seed %d step %d (%s): stored partition\n %s\nResolve says\n %s", seed, step, what, got, want)
		}
		// Lookup, by a phone written any way, finds the customer of
		// the most recent record holding it.
		phone := fmt.Sprintf("1381234000%d", 1+rng.IntN(3))
		probe, _, _, err := r.Prepare(ctx, identity.Record{ID: "probe", Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: phone}}})
		if err != nil {
			t.Fatal(err)
		}
		owner := uuid.Nil
		var latest identity.StoredRecord
		for _, x := range recs {
			if slices.Contains(x.Keys, probe.Keys[0]) && (owner == uuid.Nil || x.At.After(latest.At) || x.At.Equal(latest.At) && x.ID > latest.ID) {
				owner, latest = x.CustomerID, x
			}
		}
		messy := []string{"+86 " + phone[:3] + "-" + phone[3:7] + "-" + phone[7:], "0086" + phone, strings.Map(func(r rune) rune { return r - '0' + '０' }, phone)}
		got, err := r.Lookup(ctx, identity.KindPhone, messy[rng.IntN(len(messy))])
		if owner == uuid.Nil && !errors.Is(err, identity.ErrNotFound) || owner != uuid.Nil && (err != nil || got != owner) {
			t.Fatalf("seed %d step %d: Lookup(phone) = %v, %v; want %v", seed, step, got, err, owner)
		}
		// Explain shows exactly a customer's records, and every edge
		// it names joins two of them or keeps one of them apart.
		if len(recs) > 0 {
			c := recs[rng.IntN(len(recs))].CustomerID
			ex, err := r.Explain(ctx, c)
			if err != nil {
				t.Fatalf("seed %d step %d: explain: %v", seed, step, err)
			}
			var got []string
			for _, x := range ex.Records {
				got = append(got, x.ID)
			}
			mine := slices.Sorted(slices.Values(by[c]))
			if slices.Sort(got); !slices.Equal(got, mine) {
				t.Fatalf("seed %d step %d: Explain(%v) records %v, stored %v", seed, step, c, got, mine)
			}
			for _, e := range ex.Edges {
				a, b := slices.Contains(mine, e.A), slices.Contains(mine, e.B)
				if !a && !b || e.Linked() && !(a && b) {
					t.Fatalf("seed %d step %d: Explain(%v) edge %s-%s (%s) does not fit its records %v", seed, step, c, e.A, e.B, e.Rule, mine)
				}
			}
		}
	}
}

// customersOf maps each stored record among ids to its customer.
func customersOf(t *testing.T, st identity.Store, ids []string) map[string]uuid.UUID {
	t.Helper()
	recs, err := st.IdentityRecords(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]uuid.UUID{}
	for _, x := range recs {
		m[x.ID] = x.CustomerID
	}
	return m
}

// PartitionString renders a partition (clusters of record ids) canonically:
// ids sorted within a cluster, clusters sorted, so that equal partitions
// give equal strings.
func PartitionString(cs [][]string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		c = slices.Clone(c)
		sort.Strings(c)
		parts[i] = strings.Join(c, ",")
	}
	sort.Strings(parts)
	return strings.Join(parts, " | ")
}
