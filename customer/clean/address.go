package clean

import (
	"strings"
	"unicode/utf8"

	"github.com/cimkit/cimkit/customer/clean/internal/divisions"
)

// AddressResult is a cleaned postal address split into divisions.
type AddressResult struct {
	Raw        string // the input exactly as given
	Value      string // canonical full address: province, city, district, detail
	Province   string // official province name (广东省, 北京市, 香港特别行政区), or ""
	City       string // official city name (深圳市); "" for municipalities and when unknown
	District   string // county-level district (南山区), or ""
	Detail     string // the rest: street, building, room
	PostalCode string // six-digit postal code found in the input, or ""
	// Code is the GB/T 2260 code of the most specific division found
	// ("440305", "4403", "44"), or "" when none or outside the table.
	Code  string
	Flags Flags
}

// roadChars follow a place name used as a street name (北京路, 南京东路):
// a short name directly followed by one of them is not a division.
const roadChars = "路街道巷弄里号大桥"

// Address splits a mainland address into province, city, district and
// detail using the embedded GB/T 2260 table, accepting names with or
// without their suffix (广东深圳南山区, 深圳南山: a district's short name
// only under its city), one-character province
// abbreviations (京, 沪, 粤) and Hong Kong, Macau and Taiwan districts. A
// missing province or city is inferred from a lower level when that is
// unambiguous (FlagInferred). An address with no recognised province or city
// is kept as detail with FlagIncomplete. A six-digit postal code is split
// off.
func (c *Cleaner) Address(raw string) (AddressResult, error) {
	r := AddressResult{Raw: raw}
	if err := checkLen("address", raw, c.maxAddrLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("address", ErrEmpty, "no value")
	}
	if strings.IndexByte(s, '*') >= 0 || strings.Contains(s, "●") {
		r.Flags |= FlagMasked
		return r, fieldErr("address", ErrMasked, "address is masked")
	}
	// Take postal codes until none is left so that Value holds none; the
	// first one found is kept.
	for {
		s = strings.Trim(s, " ,;")
		rest, code := splitPostalCode(s)
		if code == "" {
			break
		}
		if r.PostalCode == "" {
			r.PostalCode = code
		}
		s = rest
	}
	if r.PostalCode != "" {
		r.Flags |= FlagPostalCode
	}
	s = joinHanSpaces(strings.Trim(s, " ,;"))
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("address", ErrEmpty, "only a postal code")
	}
	t := divisions.Get()
	var prov, city, dist *divisions.Division
	rest := s

	// Province.
	t.Prefixes(rest, func(n divisions.Name) bool {
		if n.Div.Level != divisions.Province || !nameFits(rest, n) {
			return true
		}
		after := rest[len(n.Text):]
		if utf8.RuneCountInString(n.Text) == 1 || len(n.Text) < 3 {
			// A one-character abbreviation counts only when a city or
			// district of that province follows.
			_, city := findChild(t, after, n.Div, divisions.City)
			_, dist := findChild(t, after, n.Div, divisions.District)
			if !city && !dist {
				return true
			}
		}
		prov, rest = n.Div, after
		if n.Short {
			r.Flags |= FlagShortName
		}
		return false
	})
	// City.
	if n, ok := findChild(t, rest, prov, divisions.City); ok {
		city, rest = n.Div, rest[len(n.Text):]
		if n.Short {
			r.Flags |= FlagShortName
		}
		if prov == nil {
			prov = city.Province()
			r.Flags |= FlagInferred
		}
	}
	// District.
	parent := prov
	if city != nil {
		parent = city
	}
	if n, ok := findChild(t, rest, parent, divisions.District); ok {
		dist, rest = n.Div, rest[len(n.Text):]
		if n.Short {
			r.Flags |= FlagShortName
		}
		if city == nil && dist.Parent != nil && !dist.Parent.Virtual && !dist.Parent.Municipality {
			city = dist.Parent
			r.Flags |= FlagInferred
		}
		if prov == nil {
			prov = dist.Province()
			r.Flags |= FlagInferred
		}
	}
	if city != nil && (city.Virtual || city.Municipality) {
		city = nil
	}
	if prov == nil || (city == nil && !prov.Municipality && dist == nil) {
		r.Flags |= FlagIncomplete
	}
	if prov != nil {
		r.Province, r.Code = prov.Name, prov.Code
	}
	if city != nil {
		r.City = city.Name
		if city.Code != "" {
			r.Code = city.Code
		}
	}
	if dist != nil {
		r.District = dist.Name
		if dist.Code != "" {
			r.Code = dist.Code
		}
	}
	r.Detail = rest
	r.Value = concatOr(s, r.Province, r.City, r.District, r.Detail)
	return r, nil
}

// findChild returns the longest name at the start of s of the given level
// under parent (any parent when nil). With no parent, a name shared by
// several divisions is ambiguous and not matched.
func findChild(t *divisions.Table, s string, parent *divisions.Division, level divisions.Level) (divisions.Name, bool) {
	var found divisions.Name
	ok, ambiguous := false, false
	t.Prefixes(s, func(n divisions.Name) bool {
		if n.Div.Level != level || !nameFits(s, n) || !under(n.Div, parent) {
			return true
		}
		if n.Short && level == divisions.District && parent == nil {
			return true // a district's short name counts only under its city
		}
		if !ok {
			found, ok = n, true
			return parent == nil // keep looking for a clash only without a parent
		}
		if len(n.Text) == len(found.Text) && n.Div != found.Div {
			ambiguous = true
		}
		return len(n.Text) == len(found.Text)
	})
	return found, ok && !ambiguous
}

func under(d, parent *divisions.Division) bool {
	if parent == nil {
		return true
	}
	for p := d.Parent; p != nil; p = p.Parent {
		if p == parent {
			return true
		}
	}
	return false
}

// nameFits rejects a short name used as part of a street name (北京路).
func nameFits(s string, n divisions.Name) bool {
	if !n.Short {
		return true
	}
	next, _ := utf8.DecodeRuneInString(s[len(n.Text):])
	if strings.ContainsRune(roadChars, next) {
		return false
	}
	// 朝阳区 is a district, not the city 朝阳 followed by 区; 南山镇 is a
	// town, not the district 南山(区) followed by 镇.
	if n.Div.Level == divisions.District {
		return !strings.ContainsRune("区县市旗镇乡村城", next)
	}
	return !strings.ContainsRune("区县旗镇乡村", next)
}

// joinHanSpaces removes spaces next to non-ASCII characters; spaces
// between Latin words and numbers stay.
func joinHanSpaces(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && i+1 < len(s) && (s[i-1] >= utf8.RuneSelf || s[i+1] >= utf8.RuneSelf) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// splitPostalCode finds a six-digit postal code at either end of s or
// after a 邮编 label, and returns s without it.
func splitPostalCode(s string) (string, string) {
	if strings.IndexByte(s, '(') < 0 && strings.IndexByte(s, '[') < 0 && !strings.Contains(s, "邮") && !strings.Contains(s, "【") {
		goto ends
	}
	for _, label := range []string{"邮政编码:", "邮编:", "邮政编码", "邮编", "(", "[", "【"} {
		if i := strings.Index(s, label); i >= 0 {
			j := i + len(label)
			if j+6 <= len(s) && allDigits(s[j:j+6]) && (j+6 == len(s) || s[j+6] < '0' || s[j+6] > '9') {
				code := s[j : j+6]
				tail := strings.TrimLeft(s[j+6:], ")]】 ")
				return strings.TrimSpace(strings.TrimRight(s[:i], ",; ([【") + tail), code
			}
		}
	}
ends:
	if len(s) > 7 && allDigits(s[:6]) && (s[6] == ' ' || s[6] >= utf8.RuneSelf) {
		return strings.TrimSpace(s[6:]), s[:6]
	}
	if n := len(s); n > 7 && allDigits(s[n-6:]) && (s[n-7] == ' ' || s[n-7] == ',' || s[n-7] >= utf8.RuneSelf) {
		if r, _ := utf8.DecodeLastRuneInString(s[:n-6]); strings.ContainsRune("号室楼层栋座弄, ", r) {
			return strings.TrimRight(strings.TrimSpace(s[:n-6]), ","), s[n-6:]
		}
	}
	return s, ""
}

// concatOr returns the concatenation of parts, reusing s when it already
// is that concatenation (the common case of an address written in full).
func concatOr(s string, parts ...string) string {
	n, rest := 0, s
	same := true
	for _, p := range parts {
		n += len(p)
		if same {
			if strings.HasPrefix(rest, p) {
				rest = rest[len(p):]
			} else {
				same = false
			}
		}
	}
	if same && rest == "" {
		return s
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}
