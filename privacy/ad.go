package privacy

import (
	"encoding/binary"
	"fmt"
)

// maxADField bounds each associated data field, so a hostile caller cannot
// make the encoding unbounded.
const maxADField = 1024

// AssociatedData names the place a sealed value belongs to. It is bound to
// the ciphertext: a value sealed for one customer, record or field does not
// open for another. Every field is mandatory; a single-tenant host uses a
// constant tenant such as "default".
type AssociatedData struct {
	Tenant     string // the host's tenant (shop, brand, business unit)
	RecordKind string // e.g. "customer", "address", "order"
	RecordID   string // id of the record holding the field
	CustomerID string // owner of the value; selects the data key
	Field      string // e.g. "phone", "name"
}

// validate checks that every field is present and bounded.
func (ad AssociatedData) validate() error {
	if ad.Tenant != "" && ad.RecordKind != "" && ad.RecordID != "" && ad.CustomerID != "" && ad.Field != "" &&
		len(ad.Tenant)+len(ad.RecordKind)+len(ad.RecordID)+len(ad.CustomerID)+len(ad.Field) <= maxADField {
		return nil // fast path
	}
	for _, f := range [...]struct {
		name, v string
	}{
		{"Tenant", ad.Tenant},
		{"RecordKind", ad.RecordKind},
		{"RecordID", ad.RecordID},
		{"CustomerID", ad.CustomerID},
		{"Field", ad.Field},
	} {
		if f.v == "" {
			return fmt.Errorf("%w: associated data %s is empty", ErrInvalid, f.name)
		}
		if len(f.v) > maxADField {
			return fmt.Errorf("%w: associated data %s longer than %d bytes", ErrInvalid, f.name, maxADField)
		}
	}
	return nil
}

// encodedLen is the length of ad's encoding (see appendEncoded).
func (ad AssociatedData) encodedLen() int {
	return lvLen(ad.Tenant) + lvLen(ad.RecordKind) + lvLen(ad.RecordID) + lvLen(ad.CustomerID) + lvLen(ad.Field)
}

// appendEncoded appends the unambiguous encoding of ad to dst: each field as
// a uvarint length followed by its bytes, in a fixed order. The ciphertext
// header, which carries the format and key version, precedes it in the
// AEAD's additional data, so the key version is bound as well.
func (ad AssociatedData) appendEncoded(dst []byte) []byte {
	dst = appendLV(dst, ad.Tenant)
	dst = appendLV(dst, ad.RecordKind)
	dst = appendLV(dst, ad.RecordID)
	dst = appendLV(dst, ad.CustomerID)
	return appendLV(dst, ad.Field)
}

// appendLV appends s prefixed with its uvarint length.
func appendLV(dst []byte, s string) []byte {
	if len(s) < 0x80 {
		dst = append(dst, byte(len(s)))
	} else {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
	}
	return append(dst, s...)
}

func lvLen(s string) int {
	if len(s) < 0x80 {
		return 1 + len(s)
	}
	return uvarintLen(uint64(len(s))) + len(s)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// appendLP appends length-prefixed strings; used for key-wrapping
// associated data.
func appendLP(dst []byte, ss ...string) []byte {
	for _, s := range ss {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}
