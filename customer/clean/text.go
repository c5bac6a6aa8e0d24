package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// isInvisible reports format characters that carry no text: zero-width
// spaces and joiners, word joiner, byte order mark, soft hyphen,
// bidirectional marks.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2064, r == 0xFEFF, r == 0x00AD, r == 0x180E:
		return true
	}
	return false
}

// tidy removes invisible characters, folds full-width forms to ASCII,
// turns every kind of white space into one ASCII space, collapses runs of
// spaces and trims both ends. Invalid UTF-8 becomes U+FFFD.
func tidy(s string) (string, Flags) {
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' || c == 0x7f || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			plain = false
			break
		}
	}
	if plain || !needsTidy(s) {
		return s, 0
	}
	var f Flags
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isInvisible(r):
			f |= FlagInvisible
			continue
		case r == ' ':
			space = true
			continue
		case r == 0x3000:
			f |= FlagWidthFolded
			space = true
			continue
		case unicode.IsSpace(r):
			f |= FlagInvisible
			space = true
			continue
		case unicode.IsControl(r):
			f |= FlagInvisible
			continue
		}
		if r >= 0xFF01 && r <= 0xFFEE {
			if p := width.LookupRune(r); p.Kind() == width.EastAsianFullwidth || p.Kind() == width.EastAsianHalfwidth {
				if n := p.Narrow(); n != 0 && p.Kind() == width.EastAsianFullwidth {
					r = n
					f |= FlagWidthFolded
				}
			}
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String(), f
}

// emptyWords are values that mean "no value" in Chinese and English data.
var emptyWords = map[string]bool{
	"无": true, "無": true, "暂无": true, "没有": true, "空": true, "-": true, "--": true,
	"/": true, "n/a": true, "na": true, "none": true, "null": true, "nil": true,
	"nan": true, "undefined": true, "#n/a": true, "不详": true, "不詳": true, "—": true,
	"?": true, "？": true, ".": true,
}

// isEmptyWord reports whether a tidied value means "no value".
func isEmptyWord(s string) bool {
	if len(s) > 12 {
		return false
	}
	return emptyWords[strings.ToLower(s)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// checkLen rejects oversize input before any other work, then input that
// is not valid UTF-8 (mis-decoded text is not guessed at).
func checkLen(field, raw string, max int) error {
	if len(raw) > max {
		return fieldErr(field, ErrTooLong, "input exceeds size limit")
	}
	if !utf8.ValidString(raw) {
		return fieldErr(field, ErrInvalid, "not valid UTF-8")
	}
	return nil
}

// needsTidy reports whether tidy would change a string that is not plain
// ASCII; most Chinese text needs nothing and is returned without copying.
func needsTidy(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	prevSpace := false
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return true
			}
			prevSpace = true
			continue
		case r < ' ' || r == 0x7f || r == utf8.RuneError:
			return true
		case r >= 0x80 && (isInvisible(r) || unicode.IsSpace(r) || unicode.IsControl(r) || r >= 0xFF01 && r <= 0xFFEE):
			return true
		}
		prevSpace = false
	}
	return false
}
