package tagging

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// Limits enforced by Parse.
const (
	// MaxDepth is the deepest allowed nesting of condition nodes.
	MaxDepth = 32
	// MaxNodes is the largest allowed number of condition nodes in a rule.
	MaxNodes = 1000
	// MaxListValues bounds the values of one "in" list.
	MaxListValues = 1000
	// MaxDays bounds every day count in a rule (100 years).
	MaxDays = 36600
	// MaxPatternLen bounds the source length of a "matches" pattern.
	MaxPatternLen = 1000
	// MaxPatternInsts bounds the compiled size of a "matches" pattern.
	MaxPatternInsts = 5000
)

// Operator names of the condition language.
const (
	opAll       = "all"
	opAny       = "any"
	opNot       = "not"
	opEq        = "eq"
	opNe        = "ne"
	opGt        = "gt"
	opGte       = "gte"
	opLt        = "lt"
	opLte       = "lte"
	opBetween   = "between"
	opIn        = "in"
	opContains  = "contains"
	opStarts    = "startsWith"
	opExists    = "exists"
	opMatches   = "matches"
	opWithin    = "withinDays"
	opOlder     = "olderThanDays"
	opAnniv     = "anniversaryWithinDays"
	opHasTag    = "hasTag"
	aggCountEv  = "countEvents"
	aggSumOrd   = "sumOrders"
	aggCountOrd = "countOrders"
	keyField    = "field"
	keyValue    = "value"
	keyValues   = "values"
	keyMin      = "min"
	keyMax      = "max"
	keyDays     = "days"
	keyPattern  = "pattern"
	keyType     = "type"
	keyCategory = "category"
	keyWithin   = "withinDays"
)

// operandKeys lists, per operator, the keys its operand object needs
// besides the subject ("field" or an aggregate), in canonical order.
var operandKeys = map[string][]string{
	opEq: {keyValue}, opNe: {keyValue}, opGt: {keyValue}, opGte: {keyValue},
	opLt: {keyValue}, opLte: {keyValue}, opContains: {keyValue}, opStarts: {keyValue},
	opBetween: {keyMin, keyMax}, opIn: {keyValues}, opExists: {},
	opMatches: {keyPattern}, opWithin: {keyDays}, opOlder: {keyDays}, opAnniv: {keyDays},
}

// Node is a parsed condition tree. It is produced by Parse, printed in
// canonical form by MarshalJSON and turned into a Rule by Compile. A Node is
// immutable once parsed.
type Node struct {
	op       string
	path     string
	children []*Node // all, any, not
	tag      string  // hasTag
	field    string  // subject field, "" when agg is set
	agg      *aggregate
	value    literal   // eq ... startsWith
	values   []literal // in
	min, max literal   // between
	days     int       // time predicates
	pattern  string    // matches
}

// aggregate is a count or sum over the customer's history.
type aggregate struct {
	fn         string
	typ        string // countEvents
	category   string // countOrders, sumOrders (optional)
	withinDays int
}

// literal is a string or number constant.
type literal struct {
	isNum bool
	num   float64
	str   string
}

func (l literal) appendJSON(b []byte) []byte {
	if l.isNum {
		return appendJSONNumber(b, l.num)
	}
	return appendJSONString(b, l.str)
}

// MarshalJSON returns the canonical JSON of the rule: no insignificant
// whitespace, one operator key per node and operand keys in a fixed order,
// so that Parse followed by MarshalJSON reproduces it byte for byte.
func (n *Node) MarshalJSON() ([]byte, error) {
	return n.appendJSON(nil), nil
}

// String returns the canonical JSON of the rule.
func (n *Node) String() string { return string(n.appendJSON(nil)) }

func (n *Node) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = appendJSONString(b, n.op)
	b = append(b, ':')
	switch n.op {
	case opAll, opAny:
		b = append(b, '[')
		for i, c := range n.children {
			if i > 0 {
				b = append(b, ',')
			}
			b = c.appendJSON(b)
		}
		b = append(b, ']')
	case opNot:
		b = n.children[0].appendJSON(b)
	case opHasTag:
		b = appendJSONString(b, n.tag)
	default:
		b = append(b, '{')
		if n.agg != nil {
			b = n.agg.appendJSON(b)
		} else {
			b = append(b, `"field":`...)
			b = appendJSONString(b, n.field)
		}
		for _, k := range operandKeys[n.op] {
			b = append(b, ',')
			b = appendJSONString(b, k)
			b = append(b, ':')
			switch k {
			case keyValue:
				b = n.value.appendJSON(b)
			case keyMin:
				b = n.min.appendJSON(b)
			case keyMax:
				b = n.max.appendJSON(b)
			case keyValues:
				b = append(b, '[')
				for i, v := range n.values {
					if i > 0 {
						b = append(b, ',')
					}
					b = v.appendJSON(b)
				}
				b = append(b, ']')
			case keyDays:
				b = strconv.AppendInt(b, int64(n.days), 10)
			case keyPattern:
				b = appendJSONString(b, n.pattern)
			}
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func (a *aggregate) appendJSON(b []byte) []byte {
	b = appendJSONString(b, a.fn)
	b = append(b, ":{"...)
	sep := false
	if a.category != "" {
		b = append(b, `"category":`...)
		b = appendJSONString(b, a.category)
		sep = true
	}
	if a.fn == aggCountEv {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"type":`...)
		b = appendJSONString(b, a.typ)
		sep = true
	}
	if sep {
		b = append(b, ',')
	}
	b = append(b, `"withinDays":`...)
	b = strconv.AppendInt(b, int64(a.withinDays), 10)
	return append(b, '}')
}

// tagRefs returns the distinct tag names the rule references, sorted.
func (n *Node) tagRefs() []string {
	var out []string
	var walk func(*Node)
	walk = func(n *Node) {
		if n == nil {
			return
		}
		if n.op == opHasTag {
			out = append(out, n.tag)
		}
		if name, ok := cutPrefix(n.field, "tag."); ok && n.agg == nil {
			out = append(out, name)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(n)
	slices.Sort(out)
	return slices.Compact(out)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// numberLiteral converts a decoded JSON number to a finite float64.
func numberLiteral(v json.Number) (float64, bool) {
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}
