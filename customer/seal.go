package customer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// FieldSealer encrypts and decrypts one personal field of one customer.
// field is a stable path naming where the value lives in a Customer:
//
//	name, birth_date,
//	phones[i].raw, phones[i].value, emails[i].raw, emails[i].value,
//	addresses[i].raw, .province, .city, .district, .detail, .postal_code,
//	attributes[key]
//
// An implementation must bind the ciphertext to (customerID, field), so a
// ciphertext moved to another field or customer fails to open. Open
// errors must not contain the plaintext. VaultSealer adapts a
// *privacy.Vault; implementations must be safe for concurrent use.
type FieldSealer interface {
	Seal(ctx context.Context, customerID uuid.UUID, field string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, customerID uuid.UUID, field string, ciphertext []byte) ([]byte, error)
}

// VaultSealer returns a FieldSealer that seals with v for tenant, using
// the associated data of VaultAD. Each customer gets their own data key,
// so v.Shred(ctx, tenant, id.String()) makes every sealed field of that
// customer unreadable: Service then returns an error matching ErrSealed
// and privacy.ErrShredded.
func VaultSealer(v *privacy.Vault, tenant string) FieldSealer {
	return vaultSealer{v: v, tenant: tenant}
}

// VaultAD is the associated data VaultSealer binds to a field: record kind
// "customer", record id and customer id both the customer's id in
// canonical text form, and the field path. A host confirming a blind-index
// lookup against a stored ciphertext (privacy.Vault.Confirm) uses it.
func VaultAD(tenant string, customerID uuid.UUID, field string) privacy.AssociatedData {
	id := customerID.String()
	return privacy.AssociatedData{Tenant: tenant, RecordKind: "customer", RecordID: id, CustomerID: id, Field: field}
}

type vaultSealer struct {
	v      *privacy.Vault
	tenant string
}

func (s vaultSealer) Seal(ctx context.Context, id uuid.UUID, field string, plaintext []byte) ([]byte, error) {
	return s.v.Seal(ctx, VaultAD(s.tenant, id, field), plaintext)
}

func (s vaultSealer) Open(ctx context.Context, id uuid.UUID, field string, ciphertext []byte) ([]byte, error) {
	return s.v.Open(ctx, VaultAD(s.tenant, id, field), ciphertext)
}

// Sealed field limits enforced by Validate.
const (
	// MaxSealedFields bounds Customer.Sealed: name, birth date, two
	// values per contact, six parts per address and every attribute.
	MaxSealedFields = 2 + 2*2*MaxContacts + 6*MaxContacts + MaxAttributes
	// MaxSealedKeyBytes bounds a key of Customer.Sealed.
	MaxSealedKeyBytes = MaxAttrKeyBytes + len("attributes[]")
	// MaxSealedValueBytes bounds a ciphertext in Customer.Sealed.
	MaxSealedValueBytes = MaxAttrValueBytes + 1024
)

// addressParts names the parts of an Address as they appear in field
// paths, with accessors.
var addressParts = [...]struct {
	name string
	ptr  func(*Address) *string
}{
	{"raw", func(a *Address) *string { return &a.Raw }},
	{"province", func(a *Address) *string { return &a.Province }},
	{"city", func(a *Address) *string { return &a.City }},
	{"district", func(a *Address) *string { return &a.District }},
	{"detail", func(a *Address) *string { return &a.Detail }},
	{"postal_code", func(a *Address) *string { return &a.PostalCode }},
}

// sealer collects the sealed fields of one customer; the first error
// stops it.
type sealer struct {
	ctx context.Context
	fs  FieldSealer
	id  uuid.UUID
	out map[string][]byte
	err error
}

// put seals *v under field and clears it; empty values are left alone.
func (z *sealer) put(field string, v *string) {
	if z.err != nil || *v == "" {
		return
	}
	ct, err := z.fs.Seal(z.ctx, z.id, field, []byte(*v))
	if err != nil {
		z.err = fmt.Errorf("%w: seal %s: %w", ErrSealed, field, err)
		return
	}
	z.out[field] = ct
	*v = ""
}

// seal returns the form of c the Store keeps: every personal field moved,
// encrypted, into Sealed. c is not modified.
func (s *Service) seal(ctx context.Context, c Customer) (Customer, error) {
	st := c.Clone()
	z := sealer{ctx: ctx, fs: s.sealer, id: c.ID, out: make(map[string][]byte, 4+2*len(c.Phones)+2*len(c.Emails)+len(c.Addresses))}
	z.put("name", &st.Name)
	if !st.BirthDate.IsZero() {
		bd := st.BirthDate.UTC().Format(time.RFC3339Nano)
		z.put("birth_date", &bd)
		st.BirthDate = time.Time{}
	}
	sealContacts(&z, "phones", st.Phones)
	sealContacts(&z, "emails", st.Emails)
	for i := range st.Addresses {
		p := "addresses[" + strconv.Itoa(i) + "]."
		for _, part := range addressParts {
			z.put(p+part.name, part.ptr(&st.Addresses[i]))
		}
	}
	for _, k := range s.sealAttrs {
		v, ok := st.Attributes[k]
		if !ok {
			continue
		}
		z.put("attributes["+k+"]", &v)
		delete(st.Attributes, k)
	}
	if z.err != nil {
		return Customer{}, z.err
	}
	if len(z.out) > 0 {
		st.Sealed = z.out
	}
	return st, nil
}

func sealContacts(z *sealer, list string, cs []Contact) {
	for i := range cs {
		p := list + "[" + strconv.Itoa(i) + "]."
		z.put(p+"raw", &cs[i].Raw)
		z.put(p+"value", &cs[i].Value)
	}
}

// open returns c with every sealed field decrypted into place and Sealed
// cleared. c must be a copy owned by the caller (a Store returns copies).
// Without a sealer, or with nothing sealed, c is returned as it is.
func (s *Service) open(ctx context.Context, c Customer) (Customer, error) {
	if s.sealer == nil || len(c.Sealed) == 0 {
		return c, nil
	}
	for _, field := range slices.Sorted(maps.Keys(c.Sealed)) {
		dst, err := c.sealedTarget(field)
		if err != nil {
			return Customer{}, err
		}
		pt, err := s.sealer.Open(ctx, c.ID, field, c.Sealed[field])
		if err != nil {
			return Customer{}, fmt.Errorf("%w: open %s: %w", ErrSealed, s.safeField(field), err)
		}
		v := string(pt)
		clear(pt)
		if err := dst(v); err != nil {
			return Customer{}, err
		}
	}
	c.Sealed = nil
	return c, nil
}

// safeField returns field for an error message: attribute keys not
// configured in SealAttributes come from the store and are not repeated.
func (s *Service) safeField(field string) string {
	if key, ok := strings.CutPrefix(field, "attributes["); ok {
		if _, found := slices.BinarySearch(s.sealAttrs, strings.TrimSuffix(key, "]")); !found {
			return "attributes[?]"
		}
	}
	return field
}

// sealedTarget parses a field path of Sealed and returns a function that
// stores the opened value there. Errors name no value.
func (c *Customer) sealedTarget(field string) (func(string) error, error) {
	bad := func() error { return fmt.Errorf("%w: a stored sealed field name is malformed", ErrSealed) }
	switch field {
	case "name":
		return func(v string) error { c.Name = v; return nil }, nil
	case "birth_date":
		return func(v string) error {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return fmt.Errorf("%w: opened birth_date does not parse", ErrSealed)
			}
			c.BirthDate = t
			return nil
		}, nil
	}
	list, rest, ok := strings.Cut(field, "[")
	if !ok {
		return nil, bad()
	}
	if list == "attributes" {
		key, ok := strings.CutSuffix(rest, "]")
		if !ok || key == "" {
			return nil, bad()
		}
		return func(v string) error {
			if c.Attributes == nil {
				c.Attributes = map[string]string{}
			}
			c.Attributes[key] = v
			return nil
		}, nil
	}
	num, part, ok := strings.Cut(rest, "].")
	if !ok {
		return nil, bad()
	}
	i, err := strconv.Atoi(num)
	if err != nil || i < 0 || strconv.Itoa(i) != num {
		return nil, bad()
	}
	var cs []Contact
	switch list {
	case "phones":
		cs = c.Phones
	case "emails":
		cs = c.Emails
	case "addresses":
		if i >= len(c.Addresses) {
			return nil, bad()
		}
		for _, p := range addressParts {
			if p.name == part {
				dst := p.ptr(&c.Addresses[i])
				return func(v string) error { *dst = v; return nil }, nil
			}
		}
		return nil, bad()
	default:
		return nil, bad()
	}
	if i >= len(cs) {
		return nil, bad()
	}
	switch part {
	case "raw":
		return func(v string) error { cs[i].Raw = v; return nil }, nil
	case "value":
		return func(v string) error { cs[i].Value = v; return nil }, nil
	}
	return nil, bad()
}
