package tagging

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
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

// err returns the problems in document order, or nil. Problems are
// recorded in two passes (structure, then types and references); sorting
// by the array elements they sit in, and keeping recording order within an
// element, interleaves the passes back into document order.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	out := append([]Problem(nil), ps...)
	slices.SortStableFunc(out, func(a, b Problem) int { return comparePaths(a.Path, b.Path) })
	return &ValidationError{Problems: out}
}

// comparePaths compares the array elements two JSON paths go through:
// for "$.tags[2].rule.all[1].gt" that is ("$.tags", 2), (".rule.all", 1).
// Paths through the same elements compare equal.
func comparePaths(a, b string) int {
	for {
		sa, ia, ra, oka := nextIndex(a)
		sb, ib, rb, okb := nextIndex(b)
		switch {
		case !oka && !okb:
			return 0
		case !oka:
			return -1
		case !okb:
			return 1
		}
		if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
		if c := cmp.Compare(ia, ib); c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

// nextIndex splits p at its first "[n]": the text before, n, the rest.
func nextIndex(p string) (seg string, n int, rest string, ok bool) {
	open := strings.IndexByte(p, '[')
	if open < 0 {
		return "", 0, "", false
	}
	end := strings.IndexByte(p[open:], ']')
	if end < 0 {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(p[open+1 : open+end])
	if err != nil {
		return "", 0, "", false
	}
	return p[:open], n, p[open+end+1:], true
}
