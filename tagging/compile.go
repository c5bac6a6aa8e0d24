package tagging

import (
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"
)

// predFn is a compiled condition.
type predFn func(c *Customer, now clock, st *tagState) bool

// tagState holds the tags computed so far in one rule-set evaluation,
// indexed by the tag's position in the rule set.
type tagState struct {
	present []bool
	weight  []float64
	memo    memo
}

// tagResolver maps tag names to tagState indexes (-1: read Customer.Tags).
type tagResolver interface{ index(name string) int }

type noTags struct{}

func (noTags) index(string) int { return -1 }

// Rule is a compiled condition. It is immutable and safe for concurrent use;
// Eval does not allocate.
type Rule struct {
	node     *Node
	pred     predFn
	needDate bool
}

// Compile type-checks n against s (nil means DefaultSchema) and compiles it.
// Every problem is reported with its JSON path in a *ValidationError
// matching ErrInvalid: unknown fields, type mismatches, oversized regular
// expressions. Tag references read the customer's current tags.
func Compile(n *Node, s *Schema) (*Rule, error) {
	if n == nil {
		return nil, fmt.Errorf("%w: nil rule", ErrInvalid)
	}
	var ps problems
	p, needDate := compileNode(n, s, noTags{}, &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &Rule{node: n, pred: p, needDate: needDate}, nil
}

// CompileJSON parses and compiles a JSON rule, reporting the problems of
// both steps together.
func CompileJSON(data []byte, s *Schema) (*Rule, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &ValidationError{Problems: []Problem{{"$", err.Error()}}}
	}
	var ps problems
	n := parseRule(v, "$", &ps)
	var p predFn
	needDate := false
	if n != nil {
		p, needDate = compileNode(n, s, noTags{}, &ps)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &Rule{node: n, pred: p, needDate: needDate}, nil
}

// Eval reports whether customer c satisfies the rule at instant now.
// Calendar predicates use now's location. Eval never allocates.
func (r *Rule) Eval(c *Customer, now time.Time) bool {
	return r.pred(c, newClock(now, r.needDate), nil)
}

// Node returns the parsed form of the rule.
func (r *Rule) Node() *Node { return r.node }

// MarshalJSON returns the canonical JSON of the rule.
func (r *Rule) MarshalJSON() ([]byte, error) { return r.node.MarshalJSON() }

// compileNode compiles n; needDate reports whether the predicate reads
// the calendar date of now.
func compileNode(n *Node, s *Schema, tags tagResolver, ps *problems) (p predFn, needDate bool) {
	if s == nil {
		s = DefaultSchema()
	}
	c := compiler{s: s, tags: tags, ps: ps}
	p = c.node(n)
	return p, c.needDate
}

type compiler struct {
	needDate bool // some predicate uses the calendar date of now
	s        *Schema
	tags     tagResolver
	ps       *problems
}

func (c *compiler) node(n *Node) predFn {
	if n == nil {
		return nil // failed to parse; already reported
	}
	switch n.op {
	case opAll, opAny:
		kids := make([]predFn, 0, len(n.children))
		for _, k := range n.children {
			kids = append(kids, c.node(k))
		}
		return combine(n.op == opAll, kids)
	case opNot:
		k := c.node(n.children[0])
		return func(cu *Customer, now clock, st *tagState) bool { return !k(cu, now, st) }
	case opHasTag:
		return hasTagPred(n.tag, c.tags.index(n.tag))
	}
	if n.agg != nil {
		if n.op == opExists {
			c.ps.add(n.path, "exists needs a field, not an aggregate")
			return nil
		}
		return c.typed(n, Number, "aggregate "+n.agg.fn)
	}
	t, ok := c.s.fieldType(n.field)
	if !ok {
		c.ps.add(n.path, "unknown field "+strconv.Quote(n.field))
		return nil
	}
	if n.op == opExists {
		return c.exists(n.field, t)
	}
	return c.typed(n, t, "field "+strconv.Quote(n.field))
}

func combine(all bool, kids []predFn) predFn {
	if all {
		switch len(kids) {
		case 2:
			a, b := kids[0], kids[1]
			return func(c *Customer, now clock, st *tagState) bool { return a(c, now, st) && b(c, now, st) }
		case 3:
			a, b, d := kids[0], kids[1], kids[2]
			return func(c *Customer, now clock, st *tagState) bool {
				return a(c, now, st) && b(c, now, st) && d(c, now, st)
			}
		case 4:
			a, b, d, e := kids[0], kids[1], kids[2], kids[3]
			return func(c *Customer, now clock, st *tagState) bool {
				return a(c, now, st) && b(c, now, st) && d(c, now, st) && e(c, now, st)
			}
		}
		return func(c *Customer, now clock, st *tagState) bool {
			for _, k := range kids {
				if !k(c, now, st) {
					return false
				}
			}
			return true
		}
	}
	return func(c *Customer, now clock, st *tagState) bool {
		for _, k := range kids {
			if k(c, now, st) {
				return true
			}
		}
		return false
	}
}

func hasTagPred(name string, idx int) predFn {
	return func(c *Customer, now clock, st *tagState) bool {
		if idx >= 0 && st != nil {
			return st.present[idx]
		}
		_, ok := c.tagWeight(name, now.unix)
		return ok
	}
}

func (c *compiler) exists(field string, t Type) predFn {
	switch t {
	case String:
		f := c.s.strAccessor(field)
		return func(cu *Customer, _ clock, _ *tagState) bool { _, ok := f(cu); return ok }
	case Number:
		f := c.s.numAccessor(field, c.tags)
		return func(cu *Customer, now clock, st *tagState) bool { _, ok := f(cu, now, st); return ok }
	case Time:
		f := c.s.timeAccessor(field)
		return func(cu *Customer, _ clock, st *tagState) bool { _, ok := f(cu, st); return ok }
	default:
		f := c.s.dateAccessor(field)
		return func(cu *Customer, _ clock, st *tagState) bool { _, _, ok := f(cu, st); return ok }
	}
}

// typed compiles a comparison, string or time predicate whose subject has
// type t; what describes the subject in messages.
func (c *compiler) typed(n *Node, t Type, what string) predFn {
	wrongType := func(want string) predFn {
		c.ps.add(n.path, fmt.Sprintf("%s needs a %s subject, %s is %s", n.op, want, what, t))
		return nil
	}
	litsOK := func(want Type, lits ...literal) bool {
		good := true
		for _, l := range lits {
			if l.isNum != (want == Number) {
				kind := "string"
				if l.isNum {
					kind = "number"
				}
				c.ps.add(n.path, fmt.Sprintf("type mismatch: %s is %s, value is %s", what, t, kind))
				good = false
				break
			}
		}
		return good
	}
	switch n.op {
	case opEq, opNe, opIn:
		lits := n.values
		if n.op != opIn {
			lits = []literal{n.value}
		}
		if t != String && t != Number {
			return wrongType("string or number")
		}
		if !litsOK(t, lits...) {
			return nil
		}
		if id := builtinIDs[n.field]; id != bfNone && n.agg == nil {
			if t == String {
				return builtinStrCompare(n.op, id, lits)
			}
			return builtinNumCompare(n.op, id, lits)
		}
		if t == String {
			return strCompare(n.op, c.s.strAccessor(n.field), lits)
		}
		return numCompare(n.op, c.numSubject(n), lits)
	case opGt, opGte, opLt, opLte, opBetween:
		if t != Number {
			return wrongType("number")
		}
		lits := []literal{n.value}
		if n.op == opBetween {
			lits = []literal{n.min, n.max}
		}
		if !litsOK(Number, lits...) {
			return nil
		}
		if n.op == opBetween && n.min.num > n.max.num {
			c.ps.add(n.path, "between needs min <= max")
			return nil
		}
		if id := builtinIDs[n.field]; id != bfNone && n.agg == nil {
			return builtinNumCompare(n.op, id, lits)
		}
		return numOrder(n.op, c.numSubject(n), lits)
	case opContains, opStarts, opMatches:
		if t != String {
			return wrongType("string")
		}
		f := c.s.strAccessor(n.field)
		if n.op == opMatches {
			re, msg := compilePattern(n.pattern)
			if re == nil {
				c.ps.add(n.path+".pattern", msg)
				return nil
			}
			return func(cu *Customer, _ clock, _ *tagState) bool {
				v, ok := f(cu)
				return ok && re.MatchString(v)
			}
		}
		if !litsOK(String, n.value) {
			return nil
		}
		want := n.value.str
		if n.op == opContains {
			return func(cu *Customer, _ clock, _ *tagState) bool {
				v, ok := f(cu)
				return ok && strings.Contains(v, want)
			}
		}
		return func(cu *Customer, _ clock, _ *tagState) bool {
			v, ok := f(cu)
			return ok && strings.HasPrefix(v, want)
		}
	case opWithin, opOlder:
		if t != Time {
			return wrongType("time")
		}
		f, days := c.s.timeAccessor(n.field), n.days
		if n.op == opWithin {
			return func(cu *Customer, now clock, st *tagState) bool {
				v, ok := f(cu, st)
				return ok && withinWindow(now, v, days)
			}
		}
		return func(cu *Customer, now clock, st *tagState) bool {
			v, ok := f(cu, st)
			return ok && now.unix-v > int64(days)*secondsPerDay
		}
	case opAnniv:
		if t != Time && t != Date {
			return wrongType("time or date")
		}
		if n.days > 366 {
			c.ps.add(n.path+".days", "anniversaryWithinDays needs days in 0..366")
			return nil
		}
		c.needDate = true
		f, days := c.s.dateAccessor(n.field), int64(n.days)
		return func(cu *Customer, now clock, st *tagState) bool {
			m, d, ok := f(cu, st)
			return ok && daysToAnniversary(now, m, d) <= days
		}
	}
	c.ps.add(n.path, "unsupported operator "+strconv.Quote(n.op))
	return nil
}

// compilePattern compiles an RE2 pattern within the size limits; on failure
// it returns a message without the pattern text.
func compilePattern(p string) (*regexp.Regexp, string) {
	if len(p) > MaxPatternLen {
		return nil, fmt.Sprintf("pattern longer than %d bytes", MaxPatternLen)
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		if se, ok := err.(*syntax.Error); ok {
			return nil, "invalid pattern: " + string(se.Code)
		}
		return nil, "invalid pattern"
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, "invalid pattern"
	}
	if len(prog.Inst) > MaxPatternInsts {
		return nil, fmt.Sprintf("pattern too large: %d instructions, limit %d", len(prog.Inst), MaxPatternInsts)
	}
	r, err := regexp.Compile(p)
	if err != nil {
		return nil, "invalid pattern"
	}
	return r, ""
}

func (c *compiler) numSubject(n *Node) numFn {
	if n.agg == nil {
		return c.s.numAccessor(n.field, c.tags)
	}
	return aggregateFn(n.agg, c.s.MoneyScale)
}

func aggregateFn(a *aggregate, scale int) numFn {
	typ, cat, days := a.typ, a.category, a.withinDays
	switch a.fn {
	case aggCountEv:
		return func(cu *Customer, now clock, _ *tagState) (float64, bool) {
			n := 0
			for i := range cu.Events {
				e := &cu.Events[i]
				if e.Type == typ && withinWindow(now, e.Time.Unix(), days) {
					n++
				}
			}
			return float64(n), true
		}
	case aggCountOrd:
		return func(cu *Customer, now clock, _ *tagState) (float64, bool) {
			n := 0
			for i := range cu.Orders {
				o := &cu.Orders[i]
				if withinWindow(now, o.Time.Unix(), days) && hasCategory(o, cat) {
					n++
				}
			}
			return float64(n), true
		}
	}
	div := math.Pow10(scale)
	return func(cu *Customer, now clock, _ *tagState) (float64, bool) {
		var sum int64
		for i := range cu.Orders {
			o := &cu.Orders[i]
			if withinWindow(now, o.Time.Unix(), days) && hasCategory(o, cat) {
				sum += o.Amount
			}
		}
		return float64(sum) / div, true
	}
}

// hasCategory reports whether o is in category cat ("" matches every order).
func hasCategory(o *Order, cat string) bool {
	if cat == "" {
		return true
	}
	for _, c := range o.Categories {
		if c == cat {
			return true
		}
	}
	return false
}
