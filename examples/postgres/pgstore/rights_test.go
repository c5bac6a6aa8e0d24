package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/examples/postgres/pgstore"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
)

// TestEraseOnPostgres erases an ingested person on PostgreSQL: the profile
// and identity records go, free text of their events is cleared, and
// re-ingesting their records is refused.
func TestEraseOnPostgres(t *testing.T) {
	ctx := context.Background()
	pool := freshPool(t)
	svc := customer.New(pgstore.New(pool), &customer.Options{Now: func() time.Time { return demo.Now }})
	ds, err := synth.Generate(synth.Config{Customers: 60, Orders: 1, Events: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var target customer.IngestResult
	var src customer.SourceRecord
	for _, r := range ds.Records {
		res, err := svc.Ingest(ctx, demo.SourceOf(r))
		if err == nil && target.CustomerID == [16]byte{} {
			target, src = res, demo.SourceOf(r)
		}
	}
	if _, err := svc.RecordEvents(ctx, customer.Event{CustomerID: target.CustomerID, Type: customer.EventSearch, Keyword: "三文鱼"}); err != nil {
		t.Fatal(err)
	}
	rights := customer.NewRights(svc, nil)
	rc, err := rights.Erase(ctx, target.CustomerID, "subject request")
	if err != nil {
		t.Fatal(err)
	}
	if !rc.ProfileDeleted {
		t.Fatal("receipt does not report the profile deleted")
	}
	if _, err := svc.Get(ctx, target.CustomerID); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("profile after erasure: %v", err)
	}
	for ev, err := range svc.Events(ctx, target.CustomerID) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Keyword != "" {
			t.Fatal("an erased customer's search keyword is still stored")
		}
	}
	if _, err := svc.Ingest(ctx, src); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("re-ingesting an erased record: %v, want identity.ErrErased", err)
	}
	again, err := rights.Erase(ctx, target.CustomerID, "subject request")
	if err != nil || !again.ErasedAt.Equal(rc.ErasedAt) {
		t.Fatalf("erasing again: %v (a second erasure must return the first receipt)", err)
	}
}
