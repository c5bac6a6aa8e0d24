package customer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

// Origin says where an exported item came from.
type Origin string

// Origins.
const (
	// Provided: the customer gave it (profile values, orders, events,
	// tickets, feedback, consents, source records).
	Provided Origin = "provided"
	// Derived: cimkit or the host computed it (order summary, tags,
	// segments, scores, merges).
	Derived Origin = "derived"
)

// Export kinds.
const (
	KindProfile        = "profile"
	KindOrderSummary   = "order_summary"
	KindOrder          = "order"
	KindPayment        = "payment"
	KindEvent          = "event"
	KindTicket         = "ticket"
	KindFeedback       = "feedback"
	KindConsent        = "consent"
	KindIdentityRecord = "identity_record"
	KindMerge          = "merge"
	// KindDerivedAttributes holds the profile attributes named "tag:...",
	// "segment:..." or "score:..." (DerivedAttributePrefixes), which
	// analysis wrote rather than the customer.
	KindDerivedAttributes = "derived_attributes"
)

// DerivedAttributePrefixes name the profile attributes Export reports as
// derived rather than provided.
var DerivedAttributePrefixes = []string{"tag:", "segment:", "score:"}

func isDerivedAttribute(k string) bool {
	for _, p := range DerivedAttributePrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// ExportItem is one thing held about the customer.
type ExportItem struct {
	Kind   string `json:"kind"`
	Origin Origin `json:"origin"`
	Data   any    `json:"data"`
}

// Export is everything held about one customer (the right of access).
type Export struct {
	CustomerID uuid.UUID `json:"customer_id"`
	// FormerIDs are customers merged into this one; their orders,
	// payments, events, tickets and feedback are included.
	FormerIDs   []uuid.UUID  `json:"former_ids,omitempty"`
	GeneratedAt time.Time    `json:"generated_at"`
	Items       []ExportItem `json:"items"`
}

// WriteJSON writes the export as indented JSON.
func (e Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}

// ExportedRecord is a source record as exported: the values the customer
// gave (Fields) and the masked identifiers, never the tokens.
type ExportedRecord struct {
	ID          string            `json:"id"`
	Channel     string            `json:"channel"`
	At          time.Time         `json:"at"`
	Fields      map[string]string `json:"fields,omitempty"`
	Identifiers []string          `json:"identifiers_masked,omitempty"`
}

// Export gathers everything held about the customer, in a fixed order:
// profile, order summary, orders, payments, events, tickets, feedback,
// consents, identity records, merges, then each ExportSource's items;
// everything but the profile and source records is gathered for the
// customer and every former id. A
// customer with neither a profile nor identity records gives ErrNotFound.
// Every export is audited (a not-found one as a denial).
func (r *Rights) Export(ctx context.Context, id uuid.UUID) (Export, error) {
	s := r.svc
	ex := Export{CustomerID: id, GeneratedAt: r.opt.Now().UTC()}
	add := func(kind string, o Origin, v any) { ex.Items = append(ex.Items, ExportItem{kind, o, v}) }
	found := false
	prof, err := s.store.GetCustomer(ctx, id)
	switch {
	case err == nil:
		found = true
		var derived map[string]string
		for k, v := range prof.Attributes {
			if isDerivedAttribute(k) {
				if derived == nil {
					derived = map[string]string{}
					prof = prof.Clone()
				}
				derived[k] = v
			}
		}
		for k := range derived {
			delete(prof.Attributes, k)
		}
		add(KindProfile, Provided, prof)
		if derived != nil {
			add(KindDerivedAttributes, Derived, derived)
		}
	case !errors.Is(err, ErrNotFound):
		return Export{}, fmt.Errorf("export: %w", err)
	}
	var recs []identity.StoredRecord
	if s.resolver != nil {
		recs, err = s.resolver.Records(ctx, id)
		if err != nil && !errors.Is(err, identity.ErrNotFound) {
			return Export{}, fmt.Errorf("export: %w", err)
		}
		found = found || len(recs) > 0
		if found {
			if ex.FormerIDs, err = s.resolver.FormerIDs(ctx, id); err != nil {
				return Export{}, fmt.Errorf("export: %w", err)
			}
		}
	}
	if !found {
		if aerr := r.audit(ctx, audit.ActionExport, id, nil, "", "not_found"); aerr != nil {
			return Export{}, aerr
		}
		return Export{}, fmt.Errorf("export: customer: %w", ErrNotFound)
	}
	ids := append([]uuid.UUID{id}, ex.FormerIDs...)
	at := len(ex.Items)
	if err := exportList(&ex, ids, KindOrder, func(c uuid.UUID, tok string, n int) ([]Order, string, error) {
		return s.store.ListOrders(ctx, c, tok, n)
	}, s.pageSize); err != nil {
		return Export{}, err
	}
	var orders []Order
	for _, it := range ex.Items[at:] {
		orders = append(orders, it.Data.(Order))
	}
	ex.Items = slices.Insert(ex.Items, at, ExportItem{KindOrderSummary, Derived, Summarize(orders)})
	if err := exportList(&ex, ids, KindPayment, func(c uuid.UUID, tok string, n int) ([]Payment, string, error) {
		return s.store.ListPayments(ctx, c, tok, n)
	}, s.pageSize); err != nil {
		return Export{}, err
	}
	if err := exportList(&ex, ids, KindEvent, func(c uuid.UUID, tok string, n int) ([]Event, string, error) {
		return s.store.ListEvents(ctx, c, false, tok, n)
	}, s.pageSize); err != nil {
		return Export{}, err
	}
	if err := exportList(&ex, ids, KindTicket, func(c uuid.UUID, tok string, n int) ([]Ticket, string, error) {
		return s.store.ListTickets(ctx, c, tok, n)
	}, s.pageSize); err != nil {
		return Export{}, err
	}
	if err := exportList(&ex, ids, KindFeedback, func(c uuid.UUID, tok string, n int) ([]Feedback, string, error) {
		return s.store.ListFeedback(ctx, c, tok, n)
	}, s.pageSize); err != nil {
		return Export{}, err
	}
	if r.opt.Consents != nil {
		for _, c := range ids {
			evs, err := r.opt.Consents.ListConsent(ctx, c)
			if err != nil {
				return Export{}, fmt.Errorf("export: consents: %w", err)
			}
			for _, e := range evs {
				add(KindConsent, Provided, e)
			}
		}
	}
	for _, rec := range recs {
		add(KindIdentityRecord, Provided, ExportedRecord{ID: rec.ID, Channel: rec.Channel, At: rec.At, Fields: rec.Fields, Identifiers: rec.Display})
	}
	if s.resolver != nil {
		evs, err := s.resolver.MergeHistory(ctx, ids)
		if err != nil {
			return Export{}, fmt.Errorf("export: %w", err)
		}
		for _, e := range evs {
			add(KindMerge, Derived, e)
		}
	}
	for _, src := range r.opt.Sources {
		for _, c := range ids {
			items, err := src.ExportItems(ctx, c)
			if err != nil {
				return Export{}, fmt.Errorf("export: source: %w", err)
			}
			ex.Items = append(ex.Items, items...)
		}
	}
	if err := r.audit(ctx, audit.ActionExport, id, nil, "", ""); err != nil {
		return Export{}, err
	}
	return ex, nil
}

// exportList appends every item of every id as provided items of kind.
func exportList[T any](ex *Export, ids []uuid.UUID, kind string, list func(c uuid.UUID, tok string, n int) ([]T, string, error), size int) error {
	for _, c := range ids {
		for it, err := range pages(size, func(tok string, n int) ([]T, string, error) { return list(c, tok, n) }) {
			if err != nil {
				return fmt.Errorf("export %s: %w", kind, err)
			}
			ex.Items = append(ex.Items, ExportItem{kind, Provided, it})
		}
	}
	return nil
}
