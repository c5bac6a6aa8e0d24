package clean

import (
	"strings"
	"unicode"
)

// PhoneKind is the type of a phone number as classified by the
// phonenumbers metadata.
type PhoneKind uint8

// Phone number kinds.
const (
	KindUnknown PhoneKind = iota
	KindMobile
	KindFixedLine
	KindFixedLineOrMobile
	KindTollFree
	KindPremiumRate
	KindSharedCost
	KindVoIP
	KindPersonal
	KindPager
	KindUAN
	KindVoicemail
)

var kindNames = [...]string{"unknown", "mobile", "fixed_line", "fixed_line_or_mobile",
	"toll_free", "premium_rate", "shared_cost", "voip", "personal", "pager", "uan", "voicemail"}

// String returns the kind's name, such as "mobile" or "fixed_line".
func (k PhoneKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// PhoneResult is one cleaned phone number. It is a small comparable value;
// E164 and Value build strings on demand, AppendE164 does not allocate.
type PhoneResult struct {
	Raw       string    // the input exactly as given (the whole field)
	Kind      PhoneKind // mobile, fixed line, toll free, ...
	Region    string    // ISO 3166-1 region of the number, such as "CN" or "HK"
	Extension string    // digits of an extension (转123, ext. 12), or ""
	Flags     Flags     // observations; FlagMultiple when the field held several numbers
	Err       error     // why this number is unusable, or nil
	e164      [16]byte
	n         uint8
}

// OK reports whether the number is usable (valid and not masked, lossy or a
// placeholder).
func (p PhoneResult) OK() bool { return p.Err == nil && p.n > 0 }

// E164 returns the number in E.164 form (+8613812345678), or "" when no
// number was recognised.
func (p PhoneResult) E164() string { return string(p.e164[:p.n]) }

// AppendE164 appends the E.164 form to b without allocating when b has room.
func (p PhoneResult) AppendE164(b []byte) []byte { return append(b, p.e164[:p.n]...) }

// Value returns the canonical text: the E.164 form, followed by ";ext=N"
// when there is an extension (RFC 3966 style). Cleaning Value again gives
// the same result.
func (p PhoneResult) Value() string {
	if p.Extension == "" || p.n == 0 {
		return p.E164()
	}
	return p.E164() + ";ext=" + p.Extension
}

func (p *PhoneResult) setE164(s string) {
	p.n = uint8(copy(p.e164[:], s))
}

// Phone cleans a field expected to hold one phone number. When the field
// holds several, the first usable one is returned with FlagMultiple set
// (use Phones for all). The error is the returned number's Err.
func (c *Cleaner) Phone(raw string) (PhoneResult, error) {
	if !c.noFast {
		if r, ok := c.phoneFast(raw); ok {
			return r, nil
		}
	}
	all, _ := c.phones(raw)
	for _, r := range all {
		if r.OK() {
			return r, nil
		}
	}
	return all[0], all[0].Err
}

// Phones cleans a field that may hold several phone numbers separated by
// "/", ";", "、", "," and similar. It returns one result per number found
// (never an empty slice) and the first error among them, or nil when every
// number is usable.
func (c *Cleaner) Phones(raw string) ([]PhoneResult, error) {
	if !c.noFast {
		if r, ok := c.phoneFast(raw); ok {
			return []PhoneResult{r}, nil
		}
	}
	return c.phones(raw)
}

func (c *Cleaner) phones(raw string) ([]PhoneResult, error) {
	fail := func(f Flags, err error) ([]PhoneResult, error) {
		return []PhoneResult{{Raw: raw, Flags: f, Err: err}}, err
	}
	if err := checkLen("phone", raw, c.maxLen); err != nil {
		return fail(0, err)
	}
	in := raw
	if t := strings.TrimSpace(raw); strings.ContainsAny(t, "\r\n") {
		// Numbers on separate lines of one cell.
		in = lineBreaks.Replace(t)
	}
	s, f := tidy(in)
	if s == "" || isEmptyWord(s) || s == "未知" {
		return fail(f, fieldErr("phone", ErrEmpty, "no value"))
	}
	s, sf, err := spreadsheetNumber(s)
	f |= sf
	if err != nil {
		return fail(f, err)
	}
	if r, ok := c.phoneFastTidied(s); ok {
		// Tidying or undoing a spreadsheet form left a plainly written
		// mobile number: the fast path gives what the library would.
		r.Raw = raw
		r.Flags |= f
		return []PhoneResult{r}, nil
	}
	if strings.Contains(s, ";ext=") {
		// The RFC 3966 extension of a Value is not a second number.
		s = strings.ReplaceAll(s, ";ext=", " ext. ")
	}
	pieces := splitPhones(s)
	if len(pieces) > 1 {
		f |= FlagMultiple
	}
	out := make([]PhoneResult, 0, len(pieces))
	var first error
	for _, p := range pieces {
		r := c.parsePhone(p)
		r.Raw = raw
		r.Flags |= f
		if r.Err != nil && first == nil {
			first = r.Err
		}
		out = append(out, r)
	}
	return out, first
}

// spreadsheetNumber undoes the forms a spreadsheet gives a phone number
// stored as a number: "13812345678.0" and "1.3812345678E10" are exact and
// accepted with FlagSpreadsheet; "1.38123E+10" lost digits and is rejected.
func spreadsheetNumber(s string) (string, Flags, error) {
	if len(s) < 3 || s[0] < '0' || s[0] > '9' {
		return s, 0, nil
	}
	if i := strings.IndexAny(s, "eE"); i > 0 {
		mant, exp := s[:i], s[i+1:]
		if len(mant) < 3 || mant[1] != '.' || !allDigits(mant[:1]) || !allDigits(mant[2:]) {
			return s, 0, nil
		}
		exp = strings.TrimPrefix(exp, "+")
		if len(exp) == 0 || len(exp) > 2 || !allDigits(exp) {
			return s, 0, nil
		}
		e := int(exp[0] - '0')
		if len(exp) == 2 {
			e = e*10 + int(exp[1]-'0')
		}
		frac := mant[2:]
		switch {
		case e == len(frac):
			return mant[:1] + frac, FlagSpreadsheet, nil
		case e > len(frac):
			return s, FlagSpreadsheet, fieldErr("phone", ErrLossy, "spreadsheet scientific notation lost digits")
		default:
			return s, FlagSpreadsheet, fieldErr("phone", ErrInvalid, "not a whole number")
		}
	}
	if i := strings.IndexByte(s, '.'); i > 0 && allDigits(s[:i]) && i+1 < len(s) && strings.Trim(s[i+1:], "0") == "" {
		return s[:i], FlagSpreadsheet, nil
	}
	return s, 0, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

var lineBreaks = strings.NewReplacer("\r\n", ";", "\n", ";", "\r", ";")

// phoneSeparators split a field into several numbers.
var phoneSeparators = []string{"/", ";", "、", ",", "|", "或", "及", "和", "；", "，", " or ", "\\"}

// splitPhones splits a field holding several numbers. A split is accepted
// only when at least two parts hold seven or more digits (or a mask), so a
// slash inside one number ("010/88888888") does not split it.
func splitPhones(s string) []string {
	parts := []string{s}
	for _, sep := range phoneSeparators {
		if !strings.Contains(s, sep) {
			continue
		}
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	if len(parts) == 1 {
		return splitSpacedMobiles(s)
	}
	var nums []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if countDigits(p) >= 7 || (countDigits(p) > 0 && isMasked(p)) {
			nums = append(nums, p)
		}
	}
	if len(nums) < 2 {
		return []string{s}
	}
	return nums
}

// splitSpacedMobiles splits "13812345678 13912345678": several 11-digit
// numbers starting with 1 separated by spaces only.
func splitSpacedMobiles(s string) []string {
	if len(s) < 23 {
		return []string{s}
	}
	f := strings.Fields(s)
	if len(f) < 2 {
		return []string{s}
	}
	for _, t := range f {
		if len(t) != 11 || t[0] != '1' || !allDigits(t) {
			return []string{s}
		}
	}
	return f
}

// isMasked reports display masking: any '*', '●' or '•', or a run of two or
// more 'x' or 'X', in a string that also holds digits.
func isMasked(s string) bool {
	run := 0
	for _, r := range s {
		switch r {
		case '*', '●', '•', '★', '⋆', '∗':
			return true
		case 'x', 'X', '×':
			run++
			if run >= 2 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
