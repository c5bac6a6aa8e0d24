package customer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

// ErasureReceipt is the evidence of an erasure: what was destroyed, what
// was kept for the books, and when. It holds ids and counts, never
// personal data. Every figure is read back from stored state, so erasing
// the same customer again (or resuming an erasure that failed midway)
// returns an equal receipt.
type ErasureReceipt struct {
	CustomerID uuid.UUID `json:"customer_id"`
	// FormerIDs are customers merged into CustomerID, erased with it.
	FormerIDs []uuid.UUID `json:"former_ids,omitempty"`
	// ErasedAt is when the erasure first started (its tombstones' time).
	ErasedAt time.Time `json:"erased_at"`
	// KeyShredded: the customer's data key was destroyed (KeyVersions),
	// and so were the former ids' keys;
	// false when no Shredder was configured, in which case cimkit held no
	// key for the customer and sealed values, if any, are the host's.
	KeyShredded bool     `json:"key_shredded"`
	KeyVersions []uint32 `json:"key_versions,omitempty"`
	// SourceRecords and IdentifierTokens count the identity records and
	// blind-index tokens deleted; a tombstone (a hash, never plaintext)
	// stays for each so re-ingesting them is refused with ErrErased.
	SourceRecords    int `json:"source_records"`
	IdentifierTokens int `json:"identifier_tokens"`
	// ProfileDeleted is true once no profile of the customer or its
	// former ids remains.
	ProfileDeleted bool `json:"profile_deleted"`
	// Orders, Payments, Tickets, Feedback and Events are kept for the
	// books and statistics under the now unlinkable customer id, with
	// their free text cleared: order and ticket notes, ticket
	// resolutions, and (when the Store is an ActivityRedactor) event
	// keywords and properties and feedback comments.
	Orders   int `json:"orders_kept"`
	Payments int `json:"payments_kept"`
	Tickets  int `json:"tickets_kept"`
	Feedback int `json:"feedback_kept"`
	Events   int `json:"events_kept"`
	// ActivityRedacted is false when the Store cannot clear event and
	// feedback free text (it is not an ActivityRedactor).
	ActivityRedacted bool `json:"activity_redacted"`
}

// ErasureSteps names the steps of Erase in the order they run; a failure
// at any of them leaves a state from which calling Erase again finishes.
//
//  1. tombstones: the customer, its former ids, its record ids and
//     linking tokens are tombstoned (identity.EraseStore).
//  2. identity: with a Sealer, each source record's own key is shredded;
//     then the source records and their token index entries are deleted.
//     Steps 1 and 2 repeat until no record is left (one may join the
//     customer during the erasure; the tombstones stop any more).
//  3. shred: the data key is destroyed (Shredder).
//  4. profile: the profiles of the customer and its former ids are deleted.
//  5. activity: order and ticket notes, ticket resolutions, event and
//     feedback free text are cleared; the records stay.
//  6. others: each RightsOptions.Erasers removes what it holds.
//  7. audit: the erasure is audited (every call, including a retry).
var ErasureSteps = []string{"tombstones", "identity", "shred", "profile", "activity", "others", "audit"}

// Erase erases a customer (the right to erasure): see ErasureSteps.
// reason is required and goes to the audit log, so it must not quote
// personal data. It needs a Service whose identity store implements
// identity.EraseStore (memstore does); otherwise it returns an error
// wrapping errors.ErrUnsupported before changing anything. A customer
// that does not exist and was never erased gives ErrNotFound (audited as
// a denial). Erase is idempotent: after success it returns an equal
// receipt; after a failure, calling it again completes the erasure.
//
// What is not erased: the identity event log (merge history, which holds
// customer and record ids only), consent events (evidence of consent),
// audit entries, and tags or scores kept outside the Store unless an
// Eraser is configured for them (a host's own copies are its own).
func (r *Rights) Erase(ctx context.Context, id uuid.UUID, reason string) (ErasureReceipt, error) {
	if reason == "" || len(reason) > audit.MaxReasonBytes {
		return ErasureReceipt{}, invalid("reason", "required, at most %d bytes", audit.MaxReasonBytes)
	}
	res := r.svc.resolver
	if res == nil {
		return ErasureReceipt{}, fmt.Errorf("erase: %w", ErrNoResolver)
	}
	if !res.CanErase() {
		return ErasureReceipt{}, fmt.Errorf("erase: identity store has no tombstones: %w", errors.ErrUnsupported)
	}
	// Is there anything to erase?
	_, perr := r.svc.store.GetCustomer(ctx, id)
	if perr != nil && !errors.Is(perr, ErrNotFound) {
		return ErasureReceipt{}, fmt.Errorf("erase: %w", perr)
	}
	// 1 + 2: identity tombstones, then records. With a Sealer, each
	// identity source record's profile values were sealed under a key of
	// the record's own (RecordKeyID): each round shreds those after the
	// tombstones and before the records go, so a record that joined the
	// customer during the erasure has its key shredded too, and a crash
	// in between leaves the records in place for the retry to shred again.
	er, err := res.EraseIdentityFunc(ctx, id, r.opt.Now(), r.shredRecordKeys)
	if errors.Is(err, identity.ErrNotFound) {
		if perr != nil {
			if aerr := r.audit(ctx, audit.ActionErasure, id, nil, reason, "not_found"); aerr != nil {
				return ErasureReceipt{}, aerr
			}
			return ErasureReceipt{}, fmt.Errorf("erase: customer: %w", ErrNotFound)
		}
		// A profile with no identity records (created directly with
		// Service.Create): tombstone the customer id alone.
		if err = res.TombstoneCustomer(ctx, id, r.opt.Now()); err == nil {
			er, err = res.EraseIdentityFunc(ctx, id, r.opt.Now(), r.shredRecordKeys)
		}
	}
	if err != nil {
		return ErasureReceipt{}, fmt.Errorf("erase: %w", err)
	}
	id = er.Customer // a former id of an erased customer reports that erasure
	rc := ErasureReceipt{CustomerID: id, FormerIDs: er.FormerIDs, ErasedAt: er.At,
		SourceRecords: er.Records, IdentifierTokens: er.Keys}
	ids := append([]uuid.UUID{id}, er.FormerIDs...)
	// 3: crypto-shred the customer's key, every former id's (values
	// sealed before a merge) and every source record's. Idempotent in the
	// Vault.
	if r.opt.Shredder != nil {
		for i, cid := range ids {
			sr, err := r.opt.Shredder.Shred(ctx, r.opt.Tenant, cid.String())
			if err != nil {
				return ErasureReceipt{}, fmt.Errorf("erase: shred: %w", err)
			}
			if i == 0 {
				rc.KeyShredded, rc.KeyVersions = true, slices.Clone(sr.Versions)
			}
		}
	}
	// 4: profiles.
	for _, cid := range ids {
		if err := r.svc.store.DeleteCustomer(ctx, cid); err != nil && !errors.Is(err, ErrNotFound) {
			return ErasureReceipt{}, fmt.Errorf("erase: delete profile: %w", err)
		}
	}
	rc.ProfileDeleted = true
	// 5: activity kept for the books, de-identified.
	for _, cid := range ids {
		if err := r.deidentify(ctx, cid, &rc); err != nil {
			return ErasureReceipt{}, fmt.Errorf("erase: %w", err)
		}
	}
	// 6: data held outside the Store.
	for _, e := range r.opt.Erasers {
		for _, cid := range ids {
			if err := e.EraseSubject(ctx, cid); err != nil {
				return ErasureReceipt{}, fmt.Errorf("erase: other store: %w", err)
			}
		}
	}
	// 7: audit.
	if err := r.audit(ctx, audit.ActionErasure, id, []string{"profile", "identifiers", "data_key", "free_text"}, reason, ""); err != nil {
		return ErasureReceipt{}, err
	}
	return rc, nil
}

// deidentify clears the free text of one customer id's orders, tickets,
// events and feedback and counts what is kept.
func (r *Rights) deidentify(ctx context.Context, id uuid.UUID, rc *ErasureReceipt) error {
	s := r.svc
	for o, err := range pages(s.pageSize, func(tok string, n int) ([]Order, string, error) { return s.store.ListOrders(ctx, id, tok, n) }) {
		if err != nil {
			return fmt.Errorf("list orders: %w", err)
		}
		rc.Orders++
		if !clearNotes(o.History) {
			continue
		}
		if err := retryUpdate(func() error {
			cur, err := s.store.GetOrder(ctx, o.ID)
			if err != nil {
				return err
			}
			clearNotes(cur.History)
			_, err = s.store.UpdateOrder(ctx, cur)
			return err
		}); err != nil {
			return fmt.Errorf("clear order notes: %w", err)
		}
	}
	for _, err := range pages(s.pageSize, func(tok string, n int) ([]Payment, string, error) { return s.store.ListPayments(ctx, id, tok, n) }) {
		if err != nil {
			return fmt.Errorf("list payments: %w", err)
		}
		rc.Payments++
	}
	for t, err := range pages(s.pageSize, func(tok string, n int) ([]Ticket, string, error) { return s.store.ListTickets(ctx, id, tok, n) }) {
		if err != nil {
			return fmt.Errorf("list tickets: %w", err)
		}
		rc.Tickets++
		if !clearNotes(t.History) && t.Resolution == "" {
			continue
		}
		if err := retryUpdate(func() error {
			cur, err := s.store.GetTicket(ctx, t.ID)
			if err != nil {
				return err
			}
			clearNotes(cur.History)
			cur.Resolution = ""
			_, err = s.store.UpdateTicket(ctx, cur)
			return err
		}); err != nil {
			return fmt.Errorf("clear ticket text: %w", err)
		}
	}
	if red, ok := s.store.(ActivityRedactor); ok {
		if _, err := red.RedactActivity(ctx, id); err != nil {
			return fmt.Errorf("redact activity: %w", err)
		}
		rc.ActivityRedacted = true
	}
	for _, err := range pages(s.pageSize, func(tok string, n int) ([]Feedback, string, error) { return s.store.ListFeedback(ctx, id, tok, n) }) {
		if err != nil {
			return fmt.Errorf("list feedback: %w", err)
		}
		rc.Feedback++
	}
	for _, err := range pages(s.pageSize, func(tok string, n int) ([]Event, string, error) {
		return s.store.ListEvents(ctx, id, false, tok, n)
	}) {
		if err != nil {
			return fmt.Errorf("list events: %w", err)
		}
		rc.Events++
	}
	return nil
}

// clearNotes blanks every note in h (which it changes in place) and
// reports whether any was set.
func clearNotes(h []StatusChange) bool {
	changed := false
	for i := range h {
		if h[i].Note != "" {
			h[i].Note, changed = "", true
		}
	}
	return changed
}

func retryUpdate(fn func() error) error {
	var err error
	for range 5 {
		if err = fn(); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return err
}

// resolveChecked is Resolver.Ingest: a record id or linking token of an
// erased customer gives an error wrapping identity.ErrErased and writes
// nothing. The Resolver asks the store to refuse such records atomically
// with the write (identity.Change.RefuseErased), so a separate check
// before it would add nothing: a record checked just before an erasure's
// tombstones could still be stored after them.
func (s *Service) resolveChecked(ctx context.Context, rec identity.Record) (identity.Result, error) {
	return s.resolver.Ingest(ctx, rec)
}

// shredRecordKeys destroys the record keys of the source records an
// erasure round is about to delete (identity.Resolver.EraseIdentityFunc).
func (r *Rights) shredRecordKeys(ctx context.Context, recordIDs []string) error {
	if r.opt.Shredder == nil || r.svc.sealer == nil {
		return nil
	}
	for _, id := range recordIDs {
		if _, err := r.opt.Shredder.Shred(ctx, r.opt.Tenant, RecordKeyID(id).String()); err != nil {
			return fmt.Errorf("erase: shred record key: %w", err)
		}
	}
	return nil
}
