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
	// Sealed holds the ciphertexts of personal fields when the Service has
	// a FieldSealer (Options.Sealer), keyed by field path ("name",
	// "phones[0].raw", "addresses[1].detail", "attributes[id_card]"; see
	// FieldSealer). It is what a Store keeps in place of the plaintext:
	// the sealed fields themselves are empty in the stored form. A Service
	// with a sealer opens it on every read and returns customers with
	// Sealed nil; a Service without one returns it as stored. Stores must
	// persist it as opaque bytes.
	Sealed    map[string][]byte
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
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
	if c.Sealed != nil {
		// One backing array for all ciphertexts; each entry is capped so
		// appending to one cannot overwrite the next.
		n := 0
		for _, v := range c.Sealed {
			n += len(v)
		}
		buf := make([]byte, 0, n)
		m := make(map[string][]byte, len(c.Sealed))
		for k, v := range c.Sealed {
			if v == nil {
				m[k] = nil
				continue
			}
			i := len(buf)
			buf = append(buf, v...)
			m[k] = buf[i:len(buf):len(buf)]
		}
		c.Sealed = m
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
	if err := checkContacts("phones", c.Phones, c.Sealed); err != nil {
		return err
	}
	if err := checkContacts("emails", c.Emails, c.Sealed); err != nil {
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
	if err := checkAttributes("attributes", c.Attributes); err != nil {
		return err
	}
	return checkSealed(c.Sealed)
}

// checkSealed bounds Customer.Sealed; the first bad key in sorted order is
// reported.
func checkSealed(m map[string][]byte) error {
	if len(m) > MaxSealedFields {
		return invalid("sealed", "more than %d entries", MaxSealedFields)
	}
	found, bad := false, ""
	for k, v := range m {
		if k == "" || len(k) > MaxSealedKeyBytes || !utf8.ValidString(k) || len(v) == 0 || len(v) > MaxSealedValueBytes {
			if !found || k < bad {
				found, bad = true, k
			}
		}
	}
	if !found {
		return nil
	}
	if bad == "" || len(bad) > MaxSealedKeyBytes || !utf8.ValidString(bad) {
		return invalid("sealed", "a key is empty, longer than %d bytes or not UTF-8", MaxSealedKeyBytes)
	}
	return invalid("sealed["+bad+"]", "ciphertext is empty or longer than %d bytes", MaxSealedValueBytes)
}

func checkContacts(field string, cs []Contact, sealed map[string][]byte) error {
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
		if ct.Raw == "" && ct.Value == "" && sealed[f+".raw"] == nil && sealed[f+".value"] == nil {
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
