package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Action is what an audited operation did.
type Action string

// Actions recorded in the log.
const (
	ActionReveal          Action = "reveal"
	ActionExport          Action = "export"
	ActionErasure         Action = "erasure"
	ActionConsentGrant    Action = "consent_grant"
	ActionConsentWithdraw Action = "consent_withdraw"
	ActionMerge           Action = "merge"
	ActionUnmerge         Action = "unmerge"
	ActionRuleChange      Action = "rule_change"
	ActionAccessDenied    Action = "access_denied"
)

var actions = []Action{ActionReveal, ActionExport, ActionErasure, ActionConsentGrant,
	ActionConsentWithdraw, ActionMerge, ActionUnmerge, ActionRuleChange, ActionAccessDenied}

// Outcome says whether the operation went ahead.
type Outcome string

// Outcomes.
const (
	OutcomeAllowed Outcome = "allowed"
	OutcomeDenied  Outcome = "denied"
)

// Limits enforced by Entry.Validate.
const (
	MaxIDBytes     = 128
	MaxFields      = 64
	MaxReasonBytes = 1024
)

// Entry is one audited operation: who (Actor, Role), what (Action on
// Subject's Fields for Purpose), when (At), why (Reason) and how it ended
// (Outcome, Denial). Entries carry ids and field names only, never the
// values of personal data; Reason is the actor's stated justification and
// must not quote personal data either.
type Entry struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role,omitempty"`
	Action  Action    `json:"action"`
	Subject string    `json:"subject,omitempty"` // id of the customer or rule acted on
	Fields  []string  `json:"fields,omitempty"`  // field or field-group names, not values
	Purpose string    `json:"purpose,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Outcome Outcome   `json:"outcome"`
	Denial  string    `json:"denial,omitempty"` // why it was denied: an error kind, not a value
}

// Validate checks every field and returns an error wrapping ErrInvalid
// that names the first bad field.
func (e *Entry) Validate() error {
	bad := func(field, reason string) error {
		return fmt.Errorf("audit: entry %s: %w: %s", field, ErrInvalid, reason)
	}
	if e.At.IsZero() {
		return bad("at", "zero time")
	}
	if !slices.Contains(actions, e.Action) {
		return bad("action", "unknown action")
	}
	if e.Outcome != OutcomeAllowed && e.Outcome != OutcomeDenied {
		return bad("outcome", "must be allowed or denied")
	}
	if e.Actor == "" {
		return bad("actor", "empty")
	}
	for _, f := range []struct{ name, v string }{
		{"actor", e.Actor}, {"role", e.Role}, {"subject", e.Subject}, {"purpose", e.Purpose}, {"denial", e.Denial},
	} {
		if !isToken(f.v) {
			return bad(f.name, fmt.Sprintf("longer than %d bytes or not a printable token", MaxIDBytes))
		}
	}
	if len(e.Fields) > MaxFields {
		return bad("fields", fmt.Sprintf("more than %d", MaxFields))
	}
	for i, f := range e.Fields {
		if f == "" || !isToken(f) {
			return bad(fmt.Sprintf("fields[%d]", i), "empty or not a printable token")
		}
	}
	if len(e.Reason) > MaxReasonBytes || !utf8.ValidString(e.Reason) {
		return bad("reason", fmt.Sprintf("longer than %d bytes or not UTF-8", MaxReasonBytes))
	}
	return nil
}

// isToken reports whether s is a short run of printable ASCII without
// spaces: ids and names, never free text.
func isToken(s string) bool {
	if len(s) > MaxIDBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Encode returns the entry's canonical encoding, the bytes the log stores
// and hashes: one line of JSON with the time in UTC.
func (e Entry) Encode() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	e.At = e.At.UTC()
	e.Fields = slices.Clone(e.Fields)
	return json.Marshal(e)
}

// DecodeEntry parses bytes produced by Encode. Malformed input wraps
// ErrInvalid.
func DecodeEntry(data []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("audit: entry: %w: malformed JSON", ErrInvalid)
	}
	if dec.More() {
		return Entry{}, fmt.Errorf("audit: entry: %w: trailing data", ErrInvalid)
	}
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	return e, nil
}
