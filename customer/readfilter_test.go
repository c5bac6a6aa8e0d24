package customer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/access"
	"github.com/cimkit/cimkit/privacy/audit"
)

type memAuditor struct{ entries []audit.Entry }

func (m *memAuditor) Append(ctx context.Context, e audit.Entry) (uint64, error) {
	m.entries = append(m.entries, e)
	return uint64(len(m.entries) - 1), nil
}

func TestReadFilterMasksPerPurpose(t *testing.T) {
	ctx := context.Background()
	rec := &memAuditor{}
	g, err := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: rec, PseudonymKey: bytes.Repeat([]byte{3}, 32), Now: func() time.Time { return rightsT0 }})
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	plain := customer.New(st, &customer.Options{Now: func() time.Time { return rightsT0 }})
	masked := customer.New(st, &customer.Options{Now: func() time.Time { return rightsT0 }, ReadFilter: g})
	in, err := plain.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, At: rightsT0, Name: "张三丰", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	id := in.CustomerID
	// Without the hook nothing changes, with or without an actor.
	c, err := plain.Get(ctx, id)
	if err != nil || c.Phones[0].Value != "+8613812345678" || c.Name != "张三丰" {
		t.Fatalf("unfiltered get: %v", err)
	}
	// With the hook a read needs an actor and purpose.
	if _, err := masked.Get(ctx, id); !errors.Is(err, access.ErrNoActor) {
		t.Fatalf("filtered get without actor: %v; want ErrNoActor", err)
	}
	agent := access.WithActor(ctx, access.Actor{ID: "agent-7", Role: "service_agent"}, access.PurposeService)
	mk := access.WithActor(ctx, access.Actor{ID: "mkt-1", Role: "marketing"}, access.PurposeMarketing)
	checks := []struct {
		name string
		get  func(context.Context) (customer.Customer, error)
	}{
		{"Get", func(ctx context.Context) (customer.Customer, error) { return masked.Get(ctx, id) }},
		{"View", func(ctx context.Context) (customer.Customer, error) {
			v, err := masked.View(ctx, id, nil)
			return v.Profile, err
		}},
		{"Lookup", func(ctx context.Context) (customer.Customer, error) {
			return masked.Lookup(ctx, identity.KindPhone, "13812345678")
		}},
		{"Customers", func(ctx context.Context) (customer.Customer, error) {
			for c, err := range masked.Customers(ctx) {
				return c, err
			}
			return customer.Customer{}, errors.New("no customer")
		}},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			c, err := ch.get(agent)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Phones) != 1 || c.Phones[0].Value == "+8613812345678" || !strings.Contains(c.Phones[0].Value, "5678") {
				t.Fatalf("service agent phone not masked as the policy says: %d phones", len(c.Phones))
			}
			if c.ID != id {
				t.Fatal("service agent should see the id")
			}
			c, err = ch.get(mk)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Phones) != 0 || c.Name != "" {
				t.Fatal("marketing sees contact details")
			}
		})
	}
	// Modify writes back the stored, unmasked profile.
	if m, err := masked.Modify(mk, id, func(c *customer.Customer) error { c.Points = 7; return nil }); err != nil || len(m.Phones) != 0 {
		t.Fatalf("Modify returns the profile unmasked or fails: %v", err)
	}
	c, _ = plain.Get(ctx, id)
	if c.Points != 7 || c.Phones[0].Value != "+8613812345678" || c.Name != "张三丰" {
		t.Fatal("Modify through a filtered Service corrupted the profile")
	}
	// Reveal stays the Guard's audited call.
	stored, _ := plain.Get(ctx, id)
	r, err := g.Reveal(agent, stored, access.GroupContact, "customer called about order")
	if err != nil || r.Phones[0].Value != "+8613812345678" {
		t.Fatalf("reveal: %v", err)
	}
	if len(rec.entries) == 0 || rec.entries[len(rec.entries)-1].Action != audit.ActionReveal {
		t.Fatal("reveal not audited")
	}
}

// With a ReadFilter that is also a ViewFilter (*access.Guard), View filters
// the events, tickets and feedback too: marketing sees behaviour without
// its free text, a service agent sees the ticket notes.
func TestViewFilteredPerPurpose(t *testing.T) {
	ctx := context.Background()
	g, err := access.NewGuard(access.ExamplePolicy(), access.Options{Audit: &memAuditor{}, PseudonymKey: bytes.Repeat([]byte{3}, 32), Now: func() time.Time { return rightsT0 }})
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	plain := customer.New(st, &customer.Options{Now: func() time.Time { return rightsT0 }})
	masked := customer.New(st, &customer.Options{Now: func() time.Time { return rightsT0 }, ReadFilter: g})
	in, err := plain.Ingest(ctx, customer.SourceRecord{ID: "app:1", Channel: customer.ChannelApp, At: rightsT0, Name: "张三丰", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	id := in.CustomerID
	if _, err := plain.RecordEvents(ctx, customer.Event{CustomerID: id, Type: customer.EventSearch, Channel: customer.ChannelApp, At: rightsT0,
		Keyword: "search-secret", Properties: map[string]string{"note": "property-secret"}}); err != nil {
		t.Fatal(err)
	}
	tk, err := plain.OpenTicket(ctx, customer.Ticket{CustomerID: id, Channel: customer.ChannelCallCentre, Category: "delivery_late"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{Status: customer.TicketPending, Note: "ticket-secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.RecordFeedback(ctx, customer.Feedback{CustomerID: id, Channel: customer.ChannelApp, NPS: 4, Comment: "comment-secret", At: rightsT0}); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"search-secret", "property-secret", "ticket-secret", "comment-secret", "张三丰", "13812345678"}
	asJSON := func(v customer.View) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	full, err := plain.View(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if !strings.Contains(asJSON(full), s) {
			t.Fatalf("the unfiltered view lacks a value it should hold")
		}
	}
	if _, err := masked.View(ctx, id, nil); !errors.Is(err, access.ErrNoActor) {
		t.Fatalf("filtered view without an actor: %v; want ErrNoActor", err)
	}
	mk, err := masked.View(access.WithActor(ctx, access.Actor{ID: "mkt-1", Role: "marketing"}, access.PurposeMarketing), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	js := asJSON(mk)
	for _, s := range secrets {
		if strings.Contains(js, s) {
			t.Errorf("marketing's view leaks a value (%d of %d)", slices.Index(secrets, s)+1, len(secrets))
		}
	}
	if len(mk.RecentEvents) != 1 || mk.RecentEvents[0].Type != customer.EventSearch || len(mk.OpenTickets) != 1 || mk.LatestNPS == nil || mk.LatestNPS.NPS != 4 {
		t.Fatal("marketing's view lost the interactions' kinds and scores")
	}
	if mk.Orders.Count != 0 || mk.OpenTickets[0].CustomerID != id {
		t.Fatal("marketing's view: orders must be hidden, ids kept (plain pseudonymous_id in the example policy)")
	}
	agent, err := masked.View(access.WithActor(ctx, access.Actor{ID: "agent-7", Role: "service_agent"}, access.PurposeService), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	js = asJSON(agent)
	if !strings.Contains(js, "ticket-secret") || !strings.Contains(js, "comment-secret") || strings.Contains(js, "13812345678") {
		t.Fatal("service agent: ticket notes and comments in full, phone masked")
	}
}
