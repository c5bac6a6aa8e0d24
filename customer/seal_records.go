package customer

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// Identity source records keep canonical profile values (name, phone,
// address ...) for survivorship. With a Sealer, Ingest seals them, all
// together as one value, before the record reaches the identity store, under a data key of the
// record's own (RecordKeyID): a record exists before anyone knows which
// customer it belongs to, and it may move between customers on merges and
// unmerges, so it cannot use a customer's key. Erasing a person shreds the
// keys of all their records as well as their customer key.

// recordKeyNS is the namespace of record key ids.
var recordKeyNS = uuid.MustParse("5b1c3e9a-7d2f-4f0e-9a51-3c0e8f7d2b64")

// sealedPrefix marks a sealed record field value: a version, then the
// ciphertext in base64. In version "s2:" the plaintext is the fields in
// key order, each key and value preceded by its length as a uvarint;
// version "s1:" (JSON) is still read. Values without a prefix (ingested
// before sealing was configured) are read as they are.
const (
	sealedPrefix   = "s2:"
	sealedPrefixV1 = "s1:"
)

// RecordKeyID is the sealer id under which Ingest seals the profile values
// of the identity source record with the given id.
// It is uuid.NewSHA1(namespace, recordID), computed without allocating
// for the usual short record id.
func RecordKeyID(recordID string) uuid.UUID {
	var buf [128]byte
	b := buf[:0]
	if len(recordKeyNS)+len(recordID) > len(buf) {
		b = make([]byte, 0, len(recordKeyNS)+len(recordID))
	}
	b = append(append(b, recordKeyNS[:]...), recordID...)
	sum := sha1.Sum(b)
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = id[6]&0x0f | 5<<4 // version 5
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}

func recordFieldPath(field string) string { return "identity_record." + field }

// sealedFieldsKey is the one key of a sealed record's Fields: all profile
// values are sealed together, one AEAD operation per record.
const sealedFieldsKey = "sealed"

// sealRecordFields returns fields sealed as one value under
// sealedFieldsKey.
func (s *Service) sealRecordFields(ctx context.Context, recordID string, fields map[string]string) (map[string]string, error) {
	if s.sealer == nil || len(fields) == 0 {
		return fields, nil
	}
	// With a Vault the plaintext is encoded on the stack (when it fits)
	// and sealed from there; a host FieldSealer, which may keep its input,
	// gets a copy of its own.
	var buf [512]byte
	pt := encodeRecordFields(buf[:0], fields)
	var ct []byte
	var err error
	if fc := s.cipherFor(RecordKeyID(recordID)); fc.vault != nil {
		var out [1][]byte
		err = fc.vault.SealFieldsBytes(ctx, fc.ad, []string{recordSealedPath}, [][]byte{pt}, out[:])
		ct = out[0]
	} else {
		ct, err = fc.fs.Seal(ctx, fc.id, recordSealedPath, bytes.Clone(pt))
	}
	clear(pt)
	clear(buf[:])
	if err != nil {
		return nil, fmt.Errorf("seal record fields: %w: %w", ErrSealed, err)
	}
	// The prefix and the base64 text, built on the stack when they fit.
	var txt [768]byte
	v := base64.RawStdEncoding.AppendEncode(append(txt[:0], sealedPrefix...), ct)
	return map[string]string{sealedFieldsKey: string(v)}, nil
}

// recordSealedPath is the field path a record's sealed value is bound to.
var recordSealedPath = recordFieldPath(sealedFieldsKey)

// openedRecord is a sealed record value with its plaintext fields, known
// to the caller because it sealed them itself.
type openedRecord struct {
	id, sealed string
	fields     map[string]string
}

// openRecordFields returns copies of recs with their sealed fields opened.
// Records stored before sealing was configured are returned as they are.
// A record of known's id holding exactly known's sealed value gets
// known's fields without being opened (the fields are shared, not copied).
func (s *Service) openRecordFields(ctx context.Context, recs []identity.StoredRecord, known *openedRecord) ([]identity.StoredRecord, error) {
	out := make([]identity.StoredRecord, len(recs))
	for i, r := range recs {
		out[i] = r
		v, ok := r.Fields[sealedFieldsKey]
		if !ok || len(r.Fields) != 1 {
			continue
		}
		if known != nil && known.sealed != "" && r.ID == known.id && v == known.sealed {
			out[i].Fields = known.fields
			continue
		}
		v1 := strings.HasPrefix(v, sealedPrefixV1)
		if !v1 && !strings.HasPrefix(v, sealedPrefix) {
			continue
		}
		if s.sealer == nil {
			return nil, fmt.Errorf("open record fields: no sealer configured: %w", ErrSealed)
		}
		ct, err := base64.RawStdEncoding.DecodeString(v[len(sealedPrefix):])
		if err != nil {
			return nil, fmt.Errorf("open record fields: malformed: %w", ErrSealed)
		}
		fc := s.cipherFor(RecordKeyID(r.ID))
		pt, err := fc.open(ctx, recordSealedPath, ct)
		if err != nil {
			return nil, fmt.Errorf("open record fields: %w: %w", ErrSealed, err)
		}
		var fields map[string]string
		if v1 {
			fields, err = decodeRecordFieldsV1(pt)
		} else {
			fields, err = decodeRecordFields(pt)
		}
		clear(pt)
		if err != nil {
			return nil, fmt.Errorf("open record fields: malformed: %w", ErrSealed)
		}
		out[i].Fields = fields
	}
	return out, nil
}

// decodeRecordFieldsV1 decodes an "s1:" (JSON) record value. It is not
// inlined, so that the usual "s2:" path does not move a map variable to
// the heap for json.Unmarshal.
//
//go:noinline
func decodeRecordFieldsV1(pt []byte) (map[string]string, error) {
	var fields map[string]string
	err := json.Unmarshal(pt, &fields)
	return fields, err
}

// recordFieldOrder is the sorted list of the fields sourceToRecord makes,
// so the usual record is encoded without sorting its keys.
var recordFieldOrder = func() [14]string {
	f := [...]string{"name", "gender", "birth_date", "phone", "phone_raw", "email", "email_raw",
		"address", "address_raw", "address.province", "address.city", "address.district",
		"address.detail", "address.postal_code"}
	slices.Sort(f[:])
	return f
}()

// encodeRecordFields appends to b the fields in key order (deterministic):
// per field the key and the value, each preceded by its length as a
// uvarint. When b lacks room it grows once, before anything is written,
// so no partial copy of the plaintext is left in a discarded buffer.
func encodeRecordFields(b []byte, fields map[string]string) []byte {
	// The usual record has only fields of recordFieldOrder: one lookup
	// each, then encoded in that (sorted) order.
	var keysA, valsA [len(recordFieldOrder)]string
	keys, vals := keysA[:0], valsA[:0]
	for _, k := range recordFieldOrder {
		if v, ok := fields[k]; ok {
			keys, vals = append(keys, k), append(vals, v)
		}
	}
	if len(keys) != len(fields) {
		keys = slices.Sorted(maps.Keys(fields))
		vals = vals[:0]
		for _, k := range keys {
			vals = append(vals, fields[k])
		}
	}
	n := 0
	for i, k := range keys {
		n += uvarintLen(len(k)) + len(k) + uvarintLen(len(vals[i])) + len(vals[i])
	}
	b = slices.Grow(b, n)
	for i, k := range keys {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(vals[i])))
		b = append(b, vals[i]...)
	}
	return b
}

// uvarintLen is the length of n as a uvarint.
func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// errRecordFields: an opened record value does not decode.
var errRecordFields = fmt.Errorf("%w: record fields are malformed", ErrSealed)

// countRecordFields returns the number of fields b encodes if it is well
// formed (a size hint for decodeRecordFields, which checks the form).
func countRecordFields(b []byte) int {
	n := 0
	for off := 0; off < len(b); n++ {
		for range 2 {
			l, w := binary.Uvarint(b[off:])
			if w <= 0 || l > uint64(len(b)-off-w) {
				return n
			}
			off += w + int(l)
		}
	}
	return n
}

// decodeRecordFields reverses encodeRecordFields. Lengths must be minimal
// and keys strictly increasing, so decoding then encoding gives the input
// back.
func decodeRecordFields(b []byte) (map[string]string, error) {
	// One string holds every key and value; the map's strings share it.
	all := string(b)
	fields := make(map[string]string, countRecordFields(b))
	prev, first := "", true
	for off := 0; off < len(all); {
		var kv [2]string
		for j := range kv {
			l, w := binary.Uvarint(b[off:])
			// A length must fit, and in its shortest form (no final
			// zero byte after a continuation).
			if w <= 0 || (w > 1 && b[off+w-1] == 0) || l > uint64(len(all)-off-w) {
				return nil, errRecordFields
			}
			off += w
			kv[j] = all[off : off+int(l)]
			off += int(l)
		}
		if !first && kv[0] <= prev {
			return nil, errRecordFields
		}
		prev, first = kv[0], false
		fields[kv[0]] = kv[1]
	}
	return fields, nil
}
