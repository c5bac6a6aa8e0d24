package customer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// TestSealedIngestStoreHoldsNoPII ingests the synthetic records through a
// sealing Service (clean → resolve → golden profile) and inspects
// everything memstore holds, identity source records included: no personal
// value may appear, and the golden profiles still read back.
func TestSealedIngestStoreHoldsNoPII(t *testing.T) {
	ctx := context.Background()
	ds := synthData(t)
	st := memstore.New()
	v := newVault(t, st, t.TempDir())
	svc := customer.New(st, sealedOptions(v))
	records := func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range ds.Records {
			if !yield(demo.SourceOf(r), nil) {
				return
			}
		}
	}
	rep, err := svc.IngestBatch(ctx, records, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created == 0 || rep.Matched == 0 {
		t.Fatalf("ingest did not create and match customers: %+v", rep)
	}
	all := dump(st).b.String()
	for _, n := range piiNeedles(ds) {
		if n.kind == "member id" || strings.Contains(n.value, "*") {
			continue // identifiers are stored as tokens; masked input is not personal data
		}
		if strings.Contains(all, n.value) {
			t.Fatalf("the store holds a %s in clear after a sealed ingest", n.kind)
		}
	}
	named := 0
	for c, err := range svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "" {
			named++
		}
	}
	if named == 0 {
		t.Fatal("golden profiles lost their names: sealed record fields were not opened")
	}
}

// TestEraseShredsRecordKeys erases a customer ingested through a sealing
// Service: the keys its source records were sealed under are destroyed too.
func TestEraseShredsRecordKeys(t *testing.T) {
	ctx := context.Background()
	ds := synthData(t)
	st := memstore.New()
	v := newVault(t, st, t.TempDir())
	svc := customer.New(st, sealedOptions(v))
	var target customer.IngestResult
	var recIDs []string
	for _, r := range ds.Records {
		res, err := svc.Ingest(ctx, demo.SourceOf(r))
		if err != nil {
			continue
		}
		if target.CustomerID == res.CustomerID || target.CustomerID == [16]byte{} {
			target = res
		}
	}
	recs, err := svc.Resolver().Records(ctx, target.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		recIDs = append(recIDs, r.ID)
	}
	rights := customer.NewRights(svc, &customer.RightsOptions{Shredder: v, Tenant: tenant})
	if _, err := rights.Erase(ctx, target.CustomerID, "subject request"); err != nil {
		t.Fatal(err)
	}
	for _, id := range recIDs {
		ad := customer.VaultAD(tenant, customer.RecordKeyID(id), "identity_record.name")
		if _, err := v.Seal(ctx, ad, []byte("x")); !errors.Is(err, privacy.ErrShredded) {
			t.Fatalf("record key of an erased customer's record still usable: %v", err)
		}
	}
}
