package identity

import (
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Identifier is one raw identifier value of a record, as the channel sent
// it; the Resolver canonicalises and tokenises it.
type Identifier struct {
	Kind  Kind
	Value string
}

// Record is one channel record to resolve.
type Record struct {
	// ID identifies the source record (unique across channels, for
	// example "pos:123"). Ingesting the same ID again replaces it.
	ID string
	// Channel is the source channel; survivorship may prefer trusted ones.
	Channel string
	// At is when the record was observed; it drives windows, ownership
	// expiry and "most recent" survivorship.
	At time.Time
	// Identifiers are the raw identifier values.
	Identifiers []Identifier
	// Fields are profile values (canonical, e.g. "name", "gender") from
	// which survivorship computes the golden record. The host may seal
	// them before they reach the Store.
	Fields map[string]string
}

// Key is a tokenised identifier: what a Store indexes.
type Key struct {
	Kind  Kind
	Token string
}

// StoredRecord is a source record as a Store keeps it: tokens instead of
// identifier values, plus the customer it belongs to.
type StoredRecord struct {
	ID      string
	Channel string
	At      time.Time
	// Keys are the linking identifiers, sorted by kind then token; a
	// Store indexes them.
	Keys []Key
	// Evidence are weak identifiers (name, surname, masked phone), kept
	// for ownership checks and Explain but never indexed.
	Evidence []Key
	// Display holds the masked value of each key, Keys then Evidence, for
	// Explain; it never holds a full identifier.
	Display    []string
	Fields     map[string]string
	CustomerID uuid.UUID
	// Constraints lists the ids of operator constraints naming this
	// record.
	Constraints []string
}

// Clone returns a deep copy.
func (r StoredRecord) Clone() StoredRecord {
	if len(r.Keys) > 0 && len(r.Evidence) > 0 {
		// One array for both; Keys is capped so that appending to it
		// cannot overwrite Evidence.
		ks := make([]Key, 0, len(r.Keys)+len(r.Evidence))
		ks = append(append(ks, r.Keys...), r.Evidence...)
		r.Keys, r.Evidence = ks[:len(r.Keys):len(r.Keys)], ks[len(r.Keys):]
	} else {
		r.Keys = slices.Clone(r.Keys)
		r.Evidence = slices.Clone(r.Evidence)
	}
	r.Display = slices.Clone(r.Display)
	r.Constraints = slices.Clone(r.Constraints)
	r.Fields = maps.Clone(r.Fields) // nil stays nil
	return r
}

// ConstraintKind says whether a constraint joins or separates records.
type ConstraintKind uint8

// Constraint kinds.
const (
	// MustLink: every record of A and B belongs to one customer (a manual
	// merge).
	MustLink ConstraintKind = iota + 1
	// CannotLink: no record of A shares a customer with a record of B (an
	// unmerge).
	CannotLink
)

// String returns "must-link" or "cannot-link".
func (k ConstraintKind) String() string {
	switch k {
	case MustLink:
		return "must-link"
	case CannotLink:
		return "cannot-link"
	}
	return "unknown"
}

// Constraint is an operator decision that later resolution respects.
type Constraint struct {
	ID     string
	Kind   ConstraintKind
	A, B   []string // record ids
	At     time.Time
	Reason string // free text from the operator; must not hold personal data
	// Probability is set (> 0) on a must-link recorded by probabilistic
	// matching (Resolver.ScanProbable, LinkProbable): the model's match
	// probability of the two records; Weight is the match weight in bits
	// and Evidence each field's part of it. Operator decisions leave them
	// zero.
	Probability, Weight float64
	Evidence            []FieldWeight
}

// Probable reports whether the constraint is a probable link.
func (c Constraint) Probable() bool { return c.Kind == MustLink && c.Probability > 0 }

// Clone returns a deep copy.
func (c Constraint) Clone() Constraint {
	c.A = slices.Clone(c.A)
	c.B = slices.Clone(c.B)
	c.Evidence = slices.Clone(c.Evidence)
	return c
}
