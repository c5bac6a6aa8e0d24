package customer

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package and by a conforming
// Store wraps exactly one of these, so callers test with errors.Is.
var (
	// ErrNotFound: the customer, order, ticket or other record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a record with the same id is already stored.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the record changed since it was read (stale version).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input failed validation; the error names the field.
	ErrInvalid = errors.New("invalid")
	// ErrBadPageToken: a page token was not produced by the store.
	ErrBadPageToken = errors.New("bad page token")
	// ErrSealed: a personal field could not be sealed or opened by the
	// Service's FieldSealer: the customer was crypto-shredded, a stored
	// ciphertext was altered, truncated or moved to another field or
	// customer, or the sealer's keys are unavailable. The error also wraps
	// the sealer's own error, so with VaultSealer errors.Is matches
	// privacy.ErrShredded and/or privacy.ErrDecrypt as well. It names the
	// field, never the value or the customer.
	ErrSealed = errors.New("sealed field unavailable")
)

// FieldError reports why one field of an input is invalid. It wraps
// ErrInvalid. Field is a path such as "items[2].quantity"; Reason says what
// is wrong in words that never repeat the value itself, so the error is safe
// to log even when the value is personal data.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
