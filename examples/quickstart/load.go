package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// now is the quickstart's fixed clock: the end of the synthetic period.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type env struct {
	store *memstore.Store
	svc   *customer.Service
	ds    *synth.Dataset
	// ids maps a synthetic record id to its customer id.
	ids map[string]uuid.UUID
}

func generate(p *progress, cfg config) (*synth.Dataset, error) {
	defer p.stage(fmt.Sprintf("generate %d customer records and %d orders (seed %d)", cfg.customers, cfg.orders, cfg.seed))()
	return synth.Generate(synth.Config{Customers: cfg.customers, Orders: cfg.orders, Seed: cfg.seed})
}

// seqIDs returns a deterministic id generator.
func seqIDs(seed uint64) func() uuid.UUID {
	var n atomic.Uint64
	return func() uuid.UUID {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], seed)
		binary.BigEndian.PutUint64(b[8:], n.Add(1))
		return uuid.NewSHA1(uuid.NameSpaceOID, b[:])
	}
}

func recordID(id string) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("cimkit-quickstart/"+id))
}

func load(ctx context.Context, p *progress, ds *synth.Dataset) (*env, error) {
	store := memstore.New()
	e := &env{
		store: store, ds: ds, ids: make(map[string]uuid.UUID, len(ds.Records)),
		svc: customer.New(store, &customer.Options{Now: func() time.Time { return now }, NewID: seqIDs(1)}),
	}
	done := p.stage("load customers, orders, events, tickets and feedback into memstore")
	for _, r := range ds.Records {
		c := customerOf(r)
		if _, err := e.svc.Create(ctx, c); err != nil {
			return nil, fmt.Errorf("customer %s: %w", r.ID, err)
		}
		e.ids[r.ID] = c.ID
	}
	p.printf("    %d customers\n", len(ds.Records))
	for i, o := range ds.Orders {
		if _, err := e.svc.AddOrder(ctx, orderOf(o, e.ids[o.RecordID])); err != nil {
			return nil, fmt.Errorf("order %s: %w", o.ID, err)
		}
		if n := i + 1; n%(max(1, len(ds.Orders)/4)) == 0 {
			p.printf("    %d/%d orders\n", n, len(ds.Orders))
		}
	}
	const batch = 1000
	for i := 0; i < len(ds.Events); i += batch {
		evs := make([]customer.Event, 0, batch)
		for _, ev := range ds.Events[i:min(i+batch, len(ds.Events))] {
			evs = append(evs, customer.Event{
				CustomerID: e.ids[ev.RecordID], Type: customer.EventType(ev.Type), Channel: customer.Channel(ev.Channel),
				At: ev.At, SKU: ev.SKU, Keyword: ev.Keyword,
			})
		}
		if _, err := e.svc.RecordEvents(ctx, evs...); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
	}
	p.printf("    %d events\n", len(ds.Events))
	for _, t := range ds.Tickets {
		tk, err := e.svc.OpenTicket(ctx, customer.Ticket{
			CustomerID: e.ids[t.RecordID], Channel: customer.Channel(t.Channel), Category: t.Category,
			Priority: customer.Priority(t.Priority), OpenedAt: t.OpenedAt,
		})
		if err != nil {
			return nil, fmt.Errorf("ticket %s: %w", t.ID, err)
		}
		if t.Status != "open" {
			if _, err := e.svc.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{
				Status: customer.TicketStatus(t.Status), Satisfaction: t.Satisfaction, Note: "synthetic history",
			}); err != nil {
				return nil, fmt.Errorf("ticket %s: %w", t.ID, err)
			}
		}
	}
	for _, f := range ds.Feedback {
		if _, err := e.svc.RecordFeedback(ctx, customer.Feedback{
			CustomerID: e.ids[f.RecordID], NPS: f.NPS, Comment: f.Comment, At: f.At,
		}); err != nil {
			return nil, fmt.Errorf("feedback %s: %w", f.ID, err)
		}
	}
	p.printf("    %d tickets, %d NPS answers\n", len(ds.Tickets), len(ds.Feedback))
	done()
	return e, nil
}

func customerOf(r synth.Record) customer.Customer {
	c := customer.Customer{
		ID: recordID(r.ID), Name: strings.TrimSpace(r.Name), RegistrationVia: customer.Channel(r.Channel),
		Attributes: map[string]string{"source_record": r.ID},
	}
	if r.MemberID != "" {
		c.Attributes["member_id"] = r.MemberID
	}
	seen := func(raw string) customer.Contact {
		return customer.Contact{Raw: raw, Channel: customer.Channel(r.Channel), FirstSeen: r.RegisteredAt, LastSeen: r.RegisteredAt}
	}
	if r.Phone != "" {
		c.Phones = append(c.Phones, seen(r.Phone))
	}
	if r.Email != "" {
		c.Emails = append(c.Emails, seen(r.Email))
	}
	if r.Address != "" {
		c.Addresses = append(c.Addresses, customer.Address{Raw: r.Address, Channel: customer.Channel(r.Channel), FirstSeen: r.RegisteredAt, LastSeen: r.RegisteredAt})
	}
	return c
}

func orderOf(o synth.Order, cust uuid.UUID) customer.Order {
	out := customer.Order{
		CustomerID: cust, Channel: customer.Channel(o.Channel), Discount: o.Discount, Shipping: o.Shipping,
		Total: o.Total, Refunded: o.Refunded, Currency: o.Currency, PaymentMethod: o.PaymentMethod,
		Status: customer.OrderStatus(o.Status), PlacedAt: o.PlacedAt,
	}
	for _, it := range o.Items {
		out.Items = append(out.Items, customer.Item{SKU: it.SKU, Name: it.Name, Category: it.Category, Quantity: it.Quantity, UnitPrice: it.UnitPrice})
	}
	for _, h := range o.History {
		out.History = append(out.History, customer.StatusChange{Status: h.Status, At: h.At})
	}
	return out
}
