package customer_test

import (
	"bytes"
	"context"
	"errors"
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
