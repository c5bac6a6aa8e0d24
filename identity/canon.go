package identity

import (
	"errors"
	"strings"

	"github.com/cimkit/cimkit/customer/clean"
)

// value is one canonical identifier before tokenising.
type value struct {
	kind    Kind
	canon   string
	display string // masked for support agents
}

// canonicalise turns one raw identifier into canonical values (a name also
// yields its surname; a masked phone becomes a weak phone_masked value).
func (rs *Rules) canonicalise(c *clean.Cleaner, id Identifier) ([]value, clean.Flags, error) {
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
	var out []value
	var flags clean.Flags
	switch r.Canon {
	case CanonPhone:
		p, err := c.Phone(id.Value)
		flags = p.Flags
		switch {
		case errors.Is(err, clean.ErrMasked):
			m := clean.Mask(clean.FieldPhone, id.Value)
			if rs.rule(KindMaskedPhone) != nil && strings.Count(m, "*") < len(m) {
				return []value{{KindMaskedPhone, m, m}}, flags, nil
			}
			return nil, flags, bad("value is masked", errors.Join(ErrInvalid, err))
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return nil, flags, nil
		case errors.Is(err, clean.ErrTooLong):
			return nil, flags, bad("value too long", errors.Join(ErrTooLong, err))
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		e164 := p.E164()
		out = append(out, value{id.Kind, e164, maskPhone(e164)})
	case CanonEmail:
		e, err := c.Email(id.Value)
		flags = e.Flags
		switch {
		case errors.Is(err, clean.ErrPlaceholder):
			return nil, flags, bad("value is a placeholder", errors.Join(ErrBlocked, err))
		case errors.Is(err, clean.ErrEmpty):
			return nil, flags, nil
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
		out = append(out, value{id.Kind, key, maskEmail(e.Value)})
	case CanonIDCard:
		v, err := c.IDCard(id.Value)
		flags = v.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return nil, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{id.Kind, v.Value, clean.Mask(clean.FieldIDCard, v.Value)})
	case CanonName:
		n, err := c.Name(id.Value)
		flags = n.Flags
		switch {
		case errors.Is(err, clean.ErrEmpty):
			return nil, flags, nil
		case err != nil:
			return nil, flags, bad("value not usable: "+clean.ErrorClass(err), errors.Join(ErrInvalid, err))
		}
		out = append(out, value{id.Kind, n.Value, clean.Mask(clean.FieldName, n.Value)})
		if n.Surname != "" && rs.rule(KindSurname) != nil {
			out = append(out, value{KindSurname, n.Surname, n.Surname})
		}
	default:
		v := canonSimple(r.Canon, id.Value)
		if v == "" || isNothing(v) {
			return nil, 0, nil
		}
		if r.Canon == CanonDevice && oneRepeated(v) {
			return nil, 0, bad("value is a placeholder (one repeated character)", ErrBlocked)
		}
		out = append(out, value{id.Kind, v, maskEnds(v)})
	}
	for _, v := range out {
		if rs.block[v.kind][v.canon] {
			return nil, flags, &IdentifierError{Kind: v.kind, Reason: "value is blocklisted", Err: ErrBlocked}
		}
	}
	return out, flags, nil
}

// canonSimple applies the text-only canonicalisations; the cleaner-based
// ones fall back to trimming (used for blocklist entries).
func canonSimple(c Canon, s string) string {
	s = strings.TrimSpace(s)
	switch c {
	case CanonLower, CanonDevice, CanonEmail:
		return strings.ToLower(s)
	case CanonUpper:
		return strings.ToUpper(s)
	}
	return s
}

func isNothing(s string) bool {
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

// maskPhone masks an E.164 number, keeping the country code readable:
// +86 138****5678. Canonical values are ASCII, so bytes are characters.
func maskPhone(e164 string) string {
	if rest, ok := strings.CutPrefix(e164, "+86"); ok && len(rest) >= 8 {
		b := make([]byte, 0, len(rest)+4)
		b = append(b, "+86 "...)
		b = append(b, rest[:3]...)
		for range len(rest) - 7 {
			b = append(b, '*')
		}
		return string(append(b, rest[len(rest)-4:]...))
	}
	return clean.Mask(clean.FieldPhone, e164)
}

// maskEmail keeps the first character and the domain: l***@qq.com.
func maskEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || v[0] >= 0x80 {
		return clean.Mask(clean.FieldEmail, v)
	}
	return v[:1] + "***" + v[at:]
}

// maskEnds keeps the first and last character of an ASCII value.
func maskEnds(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return clean.Mask("", v)
		}
	}
	if len(v) <= 2 {
		return strings.Repeat("*", len(v))
	}
	b := []byte(v)
	for i := 1; i < len(b)-1; i++ {
		b[i] = '*'
	}
	return string(b)
}
