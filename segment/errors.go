package segment

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error caused by bad input or bad options.
// Test with errors.Is; the more specific sentinels below are wrapped too.
var ErrInvalid = errors.New("segment: invalid input")

// Specific kinds of bad input. Each is reported inside an *InputError that
// also wraps ErrInvalid.
var (
	// ErrEmpty: the matrix has no rows or no columns.
	ErrEmpty = errors.New("empty input")
	// ErrRagged: rows of a [][]float64 have different lengths, or the
	// flat data length does not match rows×cols.
	ErrRagged = errors.New("ragged rows")
	// ErrNonFinite: a value is NaN or ±Inf.
	ErrNonFinite = errors.New("non-finite value")
	// ErrRange: a finite value is so large (|v| > 1e100) that squared
	// distances would overflow.
	ErrRange = errors.New("value out of range")
	// ErrClusters: the number of clusters is below 1 or above the number of
	// distinct points.
	ErrClusters = errors.New("bad number of clusters")
	// ErrZeroVariance: a column is constant, so z-score scaling would divide
	// by zero.
	ErrZeroVariance = errors.New("zero-variance column")
	// ErrOption: an option has a value outside its domain.
	ErrOption = errors.New("bad option")
	// ErrShape: a matrix, weight vector or centre set has the wrong shape for
	// the model it is used with.
	ErrShape = errors.New("shape mismatch")
)

// InputError describes one bad input. Row and Col are -1 when they do not
// apply. Value holds the offending number (never personal data: inputs to
// this package are numeric features) when there is one.
type InputError struct {
	Field  string  // which input: "X", "sample_weight", "init", "n_clusters" ...
	Row    int     // 0-based row, or -1
	Col    int     // 0-based column, or -1
	Value  float64 // the raw offending value, when meaningful
	Reason string  // human-readable reason
	Kind   error   // one of the specific sentinels above
}

// Error formats the field, position and reason.
func (e *InputError) Error() string {
	s := "segment: " + e.Field
	if e.Row >= 0 {
		s += fmt.Sprintf(" row %d", e.Row)
	}
	if e.Col >= 0 {
		s += fmt.Sprintf(" column %d", e.Col)
	}
	return s + ": " + e.Reason
}

// Unwrap returns ErrInvalid and the specific kind, so errors.Is matches both.
func (e *InputError) Unwrap() []error { return []error{ErrInvalid, e.Kind} }

func inputErr(kind error, field string, row, col int, format string, args ...any) error {
	return &InputError{Field: field, Row: row, Col: col, Reason: fmt.Sprintf(format, args...), Kind: kind}
}
