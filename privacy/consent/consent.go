// Package consent is cimkit's consent ledger: for every customer and
// purpose an append-only history of grants and withdrawals (when, through
// which channel, under which policy version, with what evidence). The
// current state is derived from the history, which is never rewritten, and
// Allowed answers the one question tagging triggers and audience building
// ask before they act.
//
//	l := consent.NewLedger(memstore.New(), consent.Options{})
//	l.Grant(ctx, id, consent.MarketingSMS, consent.Record{Channel: "app", PolicyVersion: "2026-01"})
//	ok, err := l.Allowed(ctx, id, consent.MarketingSMS) // true
//
// Consent is opt-in: a purpose with no event is not allowed.
package consent

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Sentinel errors; every error of this package wraps one of them.
var (
	// ErrUnknownPurpose: the purpose is not one of Purposes().
	ErrUnknownPurpose = errors.New("unknown purpose")
	// ErrInvalid: an event or argument failed validation.
	ErrInvalid = errors.New("invalid")
	// ErrAlreadyExists: an event with the same id is already stored.
	ErrAlreadyExists = errors.New("already exists")
)

// Purpose is what a customer consents to.
type Purpose string

// Purposes. SensitivePI, CrossBorderTransfer and ThirdPartySharing each
// need their own separate consent under PIPL (arts. 23, 29, 39).
const (
	MarketingSMS        Purpose = "marketing_sms"
	MarketingEmail      Purpose = "marketing_email"
	MarketingPush       Purpose = "marketing_push"
	Profiling           Purpose = "profiling" // profiling and personalisation
	ThirdPartySharing   Purpose = "third_party_sharing"
	CrossBorderTransfer Purpose = "cross_border_transfer"
	SensitivePI         Purpose = "sensitive_pi"
)

var purposes = []Purpose{MarketingSMS, MarketingEmail, MarketingPush, Profiling,
	ThirdPartySharing, CrossBorderTransfer, SensitivePI}

// Purposes returns every known purpose in a fixed order.
func Purposes() []Purpose { return slices.Clone(purposes) }

// ParsePurpose returns the purpose named s, or an error wrapping
// ErrUnknownPurpose.
func ParsePurpose(s string) (Purpose, error) {
	p := Purpose(s)
	if !slices.Contains(purposes, p) {
		return "", fmt.Errorf("consent: purpose: %w", ErrUnknownPurpose)
	}
	return p, nil
}

// Kind is a grant or a withdrawal.
type Kind string

// Kinds of consent event.
const (
	Grant    Kind = "grant"
	Withdraw Kind = "withdraw"
)

// Limits enforced by Event.Validate.
const (
	MaxTokenBytes    = 128
	MaxEvidenceBytes = 1024
)

// Event is one grant or withdrawal. Evidence is a reference to the proof
// (a form id, a recording hash, a signed-payload digest), not personal data.
type Event struct {
	ID            uuid.UUID
	CustomerID    uuid.UUID
	Purpose       Purpose
	Kind          Kind
	At            time.Time
	Channel       string // where the customer acted: app, web, store, call_centre...
	PolicyVersion string // the privacy-notice version shown
	Evidence      string
	Actor         string // who recorded it: the customer's own session or a staff id
}

// Validate checks the event and returns an error wrapping ErrInvalid or
// ErrUnknownPurpose that names the first bad field.
func (e *Event) Validate() error {
	bad := func(field, reason string) error {
		return fmt.Errorf("consent: %s: %w: %s", field, ErrInvalid, reason)
	}
	switch {
	case e.ID == uuid.Nil:
		return bad("id", "nil uuid")
	case e.CustomerID == uuid.Nil:
		return bad("customer_id", "nil uuid")
	case e.Kind != Grant && e.Kind != Withdraw:
		return bad("kind", "must be grant or withdraw")
	case e.At.IsZero():
		return bad("at", "zero time")
	case e.Channel == "":
		return bad("channel", "empty")
	case e.PolicyVersion == "":
		return bad("policy_version", "empty")
	}
	if _, err := ParsePurpose(string(e.Purpose)); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"channel", e.Channel}, {"policy_version", e.PolicyVersion}, {"actor", e.Actor}} {
		if len(f.v) > MaxTokenBytes || !utf8.ValidString(f.v) {
			return bad(f.name, fmt.Sprintf("longer than %d bytes or not UTF-8", MaxTokenBytes))
		}
	}
	if len(e.Evidence) > MaxEvidenceBytes || !utf8.ValidString(e.Evidence) {
		return bad("evidence", fmt.Sprintf("longer than %d bytes or not UTF-8", MaxEvidenceBytes))
	}
	return nil
}

// Status is the derived current state of one purpose for one customer.
type Status struct {
	Purpose Purpose
	Granted bool
	Last    *Event // the event that decided the state; nil when there is none
}

// Derive computes the current state of every purpose from a customer's
// events, given in append order. The event with the latest At decides;
// among events with equal At the one appended later decides. Purposes with
// no event are not granted. The result has one Status per Purposes(), in
// that order.
func Derive(events []Event) []Status {
	last := map[Purpose]int{}
	for i, e := range events {
		j, ok := last[e.Purpose]
		if !ok || !e.At.Before(events[j].At) {
			last[e.Purpose] = i
		}
	}
	out := make([]Status, 0, len(purposes))
	for _, p := range purposes {
		st := Status{Purpose: p}
		if i, ok := last[p]; ok {
			e := events[i]
			st.Granted = e.Kind == Grant
			st.Last = &e
		}
		out = append(out, st)
	}
	return out
}
