package retention_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/access"
	"github.com/cimkit/cimkit/privacy/retention"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var now = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func uid(kind string, n int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "retention-test/%s/%d", kind, n))
}

// world fills a store with seeded random data and returns the counts an
// independent, direct computation over the generated records expects.
func world(t *testing.T, seed uint64, p retention.Policy) (*memstore.Store, retention.Report) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 99))
	s := memstore.New()
	want := retention.Report{}
	evCut := now.AddDate(0, 0, -p.EventMaxAgeDays)
	custCut := now.AddDate(-p.CustomerInactiveYears, 0, 0)
	tkCut := now.AddDate(0, -p.TicketAfterMonths, 0)
	ago := func() time.Time { return now.Add(-time.Duration(rng.Int64N(int64(8 * 365 * 24 * time.Hour)))) }
	nEv, nOr, nTk := 0, 0, 0
	for i := range 60 {
		created := ago()
		c := customer.Customer{ID: uid("c", i), CreatedAt: created, UpdatedAt: created, Version: 1}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		last := created
		var evs []customer.Event
		for range rng.IntN(6) {
			at := ago()
			evs = append(evs, customer.Event{ID: uid("e", nEv), CustomerID: c.ID, Type: customer.EventView, At: at})
			nEv++
			want.Events++
			if p.EventMaxAgeDays > 0 && at.Before(evCut) {
				want.ExpiredEvents++
			}
			last = maxT(last, at)
		}
		if err := s.AppendEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		for range rng.IntN(3) {
			at := ago()
			o := customer.Order{ID: uid("o", nOr), CustomerID: c.ID, PlacedAt: at, Total: decimal.Zero, Version: 1}
			nOr++
			if err := s.CreateOrder(ctx, o); err != nil {
				t.Fatal(err)
			}
			last = maxT(last, at)
		}
		for range rng.IntN(3) {
			st := []customer.TicketStatus{customer.TicketOpen, customer.TicketPending, customer.TicketResolved, customer.TicketClosed}[rng.IntN(4)]
			at := ago()
			tk := customer.Ticket{ID: uid("t", nTk), CustomerID: c.ID, Status: st, OpenedAt: at, UpdatedAt: at, Version: 1}
			nTk++
			if err := s.CreateTicket(ctx, tk); err != nil {
				t.Fatal(err)
			}
			want.Tickets++
			if p.TicketAfterMonths > 0 && (st == customer.TicketResolved || st == customer.TicketClosed) && at.Before(tkCut) {
				want.ExpiredTickets++
			}
			last = maxT(last, at)
		}
		want.Customers++
		if p.CustomerInactiveYears > 0 && last.Before(custCut) {
			want.InactiveCustomers++
		}
	}
	return s, want
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func TestDryRunMatchesDirectCount(t *testing.T) {
	policies := []retention.Policy{
		{Version: "a", EventMaxAgeDays: 365, CustomerInactiveYears: 3, TicketAfterMonths: 24},
		{Version: "b", EventMaxAgeDays: 30, CustomerInactiveYears: 1, TicketAfterMonths: 1},
		{Version: "keep-all"},
	}
	for i, p := range policies {
		t.Run(p.Version, func(t *testing.T) {
			s, want := world(t, uint64(i+1), p)
			got, err := retention.DryRun(context.Background(), s, p, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Customers != want.Customers || got.InactiveCustomers != want.InactiveCustomers ||
				got.Events != want.Events || got.ExpiredEvents != want.ExpiredEvents ||
				got.Tickets != want.Tickets || got.ExpiredTickets != want.ExpiredTickets {
				t.Fatalf("dry run %+v\nwant     %+v", got, want)
			}
			if p.EventMaxAgeDays > 0 && (got.ExpiredEvents == 0 || got.ExpiredEvents == got.Events) {
				t.Fatalf("degenerate data: %d of %d events expire", got.ExpiredEvents, got.Events)
			}
			// A dry run deletes nothing.
			again, _ := retention.DryRun(context.Background(), s, p, now)
			if again != got {
				t.Fatal("second dry run differs: the first one changed the store")
			}
		})
	}
}

func TestPolicyErrors(t *testing.T) {
	for name, js := range map[string]string{
		"malformed":        `{`,
		"unknown field":    `{"version":"v","keep_forever":true}`,
		"no version":       `{"event_max_age_days":3}`,
		"negative days":    `{"version":"v","event_max_age_days":-1}`,
		"absurd years":     `{"version":"v","customer_inactive_years":1000}`,
		"negative months":  `{"version":"v","ticket_after_months":-2}`,
		"string for count": `{"version":"v","ticket_after_months":"2"}`,
	} {
		if _, err := retention.ParsePolicy([]byte(js)); !errors.Is(err, retention.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := retention.DryRun(context.Background(), memstore.New(), retention.Policy{}, now); !errors.Is(err, retention.ErrInvalid) {
		t.Errorf("dry run with invalid policy: %v", err)
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"version":"r1","event_max_age_days":365,"customer_inactive_years":3,"ticket_after_months":24}`))
	f.Add([]byte(`{"version":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := retention.ParsePolicy(data)
		if err != nil {
			if !errors.Is(err, retention.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if _, err := retention.DryRun(context.Background(), memstore.New(), p, now); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRecordOfProcessing(t *testing.T) {
	rp := retention.Policy{Version: "r1", EventMaxAgeDays: 365, CustomerInactiveYears: 3}
	r := retention.RecordOfProcessing(access.ExamplePolicy(), rp)
	for _, a := range r.Access {
		if a.Role == "marketing" && (a.Group == access.GroupContact || a.Group == access.GroupAddress) {
			t.Fatalf("record says marketing sees %s", a.Group)
		}
		if a.Role == "analyst" && a.Group == access.GroupPseudonymousID && a.View != access.ViewPseudonymous {
			t.Fatal("record says analysts see real ids")
		}
	}
	found := false
	for _, a := range r.Access {
		if a.Role == "service_agent" && a.Purpose == access.PurposeService && a.Group == access.GroupContact && a.View == access.ViewMasked && a.Reveal {
			found = true
		}
	}
	if !found {
		t.Fatal("record misses the service agent's masked contact with reveal")
	}
	var md strings.Builder
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| service_agent | service | contact | masked | yes |",
		"| sensitive_pi | yes |",
		"| behaviour events | 365 days after the event | delete |",
		"| resolved or closed service tickets | kept (no limit set) | delete |",
		"| derived_scores | tag, segment and score attributes | score:, segment:, tag: |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	js1, _ := json.Marshal(r)
	js2, _ := json.Marshal(retention.RecordOfProcessing(access.ExamplePolicy(), rp))
	if string(js1) != string(js2) {
		t.Fatal("record is not deterministic")
	}
}

func ExampleDryRun() {
	ctx := context.Background()
	s := memstore.New()
	id := uid("c", 1)
	s.CreateCustomer(ctx, customer.Customer{ID: id, CreatedAt: now.AddDate(-5, 0, 0), UpdatedAt: now.AddDate(-5, 0, 0), Version: 1})
	s.AppendEvents(ctx, []customer.Event{
		{ID: uid("e", 1), CustomerID: id, Type: customer.EventView, At: now.AddDate(-4, 0, 0)},
		{ID: uid("e", 2), CustomerID: id, Type: customer.EventView, At: now.AddDate(0, -1, 0)},
	})
	p, _ := retention.ParsePolicy([]byte(`{"version":"r1","event_max_age_days":365,"customer_inactive_years":3}`))
	r, _ := retention.DryRun(ctx, s, p, now)
	fmt.Printf("events %d of %d would go; inactive customers %d of %d\n", r.ExpiredEvents, r.Events, r.InactiveCustomers, r.Customers)
	// Output: events 1 of 2 would go; inactive customers 0 of 1
}
