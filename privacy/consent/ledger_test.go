package consent_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/google/uuid"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func seqIDs() func() uuid.UUID {
	n := 0
	return func() uuid.UUID {
		n++
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "consent-test/%d", n))
	}
}

func cust(n int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cust/%d", n)) }

func rec(at time.Time) consent.Record {
	return consent.Record{At: at, Channel: "app", PolicyVersion: "2026-01", Evidence: "form-1"}
}

type memAudit struct{ entries []audit.Entry }

func (m *memAudit) Append(_ context.Context, e audit.Entry) (uint64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	m.entries = append(m.entries, e)
	return uint64(len(m.entries) - 1), nil
}

func TestGrantWithdrawHistory(t *testing.T) {
	ctx := context.Background()
	rec0 := &memAudit{}
	l := consent.NewLedger(memstore.New(), consent.Options{NewID: seqIDs(), Now: func() time.Time { return t0 }, Audit: rec0})
	id := cust(1)
	steps := []struct {
		kind consent.Kind
		p    consent.Purpose
		want bool
	}{
		{consent.Grant, consent.MarketingSMS, true},
		{consent.Withdraw, consent.MarketingSMS, false},
		{consent.Grant, consent.MarketingSMS, true},
		{consent.Grant, consent.SensitivePI, true},
		{consent.Withdraw, consent.SensitivePI, false},
	}
	for i, s := range steps {
		at := t0.Add(time.Duration(i) * time.Hour)
		var err error
		if s.kind == consent.Grant {
			_, err = l.Grant(ctx, id, s.p, rec(at))
		} else {
			_, err = l.Withdraw(ctx, id, s.p, rec(at))
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Allowed(ctx, id, s.p)
		if err != nil || got != s.want {
			t.Fatalf("step %d: Allowed=%v, %v; want %v", i, got, err, s.want)
		}
	}
	h, err := l.History(ctx, id)
	if err != nil || len(h) != len(steps) {
		t.Fatalf("history has %d events, want %d (history lost?)", len(h), len(steps))
	}
	if len(rec0.entries) != len(steps) || rec0.entries[1].Action != audit.ActionConsentWithdraw ||
		rec0.entries[0].Subject != id.String() || rec0.entries[0].Purpose != "marketing_sms" {
		t.Fatalf("audit entries: %+v", rec0.entries)
	}
	// Purposes never touched are not allowed (opt-in), and another
	// customer's consent is separate.
	for _, p := range []consent.Purpose{consent.MarketingEmail, consent.Profiling, consent.CrossBorderTransfer} {
		if ok, err := l.Allowed(ctx, id, p); ok || err != nil {
			t.Fatalf("%s allowed without consent: %v", p, err)
		}
	}
	if ok, _ := l.Allowed(ctx, cust(2), consent.MarketingSMS); ok {
		t.Fatal("consent leaked to another customer")
	}
}

func TestLateArrivingEvent(t *testing.T) {
	ctx := context.Background()
	l := consent.NewLedger(memstore.New(), consent.Options{NewID: seqIDs()})
	id := cust(1)
	// A withdrawal made at 10:00 in store is recorded; a grant made at 09:00
	// in the app arrives later. The withdrawal, being later, decides.
	if _, err := l.Withdraw(ctx, id, consent.MarketingPush, rec(t0.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Grant(ctx, id, consent.MarketingPush, rec(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.Allowed(ctx, id, consent.MarketingPush); ok {
		t.Fatal("an older grant overrode a newer withdrawal")
	}
}

// TestDeriveMatchesReplay compares Derive with an independent oracle:
// replaying events sorted by time (stable, so append order breaks ties),
// and checks the result does not depend on append order when times differ.
func TestDeriveMatchesReplay(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	ps := consent.Purposes()
	for round := range 300 {
		n := rng.IntN(12)
		var evs []consent.Event
		for i := range n {
			k := consent.Grant
			if rng.IntN(2) == 0 {
				k = consent.Withdraw
			}
			evs = append(evs, consent.Event{ID: uuid.New(), CustomerID: cust(1), Purpose: ps[rng.IntN(3)], Kind: k,
				At: t0.Add(time.Duration(rng.IntN(5)) * time.Minute), Channel: "web", PolicyVersion: fmt.Sprint(i)})
		}
		// Oracle: for each purpose, the last event in a stable sort by At.
		want := map[consent.Purpose]bool{}
		for _, p := range ps {
			var best *consent.Event
			for i := range evs {
				e := &evs[i]
				if e.Purpose == p && (best == nil || !e.At.Before(best.At)) {
					best = e
				}
			}
			want[p] = best != nil && best.Kind == consent.Grant
		}
		for _, st := range consent.Derive(evs) {
			if st.Granted != want[st.Purpose] {
				t.Fatalf("round %d: %s derived %v, replay %v", round, st.Purpose, st.Granted, want[st.Purpose])
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	l := consent.NewLedger(memstore.New(), consent.Options{})
	id := cust(1)
	if _, err := l.Allowed(ctx, id, "telepathy"); !errors.Is(err, consent.ErrUnknownPurpose) {
		t.Errorf("Allowed unknown purpose: %v", err)
	}
	if _, err := l.Grant(ctx, id, "telepathy", rec(t0)); !errors.Is(err, consent.ErrUnknownPurpose) {
		t.Errorf("Grant unknown purpose: %v", err)
	}
	cases := map[string]consent.Record{
		"no channel":     {PolicyVersion: "v1"},
		"no policy":      {Channel: "app"},
		"huge evidence":  {Channel: "app", PolicyVersion: "v1", Evidence: string(make([]byte, 5000))},
		"bad utf8 actor": {Channel: "app", PolicyVersion: "v1", Actor: "\xff"},
	}
	for name, r := range cases {
		if _, err := l.Grant(ctx, id, consent.Profiling, r); !errors.Is(err, consent.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := l.Grant(ctx, uuid.Nil, consent.Profiling, rec(t0)); !errors.Is(err, consent.ErrInvalid) {
		t.Errorf("nil customer: %v", err)
	}
	if h, _ := l.History(ctx, id); len(h) != 0 {
		t.Fatal("a rejected event was stored")
	}
}

func TestChecker(t *testing.T) {
	ctx := context.Background()
	l := consent.NewLedger(memstore.New(), consent.Options{})
	id := cust(1)
	if _, err := l.Grant(ctx, id, consent.MarketingEmail, rec(t0)); err != nil {
		t.Fatal(err)
	}
	var c interface {
		Allowed(ctx context.Context, customerID string, purpose string) (bool, error)
	} = consent.Checker{Ledger: l}
	if ok, err := c.Allowed(ctx, id.String(), "marketing_email"); !ok || err != nil {
		t.Fatalf("granted purpose: %v %v", ok, err)
	}
	if ok, err := c.Allowed(ctx, id.String(), "marketing_sms"); ok || err != nil {
		t.Fatalf("other purpose: %v %v", ok, err)
	}
	if _, err := c.Allowed(ctx, "13800138000", "marketing_sms"); !errors.Is(err, consent.ErrInvalid) {
		t.Fatalf("bad id: %v", err)
	} else if fmt.Sprint(err) != "consent: customer_id: invalid: not a UUID" {
		t.Fatalf("error repeats the value: %v", err)
	}
	if _, err := c.Allowed(ctx, id.String(), "nope"); !errors.Is(err, consent.ErrUnknownPurpose) {
		t.Fatalf("bad purpose: %v", err)
	}
}

func TestAuditFailureStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	l := consent.NewLedger(s, consent.Options{Audit: failing{}})
	if _, err := l.Grant(ctx, cust(1), consent.Profiling, rec(t0)); err == nil {
		t.Fatal("grant succeeded although the audit log failed")
	}
	if h, _ := l.History(ctx, cust(1)); len(h) != 0 {
		t.Fatal("an unaudited change reached the ledger")
	}
}

type failing struct{}

func (failing) Append(context.Context, audit.Entry) (uint64, error) {
	return 0, errors.New("disk full")
}

func ExampleLedger() {
	ctx := context.Background()
	l := consent.NewLedger(memstore.New(), consent.Options{})
	id := uuid.MustParse("7d444840-9dc0-11d1-b245-5ffdce74fad2")
	l.Grant(ctx, id, consent.MarketingSMS, consent.Record{At: t0, Channel: "app", PolicyVersion: "2026-01", Evidence: "checkbox-v3"})
	l.Withdraw(ctx, id, consent.MarketingSMS, consent.Record{At: t0.Add(time.Hour), Channel: "sms_reply", PolicyVersion: "2026-01", Evidence: "TD"})
	ok, _ := l.Allowed(ctx, id, consent.MarketingSMS)
	h, _ := l.History(ctx, id)
	fmt.Println("allowed:", ok, "events:", len(h))
	// Output: allowed: false events: 2
}
