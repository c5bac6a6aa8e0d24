package customer_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

func TestEraseDestroysAndBlocksResurrection(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	rc, err := fx.rights.Erase(ctx, fx.a, "ticket DSR-1")
	if err != nil {
		t.Fatal(err)
	}
	want := customer.ErasureReceipt{CustomerID: fx.a, FormerIDs: []uuid.UUID{fx.f}, ErasedAt: rightsT0.Add(24 * time.Hour),
		KeyShredded: true, KeyVersions: []uint32{1}, SourceRecords: 3, IdentifierTokens: 2, ProfileDeleted: true,
		Orders: 2, Payments: 1, Tickets: 1, Feedback: 1, Events: 1, ActivityRedacted: true}
	if !reflect.DeepEqual(rc, want) {
		t.Fatalf("receipt\n got %+v\nwant %+v", rc, want)
	}
	s := fx.snapshot(t, rc)
	if s.Opens {
		t.Fatal("sealed value still opens after erasure")
	}
	if _, err := fx.vault.Open(ctx, sealAD(fx.a), fx.sealed); !errors.Is(err, privacy.ErrShredded) {
		t.Fatalf("Open after erasure: %v; want ErrShredded", err)
	}
	for _, id := range []uuid.UUID{fx.a, fx.f} {
		if _, err := fx.svc.Get(ctx, id); !errors.Is(err, customer.ErrNotFound) {
			t.Fatalf("profile %v still there: %v", id, err)
		}
	}
	if len(s.Tags[0]) != 0 || len(s.Tags[1]) != 0 || len(s.Tags[2]) != 1 {
		t.Fatalf("tags after erasure: %d, %d, %d; want 0, 0 and the bystander's 1", len(s.Tags[0]), len(s.Tags[1]), len(s.Tags[2]))
	}
	if len(s.Records) != 1 || s.Records[0].ID != "app:9" {
		t.Fatalf("identity records left: %d; want only the bystander's", len(s.Records))
	}
	if _, err := fx.svc.Lookup(ctx, identity.KindPhone, "13812345678"); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("Lookup of erased phone: %v; want ErrNotFound", err)
	}
	// Free text is gone from what is kept.
	for _, o := range s.Orders {
		for _, h := range o.History {
			if h.Note != "" && o.CustomerID != fx.b {
				t.Fatalf("order note kept: %q", h.Note)
			}
		}
	}
	if s.Tickets[0].Resolution != "" || s.Tickets[0].History[len(s.Tickets[0].History)-1].Note != "" {
		t.Fatal("ticket free text kept")
	}
	if s.Events[0].Keyword != "" || s.Events[0].Properties != nil || s.Feedback[0].Comment != "" || s.Feedback[0].NPS != 9 {
		t.Fatalf("event/feedback not de-identified as documented: %+v %+v", s.Events[0], s.Feedback[0])
	}
	// No tombstone holds plaintext or a raw token.
	for _, ts := range s.Tombstones {
		if len(ts.Hash) != 64 || ts.Customer != fx.a {
			t.Fatalf("tombstone %+v", ts)
		}
	}
	// Re-ingesting an old record, or a new record with an erased phone, is
	// refused with a typed error that names no value.
	for _, src := range []customer.SourceRecord{
		{ID: "app:1", Channel: customer.ChannelApp, At: rightsT0, Name: "张三", Phone: "13812345678"},
		{ID: "new:1", Channel: customer.ChannelApp, Phone: "+86 138 1234 5678"},
		{ID: "new:2", Channel: customer.ChannelWeb, Email: "zhangsan@qq.com", Device: "dev-1"},
	} {
		_, err := fx.svc.Ingest(ctx, src)
		if !errors.Is(err, identity.ErrErased) {
			t.Fatalf("ingest %s after erasure: %v; want ErrErased", src.ID, err)
		}
		if strings.Contains(err.Error(), "138") || strings.Contains(err.Error(), "qq") {
			t.Fatalf("error leaks a value: %v", err)
		}
	}
	batch := []customer.SourceRecord{
		{ID: "pos:3", Channel: customer.ChannelStorePOS, Phone: "13812345678"},
		{ID: "other:1", Channel: customer.ChannelApp, Phone: "13700002222"},
	}
	rep, err := fx.svc.IngestBatch(ctx, func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range batch {
			if !yield(r, nil) {
				return
			}
		}
	}, nil)
	if err != nil || rep.Created != 1 || len(rep.Failures) != 1 || !errors.Is(rep.Failures[0].Err, identity.ErrErased) || rep.Failures[0].RecordID != "pos:3" {
		t.Fatalf("batch = %+v, %v; want the erased record kept as a failure", rep, err)
	}
	// The bystander is untouched.
	if c, err := fx.svc.Lookup(ctx, identity.KindPhone, "13900001111"); err != nil || c.ID != fx.b {
		t.Fatalf("bystander lookup: %v %v", c.ID, err)
	}
	if len(fx.aud.entries) != 1 || fx.aud.entries[0].Action != audit.ActionErasure || fx.aud.entries[0].Subject != fx.a.String() ||
		fx.aud.entries[0].Actor != "dpo-1" || fx.aud.entries[0].Outcome != audit.OutcomeAllowed {
		t.Fatalf("audit entries %+v", fx.aud.entries)
	}
	// Idempotent: the same receipt again.
	rc2, err := fx.rights.Erase(ctx, fx.a, "ticket DSR-1 again")
	if err != nil || !reflect.DeepEqual(rc2, rc) {
		t.Fatalf("second erase = %+v, %v; want the first receipt", rc2, err)
	}
	if !reflect.DeepEqual(fx.snapshot(t, rc2), s) {
		t.Fatal("second erase changed the state")
	}
	// Erasing by the former id answers with the survivor's erasure.
	rc3, err := fx.rights.Erase(ctx, fx.f, "ticket DSR-1 by old id")
	if err != nil || !reflect.DeepEqual(rc3, rc) {
		t.Fatalf("erase by former id = %+v, %v; want the first receipt", rc3, err)
	}
}

func TestEraseUnknownCustomer(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	unknown := uuid.NewSHA1(uuid.NameSpaceOID, []byte("nobody"))
	_, err := fx.rights.Erase(ctx, unknown, "ticket DSR-2")
	if !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("erase unknown: %v; want ErrNotFound", err)
	}
	if len(fx.aud.entries) != 1 || fx.aud.entries[0].Outcome != audit.OutcomeDenied || fx.aud.entries[0].Denial != "not_found" {
		t.Fatalf("audit %+v; want one denial", fx.aud.entries)
	}
	if _, err := fx.rights.Erase(ctx, fx.a, ""); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("erase without reason: %v; want ErrInvalid", err)
	}
	if _, err := fx.svc.Get(ctx, fx.a); err != nil {
		t.Fatal("a refused erasure changed something")
	}
}

func TestEraseProfileWithoutIdentity(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	c, err := fx.svc.Create(ctx, customer.Customer{Name: "王五"})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := fx.rights.Erase(ctx, c.ID, "DSR-3")
	if err != nil || !rc.ProfileDeleted || rc.SourceRecords != 0 {
		t.Fatalf("erase profile-only: %+v %v", rc, err)
	}
	if _, err := fx.svc.Get(ctx, c.ID); !errors.Is(err, customer.ErrNotFound) {
		t.Fatal("profile kept")
	}
	rc2, err := fx.rights.Erase(ctx, c.ID, "DSR-3")
	if err != nil || !reflect.DeepEqual(rc, rc2) {
		t.Fatalf("second erase: %+v %v", rc2, err)
	}
}

// TestEraseResumesAfterFailureAtEveryStep fails the n-th store, shredder
// or audit call of an erasure for every n until one runs clean; each time
// a retry must succeed and leave exactly the state of an erasure that
// never failed.
func TestEraseResumesAfterFailureAtEveryStep(t *testing.T) {
	ctx := context.Background()
	ref := newFixture(t)
	rc, err := ref.rights.Erase(ctx, ref.a, "DSR-4")
	if err != nil {
		t.Fatal(err)
	}
	want := ref.snapshot(t, rc)
	steps := map[string]bool{}
	for n := 1; ; n++ {
		fx := newFixture(t)
		fx.st.arm(n)
		_, err := fx.rights.Erase(ctx, fx.a, "DSR-4")
		failedAt := fx.st.steps[len(fx.st.steps)-1]
		fx.st.arm(0)
		if err == nil {
			if n < 10 {
				t.Fatalf("erasure finished after %d calls; the fault injection does not reach it", n)
			}
			t.Logf("failed each of %d calls in turn; every retry converged", n-1)
			break
		}
		if !errors.Is(err, errInjected) {
			t.Fatalf("n=%d: error %v does not wrap the injected failure", n, err)
		}
		steps[strings.SplitN(failedAt, ":", 2)[0]] = true
		rc2, err := fx.rights.Erase(ctx, fx.a, "DSR-4")
		if err != nil {
			t.Fatalf("n=%d (failed at %s): retry: %v", n, failedAt, err)
		}
		if got := fx.snapshot(t, rc2); !reflect.DeepEqual(got, want) {
			t.Fatalf("n=%d (failed at %s): state after retry differs\n got %+v\nwant %+v", n, failedAt, got, want)
		}
	}
	for _, s := range []string{"PutTombstones", "DeleteIdentityRecords", "Shred", "DeleteCustomer", "UpdateOrder", "UpdateTicket", "RedactActivity", "RemoveTag", "Audit"} {
		if !steps[s] {
			t.Errorf("no failure was injected at %s", s)
		}
	}
}
