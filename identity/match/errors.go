package match

import "errors"

// Errors returned by the package; test with errors.Is. Messages name the
// field and the reason, never a value.
var (
	// ErrInvalid reports bad settings or input data: unknown fields, empty
	// or all-null columns, a field with a single distinct value, malformed
	// blocking rules.
	ErrInvalid = errors.New("match: invalid")
	// ErrTooManyPairs reports that blocking would generate more candidate
	// pairs than the configured maximum. It is returned before any pair is
	// generated.
	ErrTooManyPairs = errors.New("match: too many candidate pairs")
)
