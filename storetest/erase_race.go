package storetest

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
	"github.com/google/uuid"
)

// ErasableStore is a store a customer.Service can erase people from: the
// customer tables and identity with tombstones.
type ErasableStore interface {
	customer.Store
	identity.EraseStore
}

// RunEraseRace checks, through customer.Service, that an erasure is safe
// against concurrent ingest: one goroutine erases a person while four keep
// ingesting records that carry the person's phone or device (new record
// ids) and re-ingesting the erased records, each ingest continuing for
// after more records once the erasure returned. Afterwards no record
// holds any of the person's tokens, none of the person's records is
// stored, a lookup finds nobody, only a bystander's profile is left, and
// every ingest that failed failed with identity.ErrErased. The store's
// identity reads yield to other goroutines first, so the two sides
// interleave in many ways.
//
// This needs ApplyIdentity to honour identity.Change.RefuseErased
// atomically; run it several times (-count) to catch a rare interleaving.
func RunEraseRace(t *testing.T, st ErasableStore, after int) {
	ctx := context.Background()
	t0 := base
	var n atomic.Int64
	svc := customer.New(yielding{st}, &customer.Options{
		Now:   func() time.Time { return t0 },
		NewID: func() uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "race/%d", n.Add(1))) },
	})
	const phone, device = "13812345678", "dev-race-1"
	person := func(id string, i int) customer.SourceRecord {
		r := customer.SourceRecord{ID: id, Channel: customer.ChannelApp, At: t0.Add(time.Duration(i) * time.Minute)}
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
	bystander, err := svc.Ingest(ctx, customer.SourceRecord{ID: "b:1", Channel: customer.ChannelApp, At: t0, Phone: "13900001111", Device: "dev-other"})
	if err != nil {
		t.Fatal(err)
	}

	const workers = 4
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
				src := person(fmt.Sprintf("w%d:%d", w, i), i)
				if i%4 == 3 {
					src = person(erasedIDs[(i+w)%len(erasedIDs)], i) // an erased record again
				}
				_, err := svc.Ingest(ctx, src)
				mu.Lock()
				ingested = append(ingested, src.ID)
				switch {
				case err == nil:
				case errors.Is(err, identity.ErrErased):
					refused++
				case errors.Is(err, customer.ErrConflict) && !errors.Is(err, identity.ErrConflict):
					// The identity write was made; the profile update lost
					// to the other workers' updates of the same customer
					// more often than Service retries. Not a refusal: the
					// checks below still cover the record.
				default:
					t.Errorf("ingest %s failed with %v; want success or ErrErased", src.ID, err)
				}
				mu.Unlock()
			}
		}()
	}
	started.Wait()
	rc, err := customer.NewRights(svc, nil).Erase(ctx, a, "race test")
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

// yielding lets other goroutines run before every identity read (no
// sleeping: it only yields).
type yielding struct{ ErasableStore }

func (s yielding) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	runtime.Gosched()
	return s.ErasableStore.IdentityTokens(ctx, keys)
}

func (s yielding) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	runtime.Gosched()
	return s.ErasableStore.IdentityCustomers(ctx, ids)
}

func (s yielding) IdentityRecords(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	runtime.Gosched()
	return s.ErasableStore.IdentityRecords(ctx, ids)
}
