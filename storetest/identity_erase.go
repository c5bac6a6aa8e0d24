package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// RunIdentityErase checks the erasure capability of an identity store
// (identity.EraseStore). newStore returns a fresh, empty store per subtest.
func RunIdentityErase(t *testing.T, newStore func(t *testing.T) identity.EraseStore) {
	ctx := context.Background()
	c1, c2 := id("erasecust", 1), id("erasecust", 2)
	k1 := identity.Key{Kind: identity.KindPhone, Token: "tok-1"}
	k2 := identity.Key{Kind: identity.KindEmail, Token: "tok-2"}
	rec := func(rid string, cust uuid.UUID, keys ...identity.Key) identity.StoredRecord {
		return identity.StoredRecord{ID: rid, Channel: "app", At: base, Keys: keys, Display: make([]string, len(keys)), CustomerID: cust}
	}
	seed := func(t *testing.T, s identity.EraseStore) {
		t.Helper()
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{
			rec("a", c1, k1), rec("b", c1, k1, k2), rec("c", c2, k2)}}); err != nil {
			t.Fatal(err)
		}
	}
	ts := func(h string, k identity.TombstoneKind, c uuid.UUID, sec int) identity.Tombstone {
		return identity.Tombstone{Hash: h, Kind: k, Customer: c, At: base.Add(time.Duration(sec) * time.Second)}
	}

	t.Run("DeleteRecordsUnindexes", func(t *testing.T) {
		s := newStore(t)
		seed(t, s)
		before, _ := s.IdentityTokens(ctx, []identity.Key{k1, k2})
		cb, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1, c2})
		if err := s.DeleteIdentityRecords(ctx, []string{"a", "b", "nope"}); err != nil {
			t.Fatal(err)
		}
		es, _ := s.IdentityTokens(ctx, []identity.Key{k1, k2})
		if len(es[0].Records) != 0 || !slices.Equal(es[1].Records, []string{"c"}) {
			t.Fatalf("tokens after delete = %v, %v; want [], [c]", es[0].Records, es[1].Records)
		}
		if es[0].Version <= before[0].Version || es[1].Version <= before[1].Version {
			t.Fatalf("token versions %d,%d not above %d,%d", es[0].Version, es[1].Version, before[0].Version, before[1].Version)
		}
		cs, _ := s.IdentityCustomers(ctx, []uuid.UUID{c1, c2})
		if len(cs[0].Records) != 0 || cs[0].Version <= cb[0].Version || !slices.Equal(cs[1].Records, []string{"c"}) || cs[1].Version != cb[1].Version {
			t.Fatalf("customers after delete = %+v; want c1 empty with a higher version, c2 unchanged", cs)
		}
		rs, _ := s.IdentityRecords(ctx, []string{"a", "b", "c"})
		if len(rs) != 1 || rs[0].ID != "c" {
			t.Fatalf("records after delete = %d; want only c", len(rs))
		}
		if err := s.DeleteIdentityRecords(ctx, []string{"a", "b"}); err != nil {
			t.Fatalf("second delete: %v; want nil (idempotent)", err)
		}
	})

	t.Run("TombstonesFirstWins", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutTombstones(ctx, []identity.Tombstone{ts("h2", identity.TombstoneKey, c1, 1), ts("h1", identity.TombstoneRecord, c1, 1), ts("h3", identity.TombstoneCustomer, c2, 1)}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTombstones(ctx, []identity.Tombstone{ts("h1", identity.TombstoneRecord, c2, 9)}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Tombstones(ctx, []string{"h3", "zz", "h1"})
		if err != nil || len(got) != 2 || got[0].Hash != "h3" || got[1].Hash != "h1" {
			t.Fatalf("Tombstones = %+v, %v; want h3, h1 in order asked", got, err)
		}
		if got[1].Customer != c1 || !got[1].At.Equal(base.Add(time.Second)) || got[1].Kind != identity.TombstoneRecord {
			t.Fatalf("tombstone h1 = %+v; want the first one kept", got[1])
		}
		mine, err := s.CustomerTombstones(ctx, c1)
		if err != nil || len(mine) != 2 || mine[0].Hash != "h1" || mine[1].Hash != "h2" {
			t.Fatalf("CustomerTombstones = %+v, %v; want h1, h2 sorted", mine, err)
		}
	})

	t.Run("ApplyRefusesErased", func(t *testing.T) {
		s := newStore(t)
		seed(t, s)
		c3 := id("erasecust", 3)
		k3 := identity.Key{Kind: identity.KindDevice, Token: "tok-3"}
		k4 := identity.Key{Kind: identity.KindMemberID, Token: "tok-4"}
		if err := s.PutTombstones(ctx, []identity.Tombstone{
			ts(identity.TombstoneHash(identity.TombstoneRecord, "gone"), identity.TombstoneRecord, c3, 0),
			ts(identity.KeyTombstoneHash(k3), identity.TombstoneKey, c3, 0),
			// A record id's hash under the key kind must not block it.
			ts(identity.TombstoneHash(identity.TombstoneKey, "fresh"), identity.TombstoneKey, c3, 0),
		}); err != nil {
			t.Fatal(err)
		}
		keys := []identity.Key{k1, k2, k3, k4}
		custs := []uuid.UUID{c1, c2, c3}
		rids := []string{"a", "b", "c", "gone", "fresh", "late"}
		type snap struct {
			tokens []identity.TokenEntry
			custs  []identity.CustomerEntry
			recs   []identity.StoredRecord
		}
		read := func() snap {
			t.Helper()
			es, err1 := s.IdentityTokens(ctx, keys)
			cs, err2 := s.IdentityCustomers(ctx, custs)
			rs, err3 := s.IdentityRecords(ctx, rids)
			if err := errors.Join(err1, err2, err3); err != nil {
				t.Fatal(err)
			}
			return snap{es, cs, rs}
		}
		same := func(a, b snap) bool {
			if len(a.tokens) != len(b.tokens) || len(a.custs) != len(b.custs) || len(a.recs) != len(b.recs) {
				return false
			}
			for i := range a.tokens {
				if !slices.Equal(a.tokens[i].Records, b.tokens[i].Records) || a.tokens[i].Version != b.tokens[i].Version {
					return false
				}
			}
			for i := range a.custs {
				if !slices.Equal(a.custs[i].Records, b.custs[i].Records) || a.custs[i].Version != b.custs[i].Version {
					return false
				}
			}
			for i := range a.recs {
				if a.recs[i].ID != b.recs[i].ID || a.recs[i].CustomerID != b.recs[i].CustomerID {
					return false
				}
			}
			return true
		}
		ev := identity.Event{ID: id("eraseevent", 1), Kind: identity.EventManualMerge, At: base,
			After: []identity.CustomerEntry{{ID: c3, Records: []string{"fresh"}}}}
		refused := []struct {
			name string
			recs []identity.StoredRecord
		}{
			{"record id", []identity.StoredRecord{rec("gone", c3, k4)}},
			{"linking key", []identity.StoredRecord{rec("fresh", c3, k4, k3)}},
			// One refused record refuses the whole change: the move of a
			// and the fine record are not written either.
			{"with others", []identity.StoredRecord{rec("a", c2, k1), rec("fresh", c3, k4), rec("late", c3, k3)}},
		}
		for _, tc := range refused {
			before := read()
			err := s.ApplyIdentity(ctx, identity.Change{RefuseErased: true, Records: tc.recs, Events: []identity.Event{ev}})
			if !errors.Is(err, identity.ErrErased) || errors.Is(err, identity.ErrConflict) {
				t.Fatalf("%s: ApplyIdentity(RefuseErased) = %v; want ErrErased (not ErrConflict)", tc.name, err)
			}
			for _, leak := range []string{"gone", "fresh", "late", k3.Token, k4.Token} {
				if strings.Contains(err.Error(), leak) {
					t.Fatalf("%s: error %q names an id or a token", tc.name, err)
				}
			}
			if !same(before, read()) {
				t.Fatalf("%s: a refused change wrote: before %+v, after %+v", tc.name, before, read())
			}
			if _, err := s.IdentityEvent(ctx, ev.ID); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("%s: a refused change appended its event (%v)", tc.name, err)
			}
		}
		// A shared key that is not tombstoned does not block, and the
		// key-kind hash of a record id is not a record tombstone.
		if err := s.ApplyIdentity(ctx, identity.Change{RefuseErased: true, Records: []identity.StoredRecord{rec("fresh", c3, k1, k4)}}); err != nil {
			t.Fatalf("ApplyIdentity(RefuseErased) of a record with no tombstone: %v", err)
		}
		if es, _ := s.IdentityTokens(ctx, []identity.Key{k1}); !slices.Equal(es[0].Records, []string{"a", "b", "fresh"}) {
			t.Fatalf("token records = %v; want [a b fresh]", es[0].Records)
		}
		// Without the flag the tombstones do not apply.
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{rec("gone", c3, k3)}}); err != nil {
			t.Fatalf("ApplyIdentity without RefuseErased: %v; want it written", err)
		}
		if rs, _ := s.IdentityRecords(ctx, []string{"gone"}); len(rs) != 1 || rs[0].CustomerID != c3 {
			t.Fatal("ApplyIdentity without RefuseErased did not write the record")
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		seed(t, s)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.PutTombstones(cctx, []identity.Tombstone{ts("h", identity.TombstoneKey, c1, 0)}); !errors.Is(err, context.Canceled) {
			t.Fatalf("PutTombstones(cancelled) = %v", err)
		}
		if err := s.DeleteIdentityRecords(cctx, []string{"a"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("DeleteIdentityRecords(cancelled) = %v", err)
		}
		if got, _ := s.Tombstones(ctx, []string{"h"}); len(got) != 0 {
			t.Fatal("cancelled PutTombstones wrote")
		}
		if rs, _ := s.IdentityRecords(ctx, []string{"a"}); len(rs) != 1 {
			t.Fatal("cancelled DeleteIdentityRecords deleted")
		}
	})
}
