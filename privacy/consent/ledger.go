package consent

import (
	"context"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/google/uuid"
)

// Recorder receives an audit entry for every consent change. *audit.Log
// implements it.
type Recorder interface {
	Append(ctx context.Context, e audit.Entry) (uint64, error)
}

// Options configures a Ledger. Zero values pick the defaults.
type Options struct {
	Now   func() time.Time // default time.Now
	NewID func() uuid.UUID // default uuid.New
	Audit Recorder         // nil: changes are not audited
}

// Ledger records and answers consent. It holds no state of its own beyond
// its Store and is safe for concurrent use.
type Ledger struct {
	store Store
	opt   Options
}

// NewLedger returns a ledger over s.
func NewLedger(s Store, opt Options) *Ledger {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.NewID == nil {
		opt.NewID = uuid.New
	}
	return &Ledger{store: s, opt: opt}
}

// Record describes how a grant or withdrawal was obtained.
type Record struct {
	At            time.Time // when the customer acted; zero means now
	Channel       string    // required
	PolicyVersion string    // required
	Evidence      string    // reference to the proof, not personal data
	Actor         string    // who recorded it; default "customer"
}

// Grant records that the customer granted consent for the purpose.
func (l *Ledger) Grant(ctx context.Context, customerID uuid.UUID, p Purpose, r Record) (Event, error) {
	return l.record(ctx, customerID, p, Grant, r)
}

// Withdraw records that the customer withdrew consent for the purpose.
func (l *Ledger) Withdraw(ctx context.Context, customerID uuid.UUID, p Purpose, r Record) (Event, error) {
	return l.record(ctx, customerID, p, Withdraw, r)
}

func (l *Ledger) record(ctx context.Context, customerID uuid.UUID, p Purpose, k Kind, r Record) (Event, error) {
	if r.At.IsZero() {
		r.At = l.opt.Now()
	}
	if r.Actor == "" {
		r.Actor = "customer"
	}
	e := Event{ID: l.opt.NewID(), CustomerID: customerID, Purpose: p, Kind: k, At: r.At.UTC(),
		Channel: r.Channel, PolicyVersion: r.PolicyVersion, Evidence: r.Evidence, Actor: r.Actor}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	// Audit first: a change the log does not show never reaches the ledger.
	if l.opt.Audit != nil {
		action := audit.ActionConsentGrant
		if k == Withdraw {
			action = audit.ActionConsentWithdraw
		}
		_, err := l.opt.Audit.Append(ctx, audit.Entry{
			At: l.opt.Now(), Actor: tokenOr(r.Actor, "customer"), Action: action, Subject: customerID.String(),
			Fields: []string{string(p), "event:" + e.ID.String()}, Purpose: string(p),
			Reason: "policy_version " + e.PolicyVersion + " via " + e.Channel, Outcome: audit.OutcomeAllowed,
		})
		if err != nil {
			return Event{}, fmt.Errorf("consent: audit: %w", err)
		}
	}
	if err := l.store.AppendConsent(ctx, e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// tokenOr returns s if it can stand in an audit entry's actor field, else
// def (staff ids with spaces are recorded in the consent event only).
func tokenOr(s, def string) string {
	e := audit.Entry{At: time.Unix(1, 0), Actor: s, Action: audit.ActionConsentGrant, Outcome: audit.OutcomeAllowed}
	if e.Validate() != nil {
		return def
	}
	return s
}

// History returns every event of the customer in append order.
func (l *Ledger) History(ctx context.Context, customerID uuid.UUID) ([]Event, error) {
	return l.store.ListConsent(ctx, customerID)
}

// State returns the current state of every purpose for the customer.
func (l *Ledger) State(ctx context.Context, customerID uuid.UUID) ([]Status, error) {
	events, err := l.store.ListConsent(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return Derive(events), nil
}

// Allowed reports whether the customer currently consents to the purpose.
// An unknown purpose wraps ErrUnknownPurpose.
func (l *Ledger) Allowed(ctx context.Context, customerID uuid.UUID, p Purpose) (bool, error) {
	if _, err := ParsePurpose(string(p)); err != nil {
		return false, err
	}
	st, err := l.State(ctx, customerID)
	if err != nil {
		return false, err
	}
	for _, s := range st {
		if s.Purpose == p {
			return s.Granted, nil
		}
	}
	return false, nil
}

// Checker adapts a Ledger to callers that name customers and purposes with
// strings, such as a tagging ConsentChecker:
//
//	Allowed(ctx context.Context, customerID string, purpose string) (bool, error)
type Checker struct{ Ledger *Ledger }

// Allowed parses the customer id (a UUID) and purpose and asks the ledger.
// A malformed id wraps ErrInvalid; an unknown purpose ErrUnknownPurpose.
func (c Checker) Allowed(ctx context.Context, customerID string, purpose string) (bool, error) {
	id, err := uuid.Parse(customerID)
	if err != nil {
		return false, fmt.Errorf("consent: customer_id: %w: not a UUID", ErrInvalid)
	}
	return c.Ledger.Allowed(ctx, id, Purpose(purpose))
}
