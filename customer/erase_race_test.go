package customer_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// yieldingStore is memstore that lets other goroutines run before every
// identity read, so that erasure and ingest interleave in many more ways
// than on an idle scheduler (no sleeping: it only yields).
type yieldingStore struct{ *memstore.Store }

func (s yieldingStore) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	runtime.Gosched()
	return s.Store.IdentityTokens(ctx, keys)
}

func (s yieldingStore) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	runtime.Gosched()
	return s.Store.IdentityCustomers(ctx, ids)
}

func (s yieldingStore) IdentityRecords(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	runtime.Gosched()
	return s.Store.IdentityRecords(ctx, ids)
}

// TestEraseRacesIngest erases a person while several goroutines keep
// ingesting records that carry the person's phone or device (new record
// ids) and re-ingesting the erased records. Afterwards no customer may hold
// any of the person's tokens or record ids, every ingest that failed must
// have failed with ErrErased, and the bystander is untouched.
func TestEraseRacesIngest(t *testing.T) {
	ctx := context.Background()
	st := yieldingStore{memstore.New()}
	var n atomic.Int64
	svc := customer.New(st, &customer.Options{
		Now: func() time.Time { return rightsT0 },
		NewID: func() uuid.UUID {
			return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "race/%d", n.Add(1)))
		},
	})
	rights := customer.NewRights(svc, nil)
	const phone, device = "13812345678", "dev-race-1"
	person := func(id string, i int) customer.SourceRecord {
		r := customer.SourceRecord{ID: id, Channel: customer.ChannelApp, At: rightsT0.Add(time.Duration(i) * time.Minute)}
		switch i % 3 { // phone only, device only, both
		case 0:
			r.Phone = phone
		case 1:
			r.Device = device
		default:
			r.Phone, r.Device = phone, device
		}
		return r
	}
	var erasedIDs []string
	var a uuid.UUID
	for i := range 5 {
		id := fmt.Sprintf("a:%d", i)
		res, err := svc.Ingest(ctx, person(id, i+2)) // both first: one customer
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && res.CustomerID != a {
			t.Fatalf("seed record %d went to another customer", i)
		}
		a = res.CustomerID
		erasedIDs = append(erasedIDs, id)
	}
	bystander, err := svc.Ingest(ctx, customer.SourceRecord{ID: "b:1", Channel: customer.ChannelApp, At: rightsT0, Phone: "13900001111", Device: "dev-other"})
	if err != nil {
		t.Fatal(err)
	}

	const workers, after = 4, 20
	var (
		started  sync.WaitGroup // each worker has ingested a few records
		wg       sync.WaitGroup
		erased   = make(chan struct{})
		mu       sync.Mutex
		ingested []string // every record id a worker tried
		refused  int
	)
	started.Add(workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, left := false, after
			for i := 0; left > 0; i++ {
				if i == 3 {
					started.Done()
				}
				if !done {
					select {
					case <-erased:
						done = true
					default:
					}
				}
				if done {
					left--
				}
				var src customer.SourceRecord
				if i%4 == 3 {
					src = person(erasedIDs[(i+w)%len(erasedIDs)], i) // an erased record again
				} else {
					src = person(fmt.Sprintf("w%d:%d", w, i), i)
				}
				_, err := svc.Ingest(ctx, src)
				mu.Lock()
				ingested = append(ingested, src.ID)
				if err != nil {
					refused++
					if !errors.Is(err, identity.ErrErased) {
						t.Errorf("ingest %s failed with %v; want success or ErrErased", src.ID, err)
					}
				}
				mu.Unlock()
			}
		}()
	}
	started.Wait()
	rc, err := rights.Erase(ctx, a, "race test")
	close(erased)
	wg.Wait()
	if err != nil {
		t.Fatalf("Erase: %v", err)
	}
	if rc.CustomerID != a || rc.SourceRecords < len(erasedIDs) {
		t.Fatalf("receipt %+v; want customer %v and at least %d records", rc, a, len(erasedIDs))
	}
	if refused < workers*after/2 {
		t.Fatalf("only %d ingests refused; every ingest after the erasure carries the erased person", refused)
	}

	// Nobody holds the person's tokens or records.
	res := svc.Resolver()
	sr, _, _, err := res.Prepare(ctx, identity.Record{ID: "probe", Identifiers: []identity.Identifier{
		{Kind: identity.KindPhone, Value: phone}, {Kind: identity.KindDevice, Value: device}}})
	if err != nil || len(sr.Keys) != 2 {
		t.Fatalf("Prepare(probe) = %d keys, %v", len(sr.Keys), err)
	}
	es, err := st.IdentityTokens(ctx, sr.Keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if len(e.Records) > 0 {
			t.Fatalf("after the erasure, %d records hold the erased person's %s", len(e.Records), e.Key.Kind)
		}
	}
	slices.Sort(ingested)
	ingested = slices.Compact(ingested)
	if recs, err := st.IdentityRecords(ctx, append(ingested, erasedIDs...)); err != nil || len(recs) > 0 {
		t.Fatalf("after the erasure %d of the person's records are stored (%v)", len(recs), err)
	}
	for _, kind := range []identity.Kind{identity.KindPhone, identity.KindDevice} {
		v := phone
		if kind == identity.KindDevice {
			v = device
		}
		if _, err := svc.Lookup(ctx, kind, v); !errors.Is(err, customer.ErrNotFound) {
			t.Fatalf("Lookup(%s) after the erasure: %v; want ErrNotFound", kind, err)
		}
	}
	// Only the bystander is left, in identity and in profiles.
	var left []uuid.UUID
	for c, err := range svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, c.ID)
	}
	if !slices.Equal(left, []uuid.UUID{bystander.CustomerID}) {
		t.Fatalf("profiles left: %v; want only the bystander %v", left, bystander.CustomerID)
	}
	if recs, err := res.Records(ctx, bystander.CustomerID); err != nil || len(recs) != 1 || recs[0].ID != "b:1" {
		t.Fatalf("bystander's records: %d, %v", len(recs), err)
	}
	if ok, err := res.Tombstoned(ctx, a); err != nil || !ok {
		t.Fatalf("Tombstoned(erased) = %v, %v", ok, err)
	}
}

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
