package match

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// LevelKind is the test a comparison level applies to a pair of values.
type LevelKind uint8

// The level kinds. Each level is tried in order and the first that holds
// gives the pair's level for that field; a pair where either value is null
// is at the null level, and a pair no level holds for is at the else level.
const (
	// Exact holds when the normalised values are equal, or, in a
	// comparison with date levels, when both parse as the same date.
	Exact LevelKind = iota + 1
	// JaroWinklerAtLeast holds when the Jaro-Winkler similarity of the
	// values is at least Threshold.
	JaroWinklerAtLeast
	// LevenshteinAtMost holds when the rune edit distance is at most Threshold.
	LevenshteinAtMost
	// DamerauAtMost holds when the optimal-string-alignment distance
	// (edits plus adjacent transpositions) is at most Threshold.
	DamerauAtMost
	// NumericWithin holds when both values parse as numbers whose absolute
	// difference is at most Threshold.
	NumericWithin
	// DateWithin holds when both values parse as dates (YYYY-MM-DD,
	// YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD) at most Threshold Units apart.
	DateWithin
	// DateTransposed holds when two dates differ only by day and month
	// being swapped (2001-03-04 and 2001-04-03).
	DateTransposed
	// PhoneDigitsAtMost holds when the digit strings of the values (with a
	// leading 86 or 0086 country code removed) are at most Threshold
	// edits apart.
	PhoneDigitsAtMost
	// NameReordered holds when the values are the same name in another
	// order: a Han name written given name first, or Latin name tokens
	// permuted.
	NameReordered
	// NameClose holds when Han names are at most MaxEdits characters apart,
	// or every token of the shorter Latin name matches a distinct token of
	// the other with Jaro-Winkler at least Threshold.
	NameClose
	// ColumnsReversed holds when this field of one record equals the Other
	// field of the other record and vice versa (given name and surname
	// swapped). It is false when both fields are equal.
	ColumnsReversed
	// NumericWithinPercent holds when both values parse as numbers whose
	// difference is at most Threshold percent of the larger absolute value
	// (Splink's percentage difference).
	NumericWithinPercent

	lastKind = NumericWithinPercent
)

// DateUnit is the unit of a DateWithin threshold.
type DateUnit uint8

// Date units; months are 30.4375 days and years 365.25 days, as in
// Splink's date difference levels.
const (
	Days DateUnit = iota
	Months
	Years
)

// Level is one comparison level.
type Level struct {
	// Name labels the level in explanations; empty means a generated name.
	Name string
	// Kind is the test the level applies.
	Kind LevelKind
	// Threshold is the similarity floor or distance ceiling of the level.
	Threshold float64
	// MaxEdits is the Han character edit ceiling of a NameClose level.
	MaxEdits int
	// Unit is the unit of a DateWithin threshold.
	Unit DateUnit
	// Other is the other field of a ColumnsReversed level.
	Other string
}

// label returns the level's name, generating one when empty.
func (l Level) label() string {
	if l.Name != "" {
		return l.Name
	}
	switch l.Kind {
	case Exact:
		return "exact"
	case JaroWinklerAtLeast:
		return fmt.Sprintf("jaro_winkler>=%g", l.Threshold)
	case LevenshteinAtMost:
		return fmt.Sprintf("levenshtein<=%g", l.Threshold)
	case DamerauAtMost:
		return fmt.Sprintf("damerau_levenshtein<=%g", l.Threshold)
	case NumericWithin:
		return fmt.Sprintf("abs_difference<=%g", l.Threshold)
	case DateWithin:
		return fmt.Sprintf("within_%g_%s", l.Threshold, [...]string{"days", "months", "years"}[l.Unit%3])
	case DateTransposed:
		return "day_month_transposed"
	case PhoneDigitsAtMost:
		return fmt.Sprintf("phone_digits<=%g", l.Threshold)
	case NameReordered:
		return "name_reordered"
	case NameClose:
		return fmt.Sprintf("name_close(jw>=%g,han_edits<=%d)", l.Threshold, l.MaxEdits)
	case ColumnsReversed:
		return "reversed_with_" + l.Other
	case NumericWithinPercent:
		return fmt.Sprintf("within_%g_percent", l.Threshold)
	}
	return "unknown"
}

// Comparison says how one field of two records is compared.
type Comparison struct {
	// Field is the name of the compared field.
	Field string
	// Levels are tried in order; the null level comes implicitly before
	// them and the else level after them.
	Levels []Level
	// TermFrequency adjusts the weight of an Exact level by how common the
	// agreeing value is: agreeing on a rare value is stronger evidence than
	// agreeing on a common one.
	TermFrequency bool
}

// Level indexes used in gamma vectors: 0 is null, 1..len(Levels) the
// configured levels, len(Levels)+1 the else level.
const nullLevel = 0

// numLevels returns the count of levels including null and else.
func (c *Comparison) numLevels() int { return len(c.Levels) + 2 }

// levelName returns the name of level index i.
func (c *Comparison) levelName(i int) string {
	switch {
	case i == nullLevel:
		return "null"
	case i <= len(c.Levels):
		return c.Levels[i-1].label()
	}
	return "else"
}

// DefaultComparison returns the comparison cimkit uses for a field name:
//
//   - names (given_name, first_name, surname, last_name, name, ...):
//     exact, reordered, reversed with the other name field when one is
//     given, Jaro-Winkler >= 0.92 / Han 1 character edit, Jaro-Winkler >= 0.88,
//     Jaro-Winkler >= 0.7; term-frequency adjusted.
//   - dates (date_of_birth, dob, birth_date, *date*): exact, day and month
//     transposed, within 1 month, within 1 year, within 10 years.
//   - phones (phone, mobile, tel*): exact digits, 1 digit edit, 2 digit edits.
//   - postcodes (postcode, zip, postal_code): exact, Levenshtein <= 1,
//     Levenshtein <= 2.
//   - street numbers and other numeric-like fields (street_number, age):
//     exact, Damerau <= 1.
//   - states, cities, suburbs: exact (term-frequency adjusted), Jaro-Winkler
//     >= 0.9.
//   - anything else (addresses ...): exact, Jaro-Winkler >= 0.92,
//     Jaro-Winkler >= 0.8, Damerau <= 2.
//
// other names the field a ColumnsReversed level refers to; empty omits it.
func DefaultComparison(field, other string) Comparison {
	f := strings.ToLower(field)
	c := Comparison{Field: field}
	switch {
	case isNameField(f):
		c.Levels = []Level{{Kind: Exact}, {Kind: NameReordered}}
		if other != "" {
			c.Levels = append(c.Levels, Level{Kind: ColumnsReversed, Other: other})
		}
		c.Levels = append(c.Levels,
			Level{Kind: NameClose, Threshold: 0.92, MaxEdits: 1},
			Level{Kind: JaroWinklerAtLeast, Threshold: 0.88},
			Level{Kind: JaroWinklerAtLeast, Threshold: 0.7})
		c.TermFrequency = true
	case strings.Contains(f, "dob") || strings.Contains(f, "date") || strings.Contains(f, "birth"):
		c.Levels = []Level{{Kind: Exact}, {Kind: DateTransposed},
			{Kind: DateWithin, Threshold: 1, Unit: Months},
			{Kind: DateWithin, Threshold: 1, Unit: Years},
			{Kind: DateWithin, Threshold: 10, Unit: Years}}
	case strings.Contains(f, "phone") || strings.Contains(f, "mobile") || strings.HasPrefix(f, "tel"):
		c.Levels = []Level{{Kind: PhoneDigitsAtMost, Threshold: 0, Name: "exact_digits"},
			{Kind: PhoneDigitsAtMost, Threshold: 1}, {Kind: PhoneDigitsAtMost, Threshold: 2}}
	case strings.Contains(f, "postcode") || strings.Contains(f, "zip") || strings.Contains(f, "postal"):
		c.Levels = []Level{{Kind: Exact}, {Kind: LevenshteinAtMost, Threshold: 1}, {Kind: LevenshteinAtMost, Threshold: 2}}
	case strings.Contains(f, "number") || f == "age":
		c.Levels = []Level{{Kind: Exact}, {Kind: DamerauAtMost, Threshold: 1}}
	case f == "state" || f == "province" || f == "city" || f == "suburb" || f == "district" || f == "country":
		c.Levels = []Level{{Kind: Exact}, {Kind: JaroWinklerAtLeast, Threshold: 0.9}}
		c.TermFrequency = true
	default:
		c.Levels = []Level{{Kind: Exact}, {Kind: JaroWinklerAtLeast, Threshold: 0.92},
			{Kind: JaroWinklerAtLeast, Threshold: 0.8}, {Kind: DamerauAtMost, Threshold: 2}}
	}
	return c
}

func isNameField(f string) bool {
	switch f {
	case "name", "full_name", "fullname", "given_name", "first_name", "firstname",
		"surname", "last_name", "lastname", "family_name", "middle_name", "forename":
		return true
	}
	return strings.HasSuffix(f, "_name") && !strings.Contains(f, "street") && !strings.Contains(f, "company")
}

// needs returns the derived value forms the comparison's levels use.
func (c *Comparison) needs() needs {
	var n needs
	for _, l := range c.Levels {
		switch l.Kind {
		case JaroWinklerAtLeast, LevenshteinAtMost, DamerauAtMost:
			n.runes = true
		case NumericWithin, NumericWithinPercent:
			n.num = true
		case DateWithin, DateTransposed:
			n.date = true
		case PhoneDigitsAtMost:
			n.digits = true
		case NameReordered, NameClose:
			n.runes, n.tokens = true, true
		}
	}
	return n
}

// validate checks the comparison against the field list.
func (c *Comparison) validate(fields []string) error {
	if !slices.Contains(fields, c.Field) {
		return fmt.Errorf("%w: comparison field %q is not among the record fields", ErrInvalid, c.Field)
	}
	if len(c.Levels) == 0 || len(c.Levels) > 30 {
		return fmt.Errorf("%w: comparison %q: need 1 to 30 levels, have %d", ErrInvalid, c.Field, len(c.Levels))
	}
	for i, l := range c.Levels {
		if l.Kind < Exact || l.Kind > lastKind {
			return fmt.Errorf("%w: comparison %q level %d: unknown kind %d", ErrInvalid, c.Field, i+1, l.Kind)
		}
		if math.IsNaN(l.Threshold) || math.IsInf(l.Threshold, 0) || l.Threshold < 0 || l.MaxEdits < 0 {
			return fmt.Errorf("%w: comparison %q level %d: threshold out of range", ErrInvalid, c.Field, i+1)
		}
		if l.Kind == ColumnsReversed && !slices.Contains(fields, l.Other) {
			return fmt.Errorf("%w: comparison %q level %d: other field %q is not among the record fields", ErrInvalid, c.Field, i+1, l.Other)
		}
	}
	return nil
}

// compiled is a comparison bound to field positions.
type compiled struct {
	Comparison
	idx      int   // position of Field in the record
	otherIdx []int // position of each level's Other field, -1 if none
	// Largest distance any level of each distance kind accepts; distances
	// are computed once per pair, bounded by it.
	maxLev, maxDL, maxPhone int
}

// bind sets the field positions and distance bounds.
func (c *compiled) bind(fields []string) {
	c.idx = slices.Index(fields, c.Field)
	c.otherIdx = c.otherIdx[:0]
	for _, l := range c.Levels {
		c.otherIdx = append(c.otherIdx, slices.Index(fields, l.Other))
		k := int(math.Min(l.Threshold, 1<<20))
		switch l.Kind {
		case LevenshteinAtMost:
			c.maxLev = max(c.maxLev, k)
		case DamerauAtMost:
			c.maxDL = max(c.maxDL, k)
		case PhoneDigitsAtMost:
			c.maxPhone = max(c.maxPhone, k)
		}
	}
}

// pairCache holds the similarities of one pair of values, computed at
// most once across a comparison's levels; -1 means not yet computed.
type pairCache struct {
	jw             float64
	lev, dl, phone int
}

// level returns the level index of the pair (a, b) of prepared records.
func (c *compiled) level(a, b []value) int {
	x, y := &a[c.idx], &b[c.idx]
	if x.null || y.null {
		return nullLevel
	}
	pc := pairCache{jw: -1, lev: -1, dl: -1, phone: -1}
	for i := range c.Levels {
		if c.holds(i, x, y, a, b, &pc) {
			return i + 1
		}
	}
	return len(c.Levels) + 1
}

func (c *compiled) holds(i int, x, y *value, a, b []value, pc *pairCache) bool {
	l := &c.Levels[i]
	switch l.Kind {
	case Exact:
		return x.s == y.s || (x.dateOK && y.dateOK && x.day == y.day)
	case JaroWinklerAtLeast:
		if x.s == y.s {
			return true
		}
		if pc.jw < 0 {
			pc.jw = jaroWinklerRunes(x.r, y.r)
		}
		return pc.jw >= l.Threshold
	case LevenshteinAtMost:
		if pc.lev < 0 {
			pc.lev = boundedDistance(x.r, y.r, c.maxLev, levenshteinBounded)
		}
		return float64(pc.lev) <= l.Threshold
	case DamerauAtMost:
		if pc.dl < 0 {
			pc.dl = boundedDistance(x.r, y.r, c.maxDL, damerauBounded)
		}
		return float64(pc.dl) <= l.Threshold
	case NumericWithin:
		return x.numOK && y.numOK && math.Abs(x.num-y.num) <= l.Threshold
	case NumericWithinPercent:
		if !x.numOK || !y.numOK {
			return false
		}
		big := math.Max(math.Abs(x.num), math.Abs(y.num))
		return x.num == y.num || math.Abs(x.num-y.num) <= l.Threshold/100*big
	case DateWithin:
		if !x.dateOK || !y.dateOK {
			return false
		}
		diff := float64(x.day - y.day)
		if diff < 0 {
			diff = -diff
		}
		switch l.Unit {
		case Months:
			diff /= 30.4375
		case Years:
			diff /= 365.25
		}
		return diff <= l.Threshold
	case DateTransposed:
		return x.dateOK && y.dateOK && x.y == y.y && x.m == y.d && x.d == y.m && x.m != x.d
	case PhoneDigitsAtMost:
		if len(x.digits) == 0 || len(y.digits) == 0 {
			return false
		}
		if pc.phone < 0 {
			pc.phone = boundedDistance(x.digits, y.digits, c.maxPhone, levenshteinBounded)
		}
		return float64(pc.phone) <= l.Threshold
	case NameReordered:
		return namesReordered(x, y)
	case NameClose:
		return namesClose(x, y, l.Threshold, l.MaxEdits, pc)
	case ColumnsReversed:
		o := c.otherIdx[i]
		xo, yo := &a[o], &b[o]
		return !xo.null && !yo.null && x.s != y.s && x.s == yo.s && y.s == xo.s
	}
	return false
}

// boundedDistance returns dist(x, y) when it is at most k, else k+1,
// skipping the computation when the length difference alone exceeds k.
func boundedDistance(x, y []rune, k int, dist func(a, b []rune, k int) int) int {
	d := len(x) - len(y)
	if d < 0 {
		d = -d
	}
	if d > k {
		return k + 1
	}
	return dist(x, y, k)
}
