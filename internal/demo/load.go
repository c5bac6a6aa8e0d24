// Package demo loads synthetic data through customer.Service and prints
// what the examples show. It is shared by examples/quickstart and
// examples/postgres; it is not API.
package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/google/uuid"
)

// Now is the examples' fixed clock: the end of the synthetic period.
var Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// SeqIDs returns a deterministic id generator.
func SeqIDs(seed uint64) func() uuid.UUID {
	var n atomic.Uint64
	return func() uuid.UUID {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], seed)
		binary.BigEndian.PutUint64(b[8:], n.Add(1))
		return uuid.NewSHA1(uuid.NameSpaceOID, b[:])
	}
}

// RecordID is the customer id given to a synthetic record.
func RecordID(id string) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("cimkit-quickstart/"+id))
}

// SourceOf turns a synthetic channel record into a raw source record.
func SourceOf(r synth.Record) customer.SourceRecord {
	return customer.SourceRecord{
		ID: r.ID, Channel: customer.Channel(r.Channel), At: r.RegisteredAt,
		Name: r.Name, Gender: r.Gender, BirthDate: r.BirthDate, Phone: r.Phone, Email: r.Email,
		Device: r.Device, MemberID: r.MemberID, Address: r.Address,
	}
}

// Resolution is what IngestCustomers did.
type Resolution struct {
	Report    customer.BatchReport
	Customers int     // distinct customers the records became
	Precision float64 // pairwise, against the synthetic truth
	Recall    float64
}

// IngestCustomers ingests every record through svc.Ingest (clean, resolve,
// golden profile), then maps each record to the customer it ended in.
// Records without a usable identifier are kept as customers of their own
// (created from their raw values) so their orders are not lost.
func IngestCustomers(ctx context.Context, svc *customer.Service, ids identity.Store, ds *synth.Dataset, out io.Writer) (map[string]uuid.UUID, Resolution, error) {
	records := func(yield func(customer.SourceRecord, error) bool) {
		for _, r := range ds.Records {
			if !yield(SourceOf(r), nil) {
				return
			}
		}
	}
	step := max(1, len(ds.Records)/4)
	rep, err := svc.IngestBatch(ctx, records, func(done int) {
		if done%step == 0 {
			fmt.Fprintf(out, "    %d/%d records ingested\n", done, len(ds.Records))
		}
	})
	if err != nil {
		return nil, Resolution{}, err
	}
	recIDs := make([]string, len(ds.Records))
	for i, r := range ds.Records {
		recIDs[i] = r.ID
	}
	stored, err := ids.IdentityRecords(ctx, recIDs)
	if err != nil {
		return nil, Resolution{}, err
	}
	byRecord := make(map[string]uuid.UUID, len(ds.Records))
	clusters := map[uuid.UUID][]string{}
	for _, r := range stored {
		byRecord[r.ID] = r.CustomerID
		clusters[r.CustomerID] = append(clusters[r.CustomerID], r.ID)
	}
	groups := make([][]string, 0, len(clusters)+len(rep.Failures))
	for _, g := range clusters {
		groups = append(groups, g)
	}
	byID := make(map[string]synth.Record, len(rep.Failures))
	for _, r := range ds.Records {
		byID[r.ID] = r
	}
	for _, f := range rep.Failures {
		c, err := svc.Create(ctx, CustomerOf(byID[f.RecordID]))
		if err != nil {
			return nil, Resolution{}, fmt.Errorf("record %s: %w", f.RecordID, err)
		}
		byRecord[f.RecordID] = c.ID
		groups = append(groups, []string{f.RecordID})
	}
	truth := make(map[string]string, len(ds.Records))
	for _, r := range ds.Records {
		truth[r.ID] = r.PersonID
	}
	res := Resolution{Report: rep, Customers: len(groups)}
	res.Precision, res.Recall = Pairwise(groups, truth)
	return byRecord, res, nil
}

// Pairwise scores clusters of record ids against the truth (record id →
// person id) by counting record pairs.
func Pairwise(groups [][]string, truth map[string]string) (precision, recall float64) {
	pairs := func(n int) int { return n * (n - 1) / 2 }
	perPerson := map[string]int{}
	for _, person := range truth {
		perPerson[person]++
	}
	truePairs, predPairs, tp := 0, 0, 0
	for _, n := range perPerson {
		truePairs += pairs(n)
	}
	for _, g := range groups {
		predPairs += pairs(len(g))
		cell := map[string]int{}
		for _, id := range g {
			cell[truth[id]]++
		}
		for _, n := range cell {
			tp += pairs(n)
		}
	}
	precision, recall = 1, 1
	if predPairs > 0 {
		precision = float64(tp) / float64(predPairs)
	}
	if truePairs > 0 {
		recall = float64(tp) / float64(truePairs)
	}
	return precision, recall
}

// LoadActivity stores the dataset's orders, events, tickets and feedback
// for the customers ids maps records to, writing progress lines to out.
func LoadActivity(ctx context.Context, svc *customer.Service, ds *synth.Dataset, ids map[string]uuid.UUID, out io.Writer) error {
	for i, o := range ds.Orders {
		if _, err := svc.AddOrder(ctx, OrderOf(o, ids[o.RecordID])); err != nil {
			return fmt.Errorf("order %s: %w", o.ID, err)
		}
		if n := i + 1; n%(max(1, len(ds.Orders)/4)) == 0 {
			fmt.Fprintf(out, "    %d/%d orders\n", n, len(ds.Orders))
		}
	}
	const batch = 1000
	for i := 0; i < len(ds.Events); i += batch {
		evs := make([]customer.Event, 0, batch)
		for _, ev := range ds.Events[i:min(i+batch, len(ds.Events))] {
			evs = append(evs, customer.Event{
				CustomerID: ids[ev.RecordID], Type: customer.EventType(ev.Type), Channel: customer.Channel(ev.Channel),
				At: ev.At, SKU: ev.SKU, Keyword: ev.Keyword,
			})
		}
		if _, err := svc.RecordEvents(ctx, evs...); err != nil {
			return fmt.Errorf("events: %w", err)
		}
	}
	fmt.Fprintf(out, "    %d events\n", len(ds.Events))
	for _, t := range ds.Tickets {
		tk, err := svc.OpenTicket(ctx, customer.Ticket{
			CustomerID: ids[t.RecordID], Channel: customer.Channel(t.Channel), Category: t.Category,
			Priority: customer.Priority(t.Priority), OpenedAt: t.OpenedAt,
		})
		if err != nil {
			return fmt.Errorf("ticket %s: %w", t.ID, err)
		}
		if t.Status != "open" {
			if _, err := svc.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{
				Status: customer.TicketStatus(t.Status), Satisfaction: t.Satisfaction, Note: "synthetic history",
			}); err != nil {
				return fmt.Errorf("ticket %s: %w", t.ID, err)
			}
		}
	}
	for _, f := range ds.Feedback {
		if _, err := svc.RecordFeedback(ctx, customer.Feedback{
			CustomerID: ids[f.RecordID], NPS: f.NPS, Comment: f.Comment, At: f.At,
		}); err != nil {
			return fmt.Errorf("feedback %s: %w", f.ID, err)
		}
	}
	fmt.Fprintf(out, "    %d tickets, %d NPS answers\n", len(ds.Tickets), len(ds.Feedback))
	return nil
}

// CustomerOf turns a synthetic record into a customer, values raw.
func CustomerOf(r synth.Record) customer.Customer {
	c := customer.Customer{
		ID: RecordID(r.ID), Name: strings.TrimSpace(r.Name), RegistrationVia: customer.Channel(r.Channel),
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

// OrderOf turns a synthetic order into a customer.Order.
func OrderOf(o synth.Order, cust uuid.UUID) customer.Order {
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
