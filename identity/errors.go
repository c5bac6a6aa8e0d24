package identity

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package and by a conforming
// Store wrap one of these; test with errors.Is. Error strings name the
// field or kind, never the value.
var (
	// ErrNoIdentifier: a record carries no identifier that can link it
	// (all missing, invalid, masked, placeholder or weak).
	ErrNoIdentifier = errors.New("identity: no usable identifier")
	// ErrUnknownKind: an identifier's kind is not in the Rules.
	ErrUnknownKind = errors.New("identity: unknown identifier kind")
	// ErrTooLong: an identifier value exceeds its kind's MaxLen.
	ErrTooLong = errors.New("identity: identifier value too long")
	// ErrBlocked: an identifier value is on its kind's blocklist or is a
	// known placeholder.
	ErrBlocked = errors.New("identity: identifier value blocklisted")
	// ErrInvalid: an identifier value, record or rule is malformed.
	ErrInvalid = errors.New("identity: invalid")
	// ErrNotFound: the customer, record or merge event does not exist.
	ErrNotFound = errors.New("identity: not found")
	// ErrConflict: the store changed since it was read; the Resolver
	// retries on it.
	ErrConflict = errors.New("identity: conflict")
)

// IdentifierError reports why one identifier of a record was not used. It
// wraps one of the sentinels above (and the cleaner's error when there is
// one); Kind and Reason never contain the value.
type IdentifierError struct {
	Kind   Kind
	Reason string
	Err    error
}

// Error names the kind and the reason, never the value.
func (e *IdentifierError) Error() string {
	return fmt.Sprintf("identity: %s: %s", e.Kind, e.Reason)
}

// Unwrap returns the wrapped sentinel.
func (e *IdentifierError) Unwrap() error { return e.Err }
