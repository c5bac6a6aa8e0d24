package customer_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// lateJoiner is memstore in which, once armed, a record of the person
// being erased is ingested right after the erasure's first read of the
// customer's records, so that it joins during the erasure.
type lateJoiner struct {
	*memstore.Store
	mu   sync.Mutex
	join func()
}

func (s *lateJoiner) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	out, err := s.Store.IdentityCustomers(ctx, ids)
	s.mu.Lock()
	join := s.join
	s.join = nil
	s.mu.Unlock()
	if join != nil {
		join()
	}
	return out, err
}

// TestEraseShredsLateJoinerKeys: with a Sealer, a record that joins the
// customer while it is being erased is deleted by a later erasure round,
// and the key its profile values were sealed under is shredded too.
func TestEraseShredsLateJoinerKeys(t *testing.T) {
	ctx := context.Background()
	st := &lateJoiner{Store: memstore.New()}
	v := newVault(t, st.Store, t.TempDir())
	svc := customer.New(st, sealedOptions(v))
	rights := customer.NewRights(svc, &customer.RightsOptions{Shredder: v, Tenant: tenant})
	first, err := svc.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, At: rightsT0, Name: "张三", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	var joined customer.IngestResult
	var joinErr error
	st.join = func() {
		joined, joinErr = svc.Ingest(ctx, customer.SourceRecord{ID: "web:2", Channel: customer.ChannelWeb, At: rightsT0.Add(time.Hour),
			Name: "张三", Phone: "138 1234 5678", Device: "dev-late"})
	}
	rc, err := rights.Erase(ctx, first.CustomerID, "subject request")
	if err != nil {
		t.Fatal(err)
	}
	if joinErr != nil || joined.CustomerID != first.CustomerID {
		t.Fatalf("late record: %v, %v; want it to join the customer being erased", joined.CustomerID, joinErr)
	}
	if rc.SourceRecords != 2 || rc.IdentifierTokens != 2 {
		t.Fatalf("receipt counts %d records, %d tokens; want 2 and 2 (the late record and its device included)", rc.SourceRecords, rc.IdentifierTokens)
	}
	for _, id := range []string{"app:1", "web:2"} {
		ad := customer.VaultAD(tenant, customer.RecordKeyID(id), "identity_record.name")
		if _, err := v.Seal(ctx, ad, []byte("x")); !errors.Is(err, privacy.ErrShredded) {
			t.Fatalf("record key of %s still usable after the erasure: %v", id, err)
		}
	}
	if recs, _ := st.IdentityRecords(ctx, []string{"app:1", "web:2"}); len(recs) != 0 {
		t.Fatalf("%d records left", len(recs))
	}
	if _, err := svc.Ingest(ctx, customer.SourceRecord{ID: "pos:3", Channel: customer.ChannelStorePOS, Device: "dev-late"}); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("ingest with the late record's device: %v; want ErrErased", err)
	}
}
