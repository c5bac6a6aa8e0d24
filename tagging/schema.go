package tagging

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Type is the type of a field a rule can reference.
type Type int

// Field types.
const (
	// String fields support eq, ne, in, contains, startsWith, matches, exists.
	String Type = iota + 1
	// Number fields support eq, ne, gt, gte, lt, lte, between, in, exists.
	Number
	// Time fields (instants) support withinDays, olderThanDays,
	// anniversaryWithinDays and exists.
	Time
	// Date fields (calendar dates) support anniversaryWithinDays and exists.
	Date
)

// String returns the type name used in error messages.
func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Number:
		return "number"
	case Time:
		return "time"
	case Date:
		return "date"
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// Schema describes the fields rules may reference. The built-in fields are:
//
//	id, gender, membership_level, rfm.segment   string
//	points, rfm.r, rfm.f, rfm.m                 number
//	registered_at, last_order_at, last_event_at time
//	birth_date                                  date
//	attr.<key>                                  Attributes[key], default string
//	tag.<name>                                  number: the tag's weight
//
// A Schema must not be modified after it is passed to Compile.
type Schema struct {
	// Attributes declares the types of host attributes ("attr.<key>").
	// Only String and Number are allowed; a Number attribute whose value does
	// not parse as a number is treated as missing.
	Attributes map[string]Type
	// StrictAttributes rejects references to undeclared attributes; when
	// false they are strings.
	StrictAttributes bool
	// MoneyScale is the number of minor-unit digits of Order.Amount, so
	// sumOrders compares Amount/10^MoneyScale. DefaultSchema sets 2.
	MoneyScale int
}

// DefaultSchema returns a schema with no declared attributes (every
// attribute is a string) and MoneyScale 2.
func DefaultSchema() *Schema { return &Schema{MoneyScale: 2} }

// FieldInfo describes one built-in or declared field.
type FieldInfo struct {
	Name string
	Type Type
}

// Fields lists the built-in fields and declared attributes, sorted by name,
// for hosts that build rule editors.
func (s *Schema) Fields() []FieldInfo {
	var out []FieldInfo
	for name, t := range builtinTypes {
		out = append(out, FieldInfo{name, t})
	}
	for k, t := range s.Attributes {
		out = append(out, FieldInfo{"attr." + k, t})
	}
	slices.SortFunc(out, func(a, b FieldInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

var builtinTypes = map[string]Type{
	"id": String, "gender": String, "membership_level": String, "rfm.segment": String,
	"points": Number, "rfm.r": Number, "rfm.f": Number, "rfm.m": Number,
	"registered_at": Time, "last_order_at": Time, "last_event_at": Time,
	"birth_date": Date,
}

// fieldType resolves a field name. ok is false for unknown fields.
func (s *Schema) fieldType(name string) (Type, bool) {
	if t, ok := builtinTypes[name]; ok {
		return t, true
	}
	if key, ok := cutPrefix(name, "attr."); ok && key != "" {
		if t, ok := s.Attributes[key]; ok {
			return t, t == String || t == Number
		}
		return String, !s.StrictAttributes
	}
	if tag, ok := cutPrefix(name, "tag."); ok && tag != "" {
		return Number, true
	}
	return 0, false
}

// Accessors. Each returns ok=false when the customer lacks the value.
type (
	strFn  func(c *Customer) (string, bool)
	numFn  func(c *Customer, now clock, st *tagState) (float64, bool)
	timeFn func(c *Customer, st *tagState) (int64, bool) // unix seconds
	dateFn func(c *Customer, st *tagState) (month, day int, ok bool)
)

func (s *Schema) strAccessor(name string) strFn {
	if id := builtinIDs[name]; id != bfNone {
		return func(c *Customer) (string, bool) { return builtinStr(c, id) }
	}
	key, _ := cutPrefix(name, "attr.")
	return func(c *Customer) (string, bool) {
		v, ok := c.Attributes[key]
		return v, ok
	}
}

func (s *Schema) numAccessor(name string, tags tagResolver) numFn {
	if id := builtinIDs[name]; id != bfNone {
		return func(c *Customer, _ clock, _ *tagState) (float64, bool) { return builtinNum(c, id) }
	}
	if tag, ok := cutPrefix(name, "tag."); ok {
		idx := tags.index(tag)
		return func(c *Customer, now clock, st *tagState) (float64, bool) {
			if idx >= 0 && st != nil {
				return st.weight[idx], st.present[idx]
			}
			return c.tagWeight(tag, now.unix)
		}
	}
	key, _ := cutPrefix(name, "attr.")
	return func(c *Customer, _ clock, _ *tagState) (float64, bool) {
		v, ok := c.Attributes[key]
		if !ok {
			return 0, false
		}
		return parseNumber(v)
	}
}

func (s *Schema) timeAccessor(name string) timeFn {
	switch name {
	case "registered_at":
		return func(c *Customer, _ *tagState) (int64, bool) {
			return c.RegisteredAt.Unix(), !c.RegisteredAt.IsZero()
		}
	case "last_order_at":
		return func(c *Customer, st *tagState) (int64, bool) {
			if st == nil {
				return lastOrderAt(c)
			}
			m := &st.memo
			if m.lastOrder == 0 {
				t, ok := lastOrderAt(c)
				m.lastOrder, m.lastOrderAt = memoState(ok), t
			}
			return m.lastOrderAt, m.lastOrder == memoPresent
		}
	case "last_event_at":
		return func(c *Customer, st *tagState) (int64, bool) {
			if st == nil {
				return lastEventAt(c)
			}
			m := &st.memo
			if m.lastEvent == 0 {
				t, ok := lastEventAt(c)
				m.lastEvent, m.lastEventAt = memoState(ok), t
			}
			return m.lastEventAt, m.lastEvent == memoPresent
		}
	}
	return nil
}

// memo caches values derived from a customer's history during one
// rule-set evaluation; the zero value means nothing is cached.
type memo struct {
	lastOrder, lastEvent, birth uint8 // 0 unknown, memoAbsent, memoPresent
	lastOrderAt, lastEventAt    int64
	birthMonth, birthDay        int
}

const (
	memoAbsent uint8 = iota + 1
	memoPresent
)

func memoState(ok bool) uint8 {
	if ok {
		return memoPresent
	}
	return memoAbsent
}

func lastOrderAt(c *Customer) (int64, bool) {
	var last int64
	found := false
	for i := range c.Orders {
		if t := c.Orders[i].Time.Unix(); !found || t > last {
			last, found = t, true
		}
	}
	return last, found
}

func lastEventAt(c *Customer) (int64, bool) {
	var last int64
	found := false
	for i := range c.Events {
		if t := c.Events[i].Time.Unix(); !found || t > last {
			last, found = t, true
		}
	}
	return last, found
}

func birthMonthDay(c *Customer) (int, int, bool) {
	if c.BirthDate.IsZero() {
		return 0, 0, false
	}
	_, m, d := c.BirthDate.Date()
	return int(m), d, true
}

func (s *Schema) dateAccessor(name string) dateFn {
	switch name {
	case "birth_date":
		return func(c *Customer, st *tagState) (int, int, bool) {
			if st == nil {
				return birthMonthDay(c)
			}
			m := &st.memo
			if m.birth == 0 {
				mo, d, ok := birthMonthDay(c)
				m.birth, m.birthMonth, m.birthDay = memoState(ok), mo, d
			}
			return m.birthMonth, m.birthDay, m.birth == memoPresent
		}
	case "registered_at":
		return func(c *Customer, _ *tagState) (int, int, bool) {
			if c.RegisteredAt.IsZero() {
				return 0, 0, false
			}
			_, m, d := c.RegisteredAt.Date()
			return int(m), d, true
		}
	}
	tf := s.timeAccessor(name)
	if tf == nil {
		return nil
	}
	return func(c *Customer, st *tagState) (int, int, bool) {
		u, ok := tf(c, st)
		if !ok {
			return 0, 0, false
		}
		_, m, d := civilFromDays(floorDiv(u, secondsPerDay))
		return m, d, true
	}
}

// parseNumber parses a decimal number without allocating; ok is false for
// anything that is not a plain finite decimal.
func parseNumber(s string) (float64, bool) {
	if len(s) == 0 || len(s) > 40 {
		return 0, false
	}
	i := 0
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			digits++
		case ch == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
