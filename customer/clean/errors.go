package clean

import "errors"

// Sentinel errors. Every error returned by a Cleaner method is a *FieldError
// that wraps exactly one of these; test with errors.Is.
var (
	// ErrEmpty means the value is missing: blank, whitespace only, or a
	// "no value" word such as 无, N/A or null.
	ErrEmpty = errors.New("empty")
	// ErrInvalid means the value is present but is not a valid value of the
	// field (bad syntax, impossible date, wrong check digit, unknown prefix).
	ErrInvalid = errors.New("invalid")
	// ErrMasked means the value was masked for display (138****5678) and
	// cannot identify anyone.
	ErrMasked = errors.New("masked")
	// ErrLossy means the value was damaged upstream so that digits were lost
	// (a phone number shown in spreadsheet scientific notation); it is never
	// guessed.
	ErrLossy = errors.New("lossy")
	// ErrPlaceholder means the value is a well-known dummy (13800138000,
	// 测试, test@test.com) rather than a real one.
	ErrPlaceholder = errors.New("placeholder")
	// ErrTooLong means the raw input exceeded the configured size limit and
	// was rejected before any parsing.
	ErrTooLong = errors.New("too long")
	// ErrOutOfRange means the value is well formed but outside the accepted
	// range (a birth date giving an age outside 0–120).
	ErrOutOfRange = errors.New("out of range")
)

// FieldError reports why one field could not be cleaned. It names the field
// and the reason but never contains the raw value, so it is safe to log.
type FieldError struct {
	Field  string // "phone", "email", "name", "gender", "birthdate", "idcard", "address"
	Reason string // short human-readable reason, free of personal data
	Err    error  // one of the sentinel errors above
}

// Error returns "clean: <field>: <sentinel>: <reason>".
func (e *FieldError) Error() string {
	s := "clean: " + e.Field + ": " + e.Err.Error()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, err error, reason string) *FieldError {
	return &FieldError{Field: field, Reason: reason, Err: err}
}

// ErrorClass returns the short name of the sentinel wrapped by err ("empty",
// "invalid", "masked", "lossy", "placeholder", "too long", "out of range"),
// or "" when err is nil or not one of ours.
func ErrorClass(err error) string {
	for _, s := range []error{ErrEmpty, ErrInvalid, ErrMasked, ErrLossy, ErrPlaceholder, ErrTooLong, ErrOutOfRange} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return ""
}
