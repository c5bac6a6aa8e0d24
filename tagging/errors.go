package tagging

import (
	"errors"
	"strings"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrInvalid marks a rule, rule set or argument that fails validation.
	ErrInvalid = errors.New("tagging: invalid")
	// ErrNotFound marks a missing tag assignment.
	ErrNotFound = errors.New("tagging: not found")
)

// Problem is one validation failure located by a JSON path such as
// "$.all[2].gt". Msg names fields and operators, never rule values, so it
// carries no personal data.
type Problem struct {
	Path string
	Msg  string
}

// String returns "path: msg".
func (p Problem) String() string { return p.Path + ": " + p.Msg }

// ValidationError lists every problem found in a rule or rule set, in
// document order. It matches ErrInvalid with errors.Is.
type ValidationError struct {
	Problems []Problem
}

// Error joins the problems, one per line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems collects validation failures.
type problems []Problem

func (ps *problems) add(path, msg string) { *ps = append(*ps, Problem{path, msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: append([]Problem(nil), ps...)}
}
