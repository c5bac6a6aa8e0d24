package identity_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// lateArrival is a store in which a record joins the customer being
// erased right after the erasure deleted the records it had read.
type lateArrival struct {
	*memstore.Store
	late *identity.StoredRecord
}

func (s *lateArrival) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	if err := s.Store.DeleteIdentityRecords(ctx, ids); err != nil {
		return err
	}
	if s.late != nil {
		r := *s.late
		s.late = nil
		return s.Store.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}})
	}
	return nil
}

func TestEraseIdentityCatchesLateRecords(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &lateArrival{Store: memstore.New()}
	r := identity.NewResolver(st, &identity.Options{Now: func() time.Time { return at }})
	res, err := r.Ingest(ctx, identity.Record{ID: "a", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "13812345678"}}})
	if err != nil {
		t.Fatal(err)
	}
	sr, _, _, err := r.Prepare(ctx, identity.Record{ID: "late", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindEmail, Value: "late@qq.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	sr.CustomerID = res.CustomerID
	st.late = &sr
	er, err := r.EraseIdentity(ctx, res.CustomerID, at)
	if err != nil {
		t.Fatal(err)
	}
	if er.Records != 2 || er.Keys != 2 {
		t.Fatalf("erasure %+v; want both records and both tokens", er)
	}
	if recs, _ := st.IdentityRecords(ctx, []string{"a", "late"}); len(recs) != 0 {
		t.Fatalf("%d records survive the erasure", len(recs))
	}
	if err := r.CheckErased(ctx, sr); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("CheckErased(late) = %v; want ErrErased", err)
	}
	if _, err := r.EraseIdentity(ctx, uuid.NewSHA1(uuid.NameSpaceOID, []byte("x")), at); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("erase unknown: %v", err)
	}
	if _, err := identity.NewResolver(identity.Store(nonErasing{st.Store}), nil).EraseIdentity(ctx, res.CustomerID, at); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("erase on a store without tombstones: %v; want ErrUnsupported", err)
	}
}

// nonErasing hides memstore's EraseStore methods.
type nonErasing struct{ identity.Store }

// tombstoneOnRead is memstore in which, once armed, an erasure's
// tombstones land right after the ingest has read its tokens (so after
// any check made before the write), and which counts ApplyIdentity calls.
type tombstoneOnRead struct {
	*memstore.Store
	arm     []identity.Tombstone
	applies int
}

func (s *tombstoneOnRead) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	es, err := s.Store.IdentityTokens(ctx, keys)
	if s.arm != nil {
		ts := s.arm
		s.arm = nil
		if err := s.Store.PutTombstones(ctx, ts); err != nil {
			return nil, err
		}
	}
	return es, err
}

func (s *tombstoneOnRead) ApplyIdentity(ctx context.Context, c identity.Change) error {
	s.applies++
	return s.Store.ApplyIdentity(ctx, c)
}

// TestIngestRefusedAtomically: a tombstone written between an ingest's
// reads and its write makes the write fail with ErrErased, on the
// new-customer path, the matched fast path and the general path alike,
// with no retry and nothing stored.
func TestIngestRefusedAtomically(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	phone := identity.Identifier{Kind: identity.KindPhone, Value: "13812345678"}
	for _, tc := range []struct {
		name        string
		held, fast  bool
		tombstoneID bool // the record id rather than the phone
	}{
		{"new customer", false, true, false},
		{"new customer, record id", false, true, true},
		{"matched fast path", true, true, false},
		{"general path", true, false, false},
		{"general path, record id", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &tombstoneOnRead{Store: memstore.New()}
			r := identity.NewResolver(st, nil)
			identity.SetFastMatch(r, tc.fast)
			if tc.held {
				if _, err := r.Ingest(ctx, identity.Record{ID: "old", At: at, Identifiers: []identity.Identifier{phone}}); err != nil {
					t.Fatal(err)
				}
			}
			rec := identity.Record{ID: "new", At: at.Add(time.Hour), Identifiers: []identity.Identifier{phone}}
			sr, _, _, err := r.Prepare(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			h := identity.KeyTombstoneHash(sr.Keys[0])
			if tc.tombstoneID {
				h = identity.TombstoneHash(identity.TombstoneRecord, "new")
			}
			st.arm, st.applies = []identity.Tombstone{{Hash: h, Kind: identity.TombstoneKey, At: at}}, 0
			if err := r.CheckErased(ctx, sr); err != nil {
				t.Fatalf("CheckErased before the tombstone: %v", err)
			}
			_, err = r.Ingest(ctx, rec)
			if !errors.Is(err, identity.ErrErased) {
				t.Fatalf("Ingest = %v; want ErrErased", err)
			}
			if st.applies != 1 {
				t.Fatalf("%d ApplyIdentity calls; want 1 (a refusal is not retried)", st.applies)
			}
			if recs, _ := st.IdentityRecords(ctx, []string{"new"}); len(recs) != 0 {
				t.Fatal("the refused record was stored")
			}
		})
	}
}

// TestEraseIdentityFuncBeforeDelete: beforeDelete sees each round's
// records after their tombstones and before their deletion; when it fails
// nothing is deleted and a retry passes the same records again.
func TestEraseIdentityFuncBeforeDelete(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := memstore.New()
	r := identity.NewResolver(st, nil)
	var cust uuid.UUID
	for i, id := range []string{"c", "a", "b"} {
		res, err := r.Ingest(ctx, identity.Record{ID: id, At: at.Add(time.Duration(i) * time.Hour),
			Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "13812345678"}}})
		if err != nil {
			t.Fatal(err)
		}
		cust = res.CustomerID
	}
	boom := errors.New("key service down")
	_, err := r.EraseIdentityFunc(ctx, cust, at, func(ctx context.Context, ids []string) error {
		if recs, _ := st.IdentityRecords(ctx, ids); len(recs) != 3 {
			t.Errorf("beforeDelete saw %d stored records; want 3 (not deleted yet)", len(recs))
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("EraseIdentityFunc = %v; want the hook's error", err)
	}
	if recs, _ := st.IdentityRecords(ctx, []string{"a", "b", "c"}); len(recs) != 3 {
		t.Fatalf("%d records left after a failed hook; want all 3", len(recs))
	}
	if _, err := r.Ingest(ctx, identity.Record{ID: "d", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "13812345678"}}}); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("ingest during the interrupted erasure: %v; want ErrErased (tombstones are in)", err)
	}
	var seen [][]string
	er, err := r.EraseIdentityFunc(ctx, cust, at, func(ctx context.Context, ids []string) error {
		seen = append(seen, ids)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !slices.Equal(seen[0], []string{"a", "b", "c"}) {
		t.Fatalf("beforeDelete saw %v; want one round [a b c]", seen)
	}
	again, err := r.EraseIdentity(ctx, cust, at)
	if err != nil || !reflect.DeepEqual(er, again) || er.Records != 3 || er.Keys != 1 {
		t.Fatalf("erasure %+v then %+v (%v); want equal, 3 records, 1 key", er, again, err)
	}
}

// deadlockOnce is memstore whose first DeleteIdentityRecords fails with
// ErrConflict, as a database does when it picks the erasure as a deadlock
// victim.
type deadlockOnce struct {
	*memstore.Store
	failed bool
}

func (s *deadlockOnce) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	if !s.failed {
		s.failed = true
		return fmt.Errorf("deadlock detected: %w", identity.ErrConflict)
	}
	return s.Store.DeleteIdentityRecords(ctx, ids)
}

// TestEraseIdentityRetriesConflicts: a round that fails with ErrConflict
// is run again rather than failing the erasure.
func TestEraseIdentityRetriesConflicts(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &deadlockOnce{Store: memstore.New()}
	r := identity.NewResolver(st, nil)
	res, err := r.Ingest(ctx, identity.Record{ID: "a", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "13812345678"}}})
	if err != nil {
		t.Fatal(err)
	}
	er, err := r.EraseIdentity(ctx, res.CustomerID, at)
	if err != nil || !st.failed || er.Records != 1 || er.Keys != 1 {
		t.Fatalf("EraseIdentity = %+v, %v (conflict injected: %v); want 1 record and 1 key erased", er, err, st.failed)
	}
	if recs, _ := st.IdentityRecords(ctx, []string{"a"}); len(recs) != 0 {
		t.Fatal("the record survived")
	}
}
