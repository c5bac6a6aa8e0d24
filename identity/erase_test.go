package identity_test

import (
	"context"
	"errors"
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
