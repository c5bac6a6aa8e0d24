package clean

import (
	"strings"
	"unicode/utf8"
)

// Mask returns raw with most of it hidden, for reports and logs: phone
// numbers keep the first three and last four digits (138****5678), emails
// the first character of the local part and the domain (z***@qq.com),
// names the first character (张*), ID numbers the first four and last
// four characters, addresses the first six characters. Other text keeps
// its first and last character. Mask never returns more than a third of a
// value longer than six characters.
func Mask(f Field, raw string) string {
	s, _ := tidy(raw)
	if s == "" {
		return ""
	}
	rs := []rune(s)
	switch f {
	case FieldPhone:
		d := []rune(digitsOnly(s))
		if len(d) >= 8 {
			return string(d[:3]) + strings.Repeat("*", len(d)-7) + string(d[len(d)-4:])
		}
		return strings.Repeat("*", len(d))
	case FieldEmail:
		if at := strings.LastIndexByte(s, '@'); at > 0 {
			first, _ := utf8.DecodeRuneInString(s)
			return string(first) + "***" + s[at:]
		}
	case FieldName:
		return string(rs[0]) + strings.Repeat("*", max(len(rs)-1, 1))
	case FieldIDCard:
		if len(rs) >= 12 {
			return string(rs[:4]) + strings.Repeat("*", len(rs)-8) + string(rs[len(rs)-4:])
		}
	case FieldAddress:
		if len(rs) > 9 {
			return string(rs[:6]) + "***"
		}
	case FieldGender:
		return s
	}
	if len(rs) <= 2 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}
