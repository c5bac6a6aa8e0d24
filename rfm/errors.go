package rfm

import (
	"errors"
	"fmt"
)

// ErrInvalid reports input the package cannot use: a malformed amount, a bad
// option, a table that does not cover the score space. Errors wrap it with the
// field and the reason, never the value.
var ErrInvalid = errors.New("rfm: invalid input")

// ErrMixedCurrency reports purchases in more than one currency in one
// aggregation. It matches ErrInvalid under errors.Is.
var ErrMixedCurrency = fmt.Errorf("%w: mixed currencies", ErrInvalid)

// InputError is a field-level input error. Error() names the field and the
// reason; Raw keeps the offending value for the caller but is never printed,
// because it may identify a person.
type InputError struct {
	Field  string // the field, e.g. "amount"
	Reason string // what is wrong with it
	Raw    string // the raw value, kept for the caller, never in Error()
	Err    error  // the sentinel, ErrInvalid or ErrMixedCurrency
}

// Error implements error without the raw value.
func (e *InputError) Error() string {
	return fmt.Sprintf("%v: field %s: %s", e.Err, e.Field, e.Reason)
}

// Unwrap returns the sentinel.
func (e *InputError) Unwrap() error { return e.Err }

func invalid(field, reason, raw string) error {
	return &InputError{Field: field, Reason: reason, Raw: raw, Err: ErrInvalid}
}
