package match

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/cimkit/cimkit/internal/civil"
)

// value is one field of one record prepared for comparison: normalised
// once so that comparing pairs does not allocate.
type value struct {
	null   bool
	s      string   // normalised text
	r      []rune   // runes of s
	tok    [][]rune // name tokens (see nameTokens)
	han    bool     // s is all Han characters
	digits []rune   // digits of s (phones)
	num    float64  // parsed number
	numOK  bool
	day    int32 // days since 1970-01-01
	y      int16
	m, d   int8
	dateOK bool
	// Term frequency: tfLog is -log2 of the value's relative frequency,
	// set when the field is term-frequency adjusted and the value is known.
	tfLog   float64
	tfKnown bool
}

// needs says which derived forms a comparison uses.
type needs struct {
	runes, tokens, digits, num, date bool
}

// Normalize returns the form of a raw field value that comparisons use:
// surrounding space trimmed, inner runs of white space collapsed to one
// space, control characters treated as space, and letters lower-cased.
// An empty result is a null value.
func Normalize(raw string) string {
	raw = strings.TrimSpace(raw)
	simple := true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= 0x7f || c < 0x20 || (c >= 'A' && c <= 'Z') || (c == ' ' && i+1 < len(raw) && raw[i+1] == ' ') {
			simple = false
			break
		}
	}
	if simple {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	space := false
	for _, r := range raw {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// prepare builds the value of raw with the derived forms n asks for.
func prepare(raw string, n needs) value {
	s := Normalize(raw)
	if s == "" {
		return value{null: true}
	}
	v := value{s: s}
	if n.runes || n.tokens {
		v.r = []rune(s)
		v.han = isHan(v.r)
	}
	if n.tokens {
		v.tok = nameTokens(v.r)
	}
	if n.digits {
		for _, c := range s {
			if c >= '0' && c <= '9' {
				v.digits = append(v.digits, c)
			}
		}
		v.digits = trimCountryCode(v.digits)
	}
	if n.num {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && f == f {
			v.num, v.numOK = f, true
		}
	}
	if n.date {
		v.y, v.m, v.d, v.day, v.dateOK = parseDate(s)
	}
	return v
}

// trimCountryCode drops a leading 86 / 0086 country code from a
// 13- or 15-digit Chinese number, so +86 13812345678 and 13812345678
// compare equal.
func trimCountryCode(d []rune) []rune {
	if len(d) == 15 && string(d[:4]) == "0086" {
		return d[4:]
	}
	if len(d) == 13 && d[0] == '8' && d[1] == '6' {
		return d[2:]
	}
	return d
}

// parseDate parses YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYYMMDD.
func parseDate(s string) (y int16, m, d int8, day int32, ok bool) {
	var parts [3]int
	switch {
	case len(s) == 8:
		for i := 0; i < 8; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, 0, 0, 0, false
			}
		}
		parts[0], _ = strconv.Atoi(s[:4])
		parts[1], _ = strconv.Atoi(s[4:6])
		parts[2], _ = strconv.Atoi(s[6:])
	case len(s) >= 8 && len(s) <= 10:
		sep := s[4]
		if sep != '-' && sep != '/' && sep != '.' {
			return 0, 0, 0, 0, false
		}
		f := strings.Split(s, string(sep))
		if len(f) != 3 || len(f[0]) != 4 || len(f[1]) == 0 || len(f[1]) > 2 || len(f[2]) == 0 || len(f[2]) > 2 {
			return 0, 0, 0, 0, false
		}
		for i, p := range f {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return 0, 0, 0, 0, false
			}
			parts[i] = n
		}
	default:
		return 0, 0, 0, 0, false
	}
	yy, mm, dd := parts[0], parts[1], parts[2]
	if yy < 1000 || mm < 1 || mm > 12 || dd < 1 || dd > civil.DaysIn(yy, mm) {
		return 0, 0, 0, 0, false
	}
	return int16(yy), int8(mm), int8(dd), int32(daysFromCivil(yy, mm, dd)), true
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
