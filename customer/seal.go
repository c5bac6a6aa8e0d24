package customer

import (
	"context"
	"fmt"
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

// Field paths of indexed fields, made once so sealing does not build
// them (Validate bounds every list by MaxContacts).
var (
	phonePaths   = contactPaths("phones")
	emailPaths   = contactPaths("emails")
	addressPaths = func() (p [MaxContacts][len(addressParts)]string) {
		for i := range p {
			for j, part := range addressParts {
				p[i][j] = "addresses[" + strconv.Itoa(i) + "]." + part.name
			}
		}
		return p
	}()
)

func contactPaths(list string) (p [MaxContacts][2]string) {
	for i := range p {
		p[i] = [2]string{list + "[" + strconv.Itoa(i) + "].raw", list + "[" + strconv.Itoa(i) + "].value"}
	}
	return p
}

// fieldCipher seals and opens the fields of one customer. For VaultSealer
// it builds the associated data once per customer rather than per field.
type fieldCipher struct {
	fs    FieldSealer
	vault *privacy.Vault // set for VaultSealer
	ad    privacy.AssociatedData
	id    uuid.UUID
}

func (s *Service) cipherFor(id uuid.UUID) fieldCipher {
	f := fieldCipher{fs: s.sealer, id: id}
	if vs, ok := s.sealer.(vaultSealer); ok {
		f.vault, f.ad = vs.v, VaultAD(vs.tenant, id, "-")
	}
	return f
}

func (f *fieldCipher) seal(ctx context.Context, field string, pt []byte) ([]byte, error) {
	if f.vault != nil {
		ad := f.ad
		ad.Field = field
		return f.vault.Seal(ctx, ad, pt)
	}
	return f.fs.Seal(ctx, f.id, field, pt)
}

func (f *fieldCipher) open(ctx context.Context, field string, ct []byte) ([]byte, error) {
	if f.vault != nil {
		ad := f.ad
		ad.Field = field
		return f.vault.Open(ctx, ad, ct)
	}
	return f.fs.Open(ctx, f.id, field, ct)
}

// seal returns the form of c the Store keeps: every personal field moved,
// encrypted, into Sealed. c must have passed Validate; it is not modified.
func (s *Service) seal(ctx context.Context, c Customer) (Customer, error) {
	return s.sealOwned(ctx, c.Clone())
}

// sealOwned is seal for a c the caller owns and no longer needs (a
// copy made for the write): its slices and maps are reused.
func (s *Service) sealOwned(ctx context.Context, st Customer) (Customer, error) {
	if len(st.Phones) > MaxContacts || len(st.Emails) > MaxContacts || len(st.Addresses) > MaxContacts {
		return Customer{}, invalid("customer", "more than %d contacts or addresses", MaxContacts)
	}
	// The values are gathered (into arrays on the stack for a typical
	// profile), cleared from st, then sealed together.
	var fieldsA, valuesA [24]string
	fields, values := fieldsA[:0], valuesA[:0]
	put := func(field string, v *string) {
		if *v != "" {
			fields, values = append(fields, field), append(values, *v)
			*v = ""
		}
	}
	put("name", &st.Name)
	if !st.BirthDate.IsZero() {
		bd := st.BirthDate.UTC().Format(time.RFC3339Nano)
		put("birth_date", &bd)
		st.BirthDate = time.Time{}
	}
	for i := range st.Phones {
		put(phonePaths[i][0], &st.Phones[i].Raw)
		put(phonePaths[i][1], &st.Phones[i].Value)
	}
	for i := range st.Emails {
		put(emailPaths[i][0], &st.Emails[i].Raw)
		put(emailPaths[i][1], &st.Emails[i].Value)
	}
	for i := range st.Addresses {
		for j, part := range addressParts {
			put(addressPaths[i][j], part.ptr(&st.Addresses[i]))
		}
	}
	for _, k := range s.sealAttrs {
		v, ok := st.Attributes[k]
		if !ok {
			continue
		}
		put("attributes["+k+"]", &v)
		delete(st.Attributes, k)
	}
	if len(fields) == 0 {
		return st, nil
	}
	sealed, err := s.sealValues(ctx, st.ID, fields, values)
	clear(values)
	if err != nil {
		return Customer{}, err
	}
	st.Sealed = sealed
	return st, nil
}

// sealValues seals values[i] under fields[i] for the customer id: with a
// Vault all together (privacy.Vault.SealFields: one key lookup, one
// allocation), with a host FieldSealer one by one, each given its own
// copy. The first error stops it.
func (s *Service) sealValues(ctx context.Context, id uuid.UUID, fields, values []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(fields))
	fc := s.cipherFor(id)
	if fc.vault != nil {
		var ctsA [24][]byte
		cts := ctsA[:]
		if len(fields) > len(ctsA) {
			cts = make([][]byte, len(fields))
		}
		cts = cts[:len(fields)]
		if err := fc.vault.SealFields(ctx, fc.ad, fields, values, cts); err != nil {
			return nil, fmt.Errorf("%w: seal %d fields: %w", ErrSealed, len(fields), err)
		}
		for i, f := range fields {
			out[f] = cts[i]
		}
		return out, nil
	}
	for i, f := range fields {
		ct, err := fc.fs.Seal(ctx, id, f, []byte(values[i]))
		if err != nil {
			return nil, fmt.Errorf("%w: seal %s: %w", ErrSealed, f, err)
		}
		out[f] = ct
	}
	return out, nil
}

// open returns c with every sealed field decrypted into place and Sealed
// cleared. c must be a copy owned by the caller (a Store returns copies).
// Without a sealer, or with nothing sealed, c is returned as it is.
// Fields are opened in sorted order, so the error is deterministic.
func (s *Service) open(ctx context.Context, c Customer) (Customer, error) {
	if s.sealer == nil || len(c.Sealed) == 0 {
		return c, nil
	}
	fields := make([]string, 0, 32)
	for k := range c.Sealed {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	fc := s.cipherFor(c.ID)
	for _, field := range fields {
		if err := c.setSealed(field, "", false); err != nil {
			return Customer{}, err
		}
		pt, err := fc.open(ctx, field, c.Sealed[field])
		if err != nil {
			return Customer{}, fmt.Errorf("%w: open %s: %w", ErrSealed, s.safeField(field), err)
		}
		v := string(pt)
		clear(pt)
		if err := c.setSealed(field, v, true); err != nil {
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

// setSealed parses a field path of Sealed and, if apply, stores v there.
// With apply false it only checks the path. Errors name no value.
func (c *Customer) setSealed(field, v string, apply bool) error {
	bad := func() error { return fmt.Errorf("%w: a stored sealed field name is malformed", ErrSealed) }
	switch field {
	case "name":
		if apply {
			c.Name = v
		}
		return nil
	case "birth_date":
		if apply {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return fmt.Errorf("%w: opened birth_date does not parse", ErrSealed)
			}
			c.BirthDate = t
		}
		return nil
	}
	list, rest, ok := strings.Cut(field, "[")
	if !ok {
		return bad()
	}
	if list == "attributes" {
		key, ok := strings.CutSuffix(rest, "]")
		if !ok || key == "" {
			return bad()
		}
		if apply {
			if c.Attributes == nil {
				c.Attributes = map[string]string{}
			}
			c.Attributes[key] = v
		}
		return nil
	}
	num, part, ok := strings.Cut(rest, "].")
	if !ok {
		return bad()
	}
	i, err := strconv.Atoi(num)
	if err != nil || i < 0 || strconv.Itoa(i) != num {
		return bad()
	}
	var dst *string
	switch list {
	case "phones", "emails":
		cs := c.Phones
		if list == "emails" {
			cs = c.Emails
		}
		if i >= len(cs) {
			return bad()
		}
		switch part {
		case "raw":
			dst = &cs[i].Raw
		case "value":
			dst = &cs[i].Value
		}
	case "addresses":
		if i >= len(c.Addresses) {
			return bad()
		}
		for _, p := range addressParts {
			if p.name == part {
				dst = p.ptr(&c.Addresses[i])
			}
		}
	}
	if dst == nil {
		return bad()
	}
	if apply {
		*dst = v
	}
	return nil
}
