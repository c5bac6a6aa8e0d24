package clean

// The reference for the name fast paths: Name, isNamePlaceholder and
// hanName exactly as they were before the fast paths (2026-11-23), kept
// here so that TestNameMatchesReference can compare the two on many
// generated names.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func (c *Cleaner) nameRef(raw string) (NameResult, error) {
	r := NameResult{Raw: raw}
	if err := checkLen("name", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if !nfkcStable(s) && !norm.NFKC.IsNormalString(s) {
		s = strings.TrimSpace(norm.NFKC.String(s))
	}
	if s == "" || s == "-" || s == "--" || s == "/" {
		return r, fieldErr("name", ErrEmpty, "no value")
	}
	if isNamePlaceholderRef(s) {
		r.Flags |= FlagPlaceholder
		return r, fieldErr("name", ErrPlaceholder, "placeholder name")
	}
	han, latin := 0, 0
	for _, ch := range s {
		switch {
		case unicode.Is(unicode.Han, ch):
			han++
		case unicode.IsLetter(ch):
			latin++
		case ch == ' ' || ch == '·' || ch == '.' || ch == '-' || ch == '\'' || ch == '•' || unicode.Is(unicode.Mn, ch):
		default:
			return r, fieldErr("name", ErrInvalid, "digits or symbols in a name")
		}
	}
	if utf8.RuneCountInString(s) > maxNameRunes {
		return r, fieldErr("name", ErrInvalid, "name too long")
	}
	switch {
	case han > 0 && latin == 0:
		c.hanNameRef(s, &r)
	case latin > 0 && han == 0:
		latinName(s, &r)
	case han > 0:
		r.Flags |= FlagMixedScript
		r.Value = s
	default:
		return r, fieldErr("name", ErrInvalid, "no letters")
	}
	if strings.IndexFunc(r.Value, unicode.IsLetter) < 0 {
		r.Value, r.Surname, r.Given = "", "", ""
		return r, fieldErr("name", ErrInvalid, "no name left after removing the title")
	}
	if isNamePlaceholderRef(r.Value) {
		r.Flags |= FlagPlaceholder
		r.Value, r.Surname, r.Given = "", "", ""
		return r, fieldErr("name", ErrPlaceholder, "placeholder name")
	}
	return r, nil
}

func isNamePlaceholderRef(s string) bool {
	l := strings.ToLower(s)
	if namePlaceholders[l] || strings.HasPrefix(l, "test") && len(l) <= 8 || strings.HasPrefix(l, "测试") {
		return true
	}
	// One character repeated (啊啊啊, aaaa, xx); a single character is a
	// surname and stays.
	first, n := utf8.DecodeRuneInString(l)
	if len(l) > n {
		same := true
		for _, ch := range l[n:] {
			if ch != first && ch != ' ' {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func (c *Cleaner) hanNameRef(s string, r *NameResult) {
	if strings.Contains(s, " ") {
		s = strings.ReplaceAll(s, " ", "")
		r.Flags |= FlagSpacesRemoved
	}
	if strings.IndexByte(s, '.') >= 0 || strings.Contains(s, "•") {
		s = nameDots.Replace(s)
	}
	// Strip titles until none is left, so that cleaning is idempotent
	// (王先生先生 → 王); the outermost one is reported.
	for stripped := true; stripped; {
		stripped = false
		for _, t := range hanTitles {
			if rest, ok := strings.CutSuffix(s, t); ok && rest != "" && titledNameLen(rest) {
				if r.Title == "" {
					r.Title = t
				}
				r.Flags |= FlagTitle
				s, stripped = rest, true
				break
			}
		}
	}
	r.Value = s
	if strings.Contains(s, "·") {
		return // transliterated minority or foreign name: no surname split
	}
	_, w := utf8.DecodeRuneInString(s)
	_, w2 := utf8.DecodeRuneInString(s[w:])
	if utf8.RuneCountInString(s) >= 3 && compoundSurnames[s[:w+w2]] {
		r.Surname, r.Given = s[:w+w2], s[w+w2:]
		return
	}
	r.Surname, r.Given = s[:w], s[w:]
}
