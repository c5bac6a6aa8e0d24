package privacy

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Phone, Email, Name and Text hold personal data in plaintext but print
// masked: String, every fmt verb (%v %+v %#v %s %q %x ...), JSON, text
// marshalling and slog all show the masked form. Reveal returns the
// plaintext; use it only where the value is really needed.
//
// fmt cannot call methods on unexported struct fields, so a struct that
// keeps one of these types in an unexported field still prints it in
// clear with %v; keep them in exported fields, or give the struct its own
// String method. Likewise encoding/json writes map keys of a string type
// as they are: do not use these types as map keys.

// Phone is a phone number that prints as 138****5678.
type Phone string

// Email is an e-mail address that prints as z***@qq.com.
type Email string

// Name is a person's name that prints as 张* (first character kept).
type Name string

// Text is any other personal text (address, note) that prints as ***.
type Text string

// Reveal returns the plaintext phone number.
func (p Phone) Reveal() string { return string(p) }

// Reveal returns the plaintext address.
func (e Email) Reveal() string { return string(e) }

// Reveal returns the plaintext name.
func (n Name) Reveal() string { return string(n) }

// Reveal returns the plaintext text.
func (t Text) Reveal() string { return string(t) }

// String returns the masked phone: all but the last 4 characters and up to
// the first 3 of an 11-character number are replaced by 4 stars.
func (p Phone) String() string { return maskPhone(string(p)) }

// String returns the masked address: first character of the local part,
// "***", and the domain.
func (e Email) String() string { return maskEmail(string(e)) }

// String returns the first character followed by one star per further
// character, at most 3.
func (n Name) String() string { return maskName(string(n)) }

// String returns "***", or "" for an empty text.
func (t Text) String() string { return maskText(string(t)) }

// GoString returns privacy.Phone("<masked>").
func (p Phone) GoString() string { return "privacy.Phone(" + strconv.Quote(p.String()) + ")" }

// GoString returns privacy.Email("<masked>").
func (e Email) GoString() string { return "privacy.Email(" + strconv.Quote(e.String()) + ")" }

// GoString returns privacy.Name("<masked>").
func (n Name) GoString() string { return "privacy.Name(" + strconv.Quote(n.String()) + ")" }

// GoString returns privacy.Text("<masked>").
func (t Text) GoString() string { return "privacy.Text(" + strconv.Quote(t.String()) + ")" }

// Format prints the masked value for every verb.
func (p Phone) Format(f fmt.State, verb rune) { format(f, verb, p.String(), p.GoString()) }

// Format prints the masked value for every verb.
func (e Email) Format(f fmt.State, verb rune) { format(f, verb, e.String(), e.GoString()) }

// Format prints the masked value for every verb.
func (n Name) Format(f fmt.State, verb rune) { format(f, verb, n.String(), n.GoString()) }

// Format prints the masked value for every verb.
func (t Text) Format(f fmt.State, verb rune) { format(f, verb, t.String(), t.GoString()) }

// MarshalJSON encodes the masked value as a JSON string.
func (p Phone) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// MarshalJSON encodes the masked value as a JSON string.
func (e Email) MarshalJSON() ([]byte, error) { return json.Marshal(e.String()) }

// MarshalJSON encodes the masked value as a JSON string.
func (n Name) MarshalJSON() ([]byte, error) { return json.Marshal(n.String()) }

// MarshalJSON encodes the masked value as a JSON string.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// MarshalText encodes the masked value (used for map keys and by
// text-based encoders).
func (p Phone) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// MarshalText encodes the masked value.
func (e Email) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// MarshalText encodes the masked value.
func (n Name) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// MarshalText encodes the masked value.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// LogValue makes slog log the masked value.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.String()) }

// LogValue makes slog log the masked value.
func (e Email) LogValue() slog.Value { return slog.StringValue(e.String()) }

// LogValue makes slog log the masked value.
func (n Name) LogValue() slog.Value { return slog.StringValue(n.String()) }

// LogValue makes slog log the masked value.
func (t Text) LogValue() slog.Value { return slog.StringValue(t.String()) }

// format writes masked under the caller's verb and flags; %#v uses the Go
// syntax form.
func format(f fmt.State, verb rune, masked, goSyntax string) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, goSyntax)
		return
	}
	switch verb {
	case 'v', 's', 'q', 'x', 'X':
		fmt.Fprintf(f, fmt.FormatString(f, verb), masked)
	default:
		fmt.Fprintf(f, "%%!%c(privacy=%s)", verb, masked)
	}
}

func maskPhone(s string) string {
	r := []rune(s)
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return strings.Repeat("*", n)
	case n < 8:
		return strings.Repeat("*", n-2) + string(r[n-2:])
	}
	return string(r[:n-8]) + "****" + string(r[n-4:])
}

func maskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return maskText(s)
	}
	first, _ := utf8.DecodeRuneInString(s)
	return string(first) + "***" + s[at:]
}

func maskName(s string) string {
	if s == "" {
		return ""
	}
	first, size := utf8.DecodeRuneInString(s)
	rest := min(utf8.RuneCountInString(s[size:]), 3)
	return string(first) + strings.Repeat("*", rest)
}

func maskText(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}
