package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// RunIdentity checks an identity.Store. newStore returns a fresh, empty
// store for each subtest.
func RunIdentity(t *testing.T, newStore func(t *testing.T) identity.Store) {
	ctx := context.Background()
	key := func(n int) identity.Key {
		return identity.Key{Kind: identity.KindPhone, Token: fmt.Sprintf("tok-%03d", n)}
	}
	rec := func(id string, cust uuid.UUID, keys ...identity.Key) identity.StoredRecord {
		return identity.StoredRecord{ID: id, Channel: "app", At: base, Keys: keys, Display: make([]string, len(keys)),
			Fields: map[string]string{"name": "客户"}, CustomerID: cust}
	}
	c1, c2 := id("idcust", 1), id("idcust", 2)

	t.Run("UnknownIsEmpty", func(t *testing.T) {
		s := newStore(t)
		es, err := s.IdentityTokens(ctx, []identity.Key{key(1)})
		if err != nil || len(es) != 1 || es[0].Key != key(1) || len(es[0].Records) != 0 || es[0].Version != 0 {
			t.Fatalf("IdentityTokens(unknown) = %+v, %v; want one empty entry, version 0", es, err)
		}
		cs, err := s.IdentityCustomers(ctx, []uuid.UUID{c1})
		if err != nil || len(cs) != 1 || cs[0].ID != c1 || len(cs[0].Records) != 0 || cs[0].Version != 0 {
			t.Fatalf("IdentityCustomers(unknown) = %+v, %v; want one empty entry, version 0", cs, err)
		}
		rs, err := s.IdentityRecords(ctx, []string{"nope"})
		if err != nil || len(rs) != 0 {
			t.Fatalf("IdentityRecords(unknown) = %+v, %v; want nothing", rs, err)
		}
		if _, err := s.IdentityEvent(ctx, c1); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("IdentityEvent(unknown) error = %v; want ErrNotFound", err)
		}
	})

	t.Run("ApplyIndexesRecords", func(t *testing.T) {
		s := newStore(t)
		ch := identity.Change{Records: []identity.StoredRecord{rec("b", c1, key(1), key(2)), rec("a", c1, key(1))}}
		if err := s.ApplyIdentity(ctx, ch); err != nil {
			t.Fatal(err)
		}
		es, _ := s.IdentityTokens(ctx, []identity.Key{key(1), key(2)})
		if !slices.Equal(es[0].Records, []string{"a", "b"}) || !slices.Equal(es[1].Records, []string{"b"}) {
			t.Fatalf("token records = %v, %v; want [a b], [b]", es[0].Records, es[1].Records)
		}
		if es[0].Version <= 0 || es[1].Version <= 0 {
			t.Fatalf("token versions %d, %d; want > 0 after a write", es[0].Version, es[1].Version)
		}
		cs, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1})
		if !slices.Equal(cs[0].Records, []string{"a", "b"}) || cs[0].Version <= 0 {
			t.Fatalf("customer = %+v; want records [a b], version > 0", cs[0])
		}
		rs, _ := s.IdentityRecords(ctx, []string{"b", "a"})
		if len(rs) != 2 || rs[0].ID != "b" || rs[1].ID != "a" || rs[0].CustomerID != c1 || rs[0].Fields["name"] != "客户" {
			t.Fatalf("IdentityRecords = %+v; want b then a, as stored", rs)
		}
		if h, ok := s.(identity.RecordHeadReader); ok {
			hs, err := h.IdentityRecordHeads(ctx, []string{"b", "nope", "a"})
			if err != nil || len(hs) != 2 {
				t.Fatalf("IdentityRecordHeads = %+v, %v; want b then a", hs, err)
			}
			for i, x := range hs {
				want := rs[i]
				if x.ID != want.ID || x.Channel != want.Channel || !x.At.Equal(want.At) || x.CustomerID != want.CustomerID ||
					x.Keys != nil || x.Evidence != nil || x.Display != nil || x.Fields != nil || x.Constraints != nil {
					t.Fatalf("IdentityRecordHeads[%d] = %+v; want the head of %+v", i, x, want)
				}
			}
		}
	})

	t.Run("ApplyMovesRecord", func(t *testing.T) {
		s := newStore(t)
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{rec("a", c1, key(1))}}); err != nil {
			t.Fatal(err)
		}
		before, _ := s.IdentityTokens(ctx, []identity.Key{key(1), key(2)})
		cb, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1, c2})
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{rec("a", c2, key(2))}}); err != nil {
			t.Fatal(err)
		}
		after, _ := s.IdentityTokens(ctx, []identity.Key{key(1), key(2)})
		if len(after[0].Records) != 0 || !slices.Equal(after[1].Records, []string{"a"}) {
			t.Fatalf("after moving keys: %v, %v; want [], [a]", after[0].Records, after[1].Records)
		}
		if after[0].Version <= before[0].Version || after[1].Version <= before[1].Version {
			t.Fatalf("token versions did not increase: %d→%d, %d→%d", before[0].Version, after[0].Version, before[1].Version, after[1].Version)
		}
		ca, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1, c2})
		if len(ca[0].Records) != 0 || !slices.Equal(ca[1].Records, []string{"a"}) {
			t.Fatalf("customers after move: %v, %v; want [], [a]", ca[0].Records, ca[1].Records)
		}
		if ca[0].Version <= cb[0].Version || ca[1].Version <= cb[1].Version {
			t.Fatalf("customer versions must increase (an emptied customer keeps counting): %d→%d, %d→%d",
				cb[0].Version, ca[0].Version, cb[1].Version, ca[1].Version)
		}
	})

	t.Run("ExpectAbsent", func(t *testing.T) {
		s := newStore(t)
		ch := identity.Change{ExpectAbsent: []string{"a"}, Records: []identity.StoredRecord{rec("a", c1, key(1))}}
		if err := s.ApplyIdentity(ctx, ch); err != nil {
			t.Fatalf("first write with ExpectAbsent: %v", err)
		}
		ch.Records = []identity.StoredRecord{rec("a", c2, key(2))}
		if err := s.ApplyIdentity(ctx, ch); !errors.Is(err, identity.ErrConflict) {
			t.Fatalf("ExpectAbsent on a stored record: got %v, want ErrConflict", err)
		}
		rs, _ := s.IdentityRecords(ctx, []string{"a"})
		if len(rs) != 1 || rs[0].CustomerID != c1 {
			t.Fatal("a rejected change with ExpectAbsent wrote the record")
		}
	})

	t.Run("RewriteBumpsVersions", func(t *testing.T) {
		s := newStore(t)
		r := rec("a", c1, key(1))
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}}); err != nil {
			t.Fatal(err)
		}
		tb, _ := s.IdentityTokens(ctx, []identity.Key{key(1)})
		cb, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1})
		r.At = r.At.Add(time.Hour) // same keys, same customer
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}}); err != nil {
			t.Fatal(err)
		}
		ta, _ := s.IdentityTokens(ctx, []identity.Key{key(1)})
		ca, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1})
		if ta[0].Version <= tb[0].Version || ca[0].Version <= cb[0].Version {
			t.Fatalf("rewriting a record left versions as they were (token %d→%d, customer %d→%d)",
				tb[0].Version, ta[0].Version, cb[0].Version, ca[0].Version)
		}
	})

	stale := func(t *testing.T, ch identity.Change) {
		s := newStore(t)
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{rec("a", c1, key(1))}}); err != nil {
			t.Fatal(err)
		}
		ch.Records = []identity.StoredRecord{rec("b", c1, key(1), key(3))}
		ch.Constraints = []identity.Constraint{{ID: "k", Kind: identity.CannotLink, A: []string{"a"}, B: []string{"b"}}}
		ch.Events = []identity.Event{{ID: c2, Kind: identity.EventMerge, After: []identity.CustomerEntry{{ID: c1}}}}
		if err := s.ApplyIdentity(ctx, ch); !errors.Is(err, identity.ErrConflict) {
			t.Fatalf("ApplyIdentity with a stale version: error %v; want ErrConflict", err)
		}
		es, _ := s.IdentityTokens(ctx, []identity.Key{key(1), key(3)})
		rs, _ := s.IdentityRecords(ctx, []string{"b"})
		ks, _ := s.IdentityConstraints(ctx, []string{"k"})
		_, evErr := s.IdentityEvent(ctx, c2)
		if len(es[0].Records) != 1 || len(es[1].Records) != 0 || len(rs) != 0 || len(ks) != 0 || evErr == nil {
			t.Fatalf("a refused change wrote something: tokens %v %v, records %d, constraints %d, event err %v",
				es[0].Records, es[1].Records, len(rs), len(ks), evErr)
		}
	}
	t.Run("ApplyStaleTokenVersionConflicts", func(t *testing.T) {
		stale(t, identity.Change{ExpectTokens: []identity.TokenVersion{{Key: key(3), Version: 0}, {Key: key(1), Version: 0}}})
	})
	t.Run("ApplyStaleCustomerVersionConflicts", func(t *testing.T) {
		stale(t, identity.Change{ExpectCustomers: []identity.CustomerVersion{{ID: c1, Version: 0}}})
	})

	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		r := rec("a", c1, key(1))
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}}); err != nil {
			t.Fatal(err)
		}
		r.Keys[0] = key(9)
		r.Fields["name"] = "changed"
		got, _ := s.IdentityRecords(ctx, []string{"a"})
		if got[0].Keys[0] != key(1) || got[0].Fields["name"] != "客户" {
			t.Fatal("the store kept the caller's slice or map")
		}
		got[0].Keys[0] = key(8)
		got[0].Fields["name"] = "changed"
		es, _ := s.IdentityTokens(ctx, []identity.Key{key(1)})
		es[0].Records[0] = "zzz"
		again, _ := s.IdentityRecords(ctx, []string{"a"})
		es2, _ := s.IdentityTokens(ctx, []identity.Key{key(1)})
		if again[0].Keys[0] != key(1) || again[0].Fields["name"] != "客户" || es2[0].Records[0] != "a" {
			t.Fatal("mutating a returned value changed the store")
		}
	})

	t.Run("ConstraintsAndEvents", func(t *testing.T) {
		s := newStore(t)
		ev := identity.Event{ID: id("idevent", 1), Kind: identity.EventMerge, At: base,
			Before: []identity.CustomerEntry{{ID: c1, Records: []string{"a"}}, {ID: c2, Records: []string{"b"}}},
			After:  []identity.CustomerEntry{{ID: c1, Records: []string{"a", "b"}}}}
		k := identity.Constraint{ID: "k1", Kind: identity.MustLink, A: []string{"a"}, B: []string{"b"}}
		ch := identity.Change{Records: []identity.StoredRecord{rec("a", c1, key(1)), rec("b", c1, key(2))},
			Constraints: []identity.Constraint{k}, Events: []identity.Event{ev}}
		if err := s.ApplyIdentity(ctx, ch); err != nil {
			t.Fatal(err)
		}
		got, err := s.IdentityEvent(ctx, ev.ID)
		if err != nil || got.Kind != identity.EventMerge || len(got.Before) != 2 || !slices.Equal(got.After[0].Records, []string{"a", "b"}) {
			t.Fatalf("IdentityEvent = %+v, %v", got, err)
		}
		for _, c := range []uuid.UUID{c1, c2} {
			evs, err := s.IdentityEvents(ctx, c)
			if err != nil || len(evs) != 1 || evs[0].ID != ev.ID {
				t.Fatalf("IdentityEvents(%v) = %d events, %v; want the merge once", c, len(evs), err)
			}
		}
		ks, _ := s.IdentityConstraints(ctx, []string{"k1", "nope"})
		if len(ks) != 1 || ks[0].Kind != identity.MustLink || !slices.Equal(ks[0].B, []string{"b"}) {
			t.Fatalf("IdentityConstraints = %+v", ks)
		}
		if err := s.ApplyIdentity(ctx, identity.Change{DeleteConstraints: []string{"k1"}}); err != nil {
			t.Fatal(err)
		}
		if ks, _ := s.IdentityConstraints(ctx, []string{"k1"}); len(ks) != 0 {
			t.Fatal("deleted constraint still returned")
		}
	})

	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.ApplyIdentity(cctx, identity.Change{Records: []identity.StoredRecord{rec("a", c1, key(1))}}); err == nil {
			t.Fatal("ApplyIdentity with a cancelled context succeeded")
		}
		if rs, _ := s.IdentityRecords(ctx, []string{"a"}); len(rs) != 0 {
			t.Fatal("a cancelled ApplyIdentity wrote")
		}
		if _, err := s.IdentityTokens(cctx, []identity.Key{key(1)}); err == nil {
			t.Fatal("IdentityTokens with a cancelled context succeeded")
		}
	})

	t.Run("ConcurrentIngestCreatesOneCustomer", func(t *testing.T) {
		s := newStore(t)
		r := identity.NewResolver(s, &identity.Options{Retries: 1000})
		const n = 16
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		ids := make([]uuid.UUID, n)
		var recIDs []string
		for i := range n {
			recIDs = append(recIDs, fmt.Sprintf("r%02d", i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res, err := r.Ingest(ctx, identity.Record{ID: recIDs[i], Channel: "app", At: base,
					Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "138 0013 9000"},
						{Kind: identity.KindDevice, Value: fmt.Sprintf("dev-%d", i%3)}}})
				ids[i], errs[i] = res.CustomerID, err
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("goroutine %d: %v", i, err)
			}
		}
		rs, err := s.IdentityRecords(ctx, recIDs)
		if err != nil || len(rs) != n {
			t.Fatalf("stored %d records, %v; want %d", len(rs), err, n)
		}
		for _, x := range rs {
			if x.CustomerID != rs[0].CustomerID {
				t.Fatalf("records landed on several customers (%v and %v); want exactly one", rs[0].CustomerID, x.CustomerID)
			}
		}
		cs, _ := s.IdentityCustomers(ctx, []uuid.UUID{rs[0].CustomerID})
		if len(cs[0].Records) != n {
			t.Fatalf("customer holds %d records; want %d", len(cs[0].Records), n)
		}
		for i, cid := range ids {
			if cid != rs[0].CustomerID {
				// A goroutine may have been told an id that a later
				// merge replaced; with one phone there is no merge.
				t.Fatalf("goroutine %d was told customer %v; the store has %v", i, cid, rs[0].CustomerID)
			}
		}
	})
}
