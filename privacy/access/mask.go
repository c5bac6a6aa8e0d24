package access

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cimkit/cimkit/customer"
)

// MaskDigits hides the digits of a phone-like value except the first three
// and the last four ("138 0013 8000" → "138 **** 8000"); with fewer than
// eleven digits only the last four stay, and with fewer than eight none.
// Other characters are kept, so the format stays recognisable.
func MaskDigits(s string) string {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	head, tail := 0, 4
	switch {
	case n >= 11:
		head = 3
	case n < 8:
		tail = 0
	}
	var b strings.Builder
	i := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			if i >= head && i < n-tail {
				r = '*'
			}
			i++
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaskEmail keeps the first character of the local part and the domain
// ("zhang.san@example.com" → "z***@example.com"). A value without "@" is
// masked whole.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return MaskText(s)
	}
	r, _ := utf8.DecodeRuneInString(s)
	return string(r) + "***" + s[at:]
}

// MaskText keeps the first character and replaces the rest with one "*"
// per character ("张三丰" → "张**").
func MaskText(s string) string {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(s)
	if n == 1 {
		return "*"
	}
	return string(r) + strings.Repeat("*", n-1)
}

// MaskTail keeps the last four characters of an identifier and hides the
// rest; values of eight characters or fewer are hidden whole.
func MaskTail(s string) string {
	rs := []rune(s)
	if len(rs) <= 8 {
		return strings.Repeat("*", len(rs))
	}
	return strings.Repeat("*", len(rs)-4) + string(rs[len(rs)-4:])
}

func maskContacts(cs []customer.Contact, f func(string) string) []customer.Contact {
	out := make([]customer.Contact, len(cs))
	for i, c := range cs {
		c.Raw, c.Value = f(c.Raw), f(c.Value)
		out[i] = c
	}
	return out
}

// applyContact sets the contact group of c to the view.
func applyContact(c *customer.Customer, v View) {
	switch v {
	case ViewPlain:
	case ViewMasked:
		c.Name = MaskText(c.Name)
		c.Phones = maskContacts(c.Phones, MaskDigits)
		c.Emails = maskContacts(c.Emails, MaskEmail)
	default:
		c.Name, c.Phones, c.Emails = "", nil, nil
	}
}

func applyIdentity(c *customer.Customer, v View) {
	switch v {
	case ViewPlain:
	case ViewMasked:
		if !c.BirthDate.IsZero() { // the year only
			c.BirthDate = time.Date(c.BirthDate.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		c.Gender = customer.GenderUnknown
	default:
		c.BirthDate, c.Gender = time.Time{}, customer.GenderUnknown
	}
}

func applyAddress(c *customer.Customer, v View) {
	switch v {
	case ViewPlain:
	case ViewMasked: // province and city only
		out := make([]customer.Address, len(c.Addresses))
		for i, a := range c.Addresses {
			out[i] = customer.Address{Raw: a.Province + a.City, Province: a.Province, City: a.City,
				Channel: a.Channel, Verified: a.Verified, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen}
		}
		c.Addresses = out
	default:
		c.Addresses = nil
	}
}

func applyAccount(c *customer.Customer, v View) {
	if v == ViewPlain {
		return
	}
	c.MembershipLevel, c.Points, c.RegistrationVia = "", 0, ""
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
}

// applyAttribute returns the attribute value under the view, and whether
// it stays.
func applyAttribute(val string, v View) (string, bool) {
	switch v {
	case ViewPlain:
		return val, true
	case ViewMasked:
		return MaskTail(val), true
	default:
		return "", false
	}
}
