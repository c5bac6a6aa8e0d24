package customer

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Gender is a customer's gender as the customer stated it.
type Gender int8

// Genders. Unknown is the zero value and is never guessed.
const (
	GenderUnknown Gender = iota
	GenderMale
	GenderFemale
)

func (g Gender) String() string {
	switch g {
	case GenderMale:
		return "male"
	case GenderFemale:
		return "female"
	default:
		return "unknown"
	}
}

// Contact is one phone number or e-mail address of a customer. Raw is the
// value exactly as a channel sent it; Value is its canonical form (E.164 for
// phones, lower-case for e-mail) used for matching.
type Contact struct {
	Raw       string
	Value     string
	Channel   Channel
	Verified  bool
	FirstSeen time.Time
	LastSeen  time.Time
}

// String prints no personal data.
func (c Contact) String() string {
	return fmt.Sprintf("Contact{channel=%s verified=%t}", c.Channel, c.Verified)
}

// GoString prints no personal data.
func (c Contact) GoString() string { return c.String() }

// Address is one postal address of a customer, split into mainland
// administrative levels where the cleaner could split it.
type Address struct {
	Raw        string
	Province   string
	City       string
	District   string
	Detail     string
	PostalCode string
	Channel    Channel
	Verified   bool
	FirstSeen  time.Time
	LastSeen   time.Time
}

// String prints no personal data.
func (a Address) String() string {
	return fmt.Sprintf("Address{channel=%s verified=%t}", a.Channel, a.Verified)
}

// GoString prints no personal data.
func (a Address) GoString() string { return a.String() }

// Customer is the profile at the centre of the 360-degree view.
//
// Version supports optimistic concurrency: a store sets it to 1 on create and
// increments it on every successful update; an update carrying an older
// version fails with ErrConflict.
//
// Formatting a Customer with %v, %+v, %#v or slog prints only its id and
// version, never personal data.
type Customer struct {
	ID              uuid.UUID
	Name            string
	Gender          Gender
	BirthDate       time.Time // zero when unknown; a date at midnight UTC
	Phones          []Contact
	Emails          []Contact
	Addresses       []Address
	MembershipLevel string
	Points          int64
	RegistrationVia Channel
	Attributes      map[string]string // host-defined attributes
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int64
}

// String prints the id and version only.
func (c Customer) String() string {
	return fmt.Sprintf("Customer{id=%s version=%d}", c.ID, c.Version)
}

// GoString prints the id and version only.
func (c Customer) GoString() string { return c.String() }

// LogValue makes slog print the id and version only.
func (c Customer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID.String()), slog.Int64("version", c.Version))
}

// Clone returns a deep copy: no slice or map is shared with c.
func (c Customer) Clone() Customer {
	c.Phones = slices.Clone(c.Phones)
	c.Emails = slices.Clone(c.Emails)
	c.Addresses = slices.Clone(c.Addresses)
	if c.Attributes != nil {
		c.Attributes = maps.Clone(c.Attributes)
	}
	return c
}

// Size limits enforced by Validate.
const (
	MaxNameBytes      = 200
	MaxContacts       = 32
	MaxValueBytes     = 512
	MaxAttributes     = 64
	MaxAttrKeyBytes   = 64
	MaxAttrValueBytes = 1024
	MaxLevelBytes     = 64
)

// Validate checks every field and returns a *FieldError (wrapping
// ErrInvalid) for the first problem found.
func (c *Customer) Validate() error {
	if c.ID == uuid.Nil {
		return invalid("id", "must not be the nil uuid")
	}
	if err := checkText("name", c.Name, MaxNameBytes); err != nil {
		return err
	}
	if c.Gender < GenderUnknown || c.Gender > GenderFemale {
		return invalid("gender", "unknown gender code")
	}
	if !c.BirthDate.IsZero() {
		if y := c.BirthDate.Year(); y < 1900 || y > 2999 {
			return invalid("birth_date", "year outside 1900-2999")
		}
	}
	if err := checkContacts("phones", c.Phones); err != nil {
		return err
	}
	if err := checkContacts("emails", c.Emails); err != nil {
		return err
	}
	if len(c.Addresses) > MaxContacts {
		return invalid("addresses", "more than %d entries", MaxContacts)
	}
	for i, a := range c.Addresses {
		f := fmt.Sprintf("addresses[%d]", i)
		for _, p := range []struct{ name, v string }{
			{"raw", a.Raw}, {"province", a.Province}, {"city", a.City},
			{"district", a.District}, {"detail", a.Detail}, {"postal_code", a.PostalCode},
		} {
			if err := checkText(f+"."+p.name, p.v, MaxValueBytes); err != nil {
				return err
			}
		}
		if err := checkChannel(f+".channel", a.Channel, false); err != nil {
			return err
		}
	}
	if err := checkText("membership_level", c.MembershipLevel, MaxLevelBytes); err != nil {
		return err
	}
	if c.Points < 0 {
		return invalid("points", "must not be negative")
	}
	if err := checkChannel("registration_via", c.RegistrationVia, false); err != nil {
		return err
	}
	return checkAttributes("attributes", c.Attributes)
}

func checkContacts(field string, cs []Contact) error {
	if len(cs) > MaxContacts {
		return invalid(field, "more than %d entries", MaxContacts)
	}
	for i, ct := range cs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkText(f+".raw", ct.Raw, MaxValueBytes); err != nil {
			return err
		}
		if err := checkText(f+".value", ct.Value, MaxValueBytes); err != nil {
			return err
		}
		if ct.Raw == "" && ct.Value == "" {
			return invalid(f, "raw and value are both empty")
		}
		if err := checkChannel(f+".channel", ct.Channel, false); err != nil {
			return err
		}
		if !ct.FirstSeen.IsZero() && !ct.LastSeen.IsZero() && ct.LastSeen.Before(ct.FirstSeen) {
			return invalid(f+".last_seen", "before first_seen")
		}
	}
	return nil
}

func checkAttributes(field string, m map[string]string) error {
	if len(m) > MaxAttributes {
		return invalid(field, "more than %d entries", MaxAttributes)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "" || len(k) > MaxAttrKeyBytes || !utf8.ValidString(k) {
			return invalid(field, "a key is empty, longer than %d bytes or not UTF-8", MaxAttrKeyBytes)
		}
		if err := checkText(field+"["+k+"]", m[k], MaxAttrValueBytes); err != nil {
			return err
		}
	}
	return nil
}

func checkText(field, s string, max int) error {
	if len(s) > max {
		return invalid(field, "longer than %d bytes", max)
	}
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	return nil
}
