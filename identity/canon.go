package identity

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/cimkit/cimkit/customer/clean"
)

// value is one canonical identifier before tokenising. Its display value
// (masked for support agents) is made by appendDisplay when the record is
// assembled, so canonicalising allocates no display strings.
type value struct {
	kind  Kind
	canon string // "" for a phone until materialised (see e164)
	mask  maskKind
	weak  bool   // the kind's rule is weak (set by canonValues)
	src   string // what maskEmail masks (the cleaned address, not the match key)
	// e164 holds a phone's canonical value (its first ne164 bytes), so
	// that Prepare hashes and masks it without making a string.
	e164  [16]byte
	ne164 uint8
}

// canonical returns the canonical value as a string (allocating for a
// phone not materialised).
func (v *value) canonical() string {
	if v.ne164 > 0 {
		return string(v.e164[:v.ne164])
	}
	return v.canon
}

// maskKind says how a value's display is derived.
type maskKind uint8

const (
	maskNone   maskKind = iota // display the canonical value (already masked or not personal)
	maskPhone                  // +86 138****5678
	maskEmail                  // l***@qq.com, from src
	maskName                   // 张*
	maskIDCard                 // 1101**********1234
	maskEnds                   // a****z
)

// canonicalise appends the canonical values of one raw identifier to dst
// (a name also yields its surname; a masked phone becomes a weak
// phone_masked value). On error dst is returned unchanged.
func (rs *Rules) canonicalise(c *clean.Cleaner, id Identifier, dst []value) ([]value, clean.Flags, error) {
	out, flags, err := rs.canonicaliseLazy(c, id, dst)
	for i := len(dst); i < len(out); i++ {
		if v := &out[i]; v.ne164 > 0 {
			v.canon, v.e164, v.ne164 = string(v.e164[:v.ne164]), [16]byte{}, 0
		}
	}
	return out, flags, err
}

// canonicaliseLazy is canonicalise leaving phones' canonical values in
// value.e164 (Prepare's assemble reads them there).
func (rs *Rules) canonicaliseLazy(c *clean.Cleaner, id Identifier, dst []value) ([]value, clean.Flags, error) {
	out, flags, err := rs.canonValues(c, id, dst)
	if err != nil {
		return dst, flags, err
	}
	return out, flags, nil
}

func (rs *Rules) canonValues(c *clean.Cleaner, id Identifier, out []value) ([]value, clean.Flags, error) {
	r := rs.rule(id.Kind)
	if r == nil {
		return nil, 0, &IdentifierError{Kind: id.Kind, Reason: "kind not in rules", Err: ErrUnknownKind}
	}
	if len(id.Value) > r.MaxLen {
		return nil, 0, &IdentifierError{Kind: id.Kind, Reason: "value longer than the kind's limit", Err: ErrTooLong}
	}
	bad := func(reason string, err error) error {
		return &IdentifierError{Kind: id.Kind, Reason: reason, Err: err}
	}
	start := len(out)
	var flags clean.Flags
	switch r.Canon {
	case CanonPhone:
		p, err := c.Phone(id.Value)
		flags = p.Flags
		switch {
		case errors.Is(err, clean.ErrMasked):
			m := clean.Mask(clean.FieldPhone, id.Value)
			// (Returned without the blocklist check below, as always.)
			if mr := rs.rule(KindMaskedPhone); mr != nil && strings.Count(m, "*") < len(m) {
				return append(out, value{kind: KindMaskedPhone, canon: m, weak: mr.Weak}), flags, nil
			}
			return nil, flags, bad("value is masked", errors.Join(ErrInvalid, err))
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case errors.Is(err, clean.ErrTooLong):
			return nil, flags, bad("value too long", errors.Join(ErrTooLong, err))
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{kind: id.Kind, mask: maskPhone})
		v := &out[len(out)-1]
		if n := len(p.AppendE164(v.e164[:0])); n > 0 && n <= len(v.e164) {
			v.ne164 = uint8(n) // AppendE164 wrote into v.e164
		} else {
			v.canon = p.E164()
		}
	case CanonEmail:
		e, err := c.Email(id.Value)
		flags = e.Flags
		switch {
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		key := e.MatchKey
		if e.Flags.Has(clean.FlagTypo) && e.Suggestion != "" {
			// A misspelt provider domain (163.cm) is the same mailbox as
			// the intended one.
			if s, err := c.Email(e.Suggestion); err == nil {
				key = s.MatchKey
			}
		}
		out = append(out, value{kind: id.Kind, canon: key, mask: maskEmail, src: e.Value})
	case CanonIDCard:
		v, err := c.IDCard(id.Value)
		flags = v.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{kind: id.Kind, canon: v.Value, mask: maskIDCard})
	case CanonName:
		n, err := c.Name(id.Value)
		flags = n.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return out, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{kind: id.Kind, canon: n.Value, mask: maskName})
		if n.Surname != "" && rs.rule(KindSurname) != nil {
			out = append(out, value{kind: KindSurname, canon: n.Surname})
		}
	default:
		v := canonSimple(r.Canon, id.Value)
		if v == "" || isNothing(v) {
			return out, 0, nil
		}
		if r.Canon == CanonDevice && oneRepeated(v) {
			return nil, 0, bad("value is a placeholder (one repeated character)", ErrBlocked)
		}
		out = append(out, value{kind: id.Kind, canon: v, mask: maskEnds})
	}
	for i := start; i < len(out); i++ {
		v := &out[i]
		vr := r
		if v.kind != id.Kind {
			vr = rs.rule(v.kind)
		}
		if vr == nil {
			continue // not reached: extra kinds are added only when ruled
		}
		v.weak = vr.Weak
		// The blocklist map of a kind is empty exactly when its rule lists
		// nothing; most kinds (phone, email, name) list nothing.
		if len(vr.Blocklist) > 0 && (v.ne164 > 0 && rs.block[v.kind][string(v.e164[:v.ne164])] || v.ne164 == 0 && rs.block[v.kind][v.canon]) {
			return nil, flags, &IdentifierError{Kind: v.kind, Reason: "value is blocklisted", Err: ErrBlocked}
		}
	}
	return out, flags, nil
}

// canonSimple applies the text-only canonicalisations; the cleaner-based
// ones fall back to trimming (used for blocklist entries).
func canonSimple(c Canon, s string) string {
	if c == CanonLower || c == CanonDevice || c == CanonEmail {
		if plainLower(s) {
			return s
		}
	}
	s = strings.TrimSpace(s)
	switch c {
	case CanonLower, CanonDevice, CanonEmail:
		return strings.ToLower(s)
	case CanonUpper:
		return strings.ToUpper(s)
	}
	return s
}

// plainLower reports, in one pass, that s is ASCII without upper-case
// letters and without white space at either end, so that trimming and
// lower-casing would return it unchanged.
func plainLower(s string) bool {
	if s == "" || asciiSpace(s[0]) || asciiSpace(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// asciiSpace reports the ASCII bytes strings.TrimSpace removes.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isNothing(s string) bool {
	if len(s) > 3 { // the longest below is three bytes
		return false
	}
	switch strings.ToLower(s) {
	case "-", "--", "n/a", "na", "无":
		return true
	}
	return false
}

// oneRepeated reports whether the letters and digits of s are one
// character repeated (000000, ffffffff, 00000000-0000-0000-...).
func oneRepeated(s string) bool {
	var first rune
	n := 0
	for _, r := range s {
		if r == '-' || r == ':' || r == ' ' || r == '_' {
			continue
		}
		if n == 0 {
			first = r
		} else if r != first {
			return false
		}
		n++
	}
	return n > 0
}

// appendDisplay appends the display form of v.
func appendDisplay(dst []byte, v value) []byte {
	switch v.mask {
	case maskPhone:
		if v.ne164 > 0 {
			return appendMaskPhone(dst, v.e164[:v.ne164])
		}
		return appendMaskPhone(dst, v.canon)
	case maskEmail:
		return appendMaskEmail(dst, v.src)
	case maskName:
		return appendMaskName(dst, v.canon)
	case maskIDCard:
		return append(dst, clean.Mask(clean.FieldIDCard, v.canon)...)
	case maskEnds:
		return appendMaskEnds(dst, v.canon)
	}
	return append(dst, v.canon...)
}

// appendMaskPhone masks an E.164 number, keeping the country code
// readable: +86 138****5678. Canonical values are ASCII, so bytes are
// characters.
func appendMaskPhone[T string | []byte](dst []byte, e164 T) []byte {
	if len(e164) >= 3+8 && string(e164[:3]) == "+86" {
		rest := e164[3:]
		dst = append(dst, "+86 "...)
		dst = append(dst, rest[:3]...)
		for range len(rest) - 7 {
			dst = append(dst, '*')
		}
		return append(dst, rest[len(rest)-4:]...)
	}
	return append(dst, clean.Mask(clean.FieldPhone, string(e164))...)
}

// appendMaskEmail keeps the first character and the domain: l***@qq.com.
func appendMaskEmail(dst []byte, v string) []byte {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || v[0] >= 0x80 {
		return append(dst, clean.Mask(clean.FieldEmail, v)...)
	}
	return append(append(append(dst, v[0]), "***"...), v[at:]...)
}

// appendMaskName keeps a canonical name's first character: 张*, 王**.
func appendMaskName(dst []byte, v string) []byte {
	r, size := utf8.DecodeRuneInString(v)
	if size == 0 {
		return dst
	}
	dst = utf8.AppendRune(dst, r)
	for range max(utf8.RuneCountInString(v)-1, 1) {
		dst = append(dst, '*')
	}
	return dst
}

// appendMaskEnds keeps the first and last character of an ASCII value.
func appendMaskEnds(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return append(dst, clean.Mask("", v)...)
		}
	}
	if len(v) <= 2 {
		for range len(v) {
			dst = append(dst, '*')
		}
		return dst
	}
	dst = append(dst, v[0])
	for range len(v) - 2 {
		dst = append(dst, '*')
	}
	return append(dst, v[len(v)-1])
}
