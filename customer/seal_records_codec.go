package customer

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// The plaintext of a sealed identity record value (seal_records.go).
//
// Version "s3:" (written now): the fields in key order, each as a tag
// byte, then, for tag 0 only, the key's length as a uvarint and the key,
// then the value's length as a uvarint and the value. Tag i in 1..14 names
// the key recordFieldOrder[i-1] (the fields sourceToRecord makes); tag 0
// is any other key. Naming the usual keys by one byte makes the value
// about a third shorter than in "s2:", which spelled out every key, and
// so cheaper to seal, to encode in base64, to store, and to open.
//
// Version "s2:" (still read): per field the key and the value, each
// preceded by its length as a uvarint, in key order. Version "s1:" (still
// read): JSON.

// recordFieldOrder is the sorted list of the fields sourceToRecord makes:
// the tags of "s3:", and the order the usual record is encoded in without
// sorting its keys.
var recordFieldOrder = func() [14]string {
	f := [...]string{"name", "gender", "birth_date", "phone", "phone_raw", "email", "email_raw",
		"address", "address_raw", "address.province", "address.city", "address.district",
		"address.detail", "address.postal_code"}
	slices.Sort(f[:])
	return f
}()

// recordFieldTag is the "s3:" tag of key k: its position in
// recordFieldOrder plus one, or 0 for a key not there.
func recordFieldTag(k string) byte {
	if i, ok := slices.BinarySearch(recordFieldOrder[:], k); ok {
		return byte(i + 1)
	}
	return 0
}

// encodeRecordFields appends to b the "s3:" encoding of fields
// (deterministic). When b lacks room it grows once, before anything is
// written, so no partial copy of the plaintext is left in a discarded
// buffer.
func encodeRecordFields(b []byte, fields map[string]string) []byte {
	// The usual record has only fields of recordFieldOrder: one lookup
	// each, then encoded in that (sorted) order.
	var keysA, valsA [len(recordFieldOrder)]string
	var tagsA [len(recordFieldOrder)]byte
	keys, vals, tags := keysA[:0], valsA[:0], tagsA[:0]
	for i, k := range recordFieldOrder {
		if v, ok := fields[k]; ok {
			keys, vals, tags = append(keys, k), append(vals, v), append(tags, byte(i+1))
		}
	}
	if len(keys) != len(fields) {
		keys = slices.Sorted(maps.Keys(fields))
		vals, tags = vals[:0], tags[:0]
		for _, k := range keys {
			vals, tags = append(vals, fields[k]), append(tags, recordFieldTag(k))
		}
	}
	n := 0
	for i, k := range keys {
		n += 1 + uvarintLen(len(vals[i])) + len(vals[i])
		if tags[i] == 0 {
			n += uvarintLen(len(k)) + len(k)
		}
	}
	b = slices.Grow(b, n)
	for i, k := range keys {
		b = append(b, tags[i])
		if tags[i] == 0 {
			b = binary.AppendUvarint(b, uint64(len(k)))
			b = append(b, k...)
		}
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

// readLV reads a uvarint length and that many bytes at off in b (all is
// string(b)), returning them as a substring of all and the offset after
// them. A length must fit, and be in its shortest form (no final zero
// byte after a continuation).
func readLV(b []byte, all string, off int) (string, int, bool) {
	l, w := binary.Uvarint(b[off:])
	if w <= 0 || (w > 1 && b[off+w-1] == 0) || l > uint64(len(b)-off-w) {
		return "", 0, false
	}
	off += w
	return all[off : off+int(l)], off + int(l), true
}

// skipLVs returns the offset after n length-prefixed strings at off, or
// false if they do not fit.
func skipLVs(b []byte, off, n int) (int, bool) {
	for range n {
		l, w := binary.Uvarint(b[off:])
		if w <= 0 || l > uint64(len(b)-off-w) {
			return 0, false
		}
		off += w + int(l)
	}
	return off, true
}

// countRecordFields returns the number of fields b encodes ("s3:") if it
// is well formed (a size hint for decodeRecordFields, which checks the
// form).
func countRecordFields(b []byte) int {
	n := 0
	for off := 0; off < len(b); n++ {
		lvs := 1
		if b[off] == 0 {
			lvs = 2
		}
		var ok bool
		if off, ok = skipLVs(b, off+1, lvs); !ok {
			return n
		}
	}
	return n
}

// decodeRecordFields reverses encodeRecordFields. Tags must be known, a
// key of recordFieldOrder must be written as its tag, lengths minimal and
// keys strictly increasing, so decoding then encoding gives the input
// back.
func decodeRecordFields(b []byte) (map[string]string, error) {
	// One string holds every value (and any key without a tag); the
	// map's strings share it.
	all := string(b)
	fields := make(map[string]string, countRecordFields(b))
	prev, first := "", true
	for off := 0; off < len(b); {
		tag := b[off]
		off++
		var k string
		switch {
		case tag == 0:
			var ok bool
			if k, off, ok = readLV(b, all, off); !ok || recordFieldTag(k) != 0 {
				return nil, errRecordFields
			}
		case int(tag) <= len(recordFieldOrder):
			k = recordFieldOrder[tag-1]
		default:
			return nil, errRecordFields
		}
		v, next, ok := readLV(b, all, off)
		if !ok || (!first && k <= prev) {
			return nil, errRecordFields
		}
		off, prev, first = next, k, false
		fields[k] = v
	}
	return fields, nil
}

// decodeRecordFieldsV2 decodes an "s2:" record value. Lengths must be
// minimal and keys strictly increasing.
func decodeRecordFieldsV2(b []byte) (map[string]string, error) {
	// One string holds every key and value; the map's strings share it.
	all := string(b)
	n := 0
	for off, ok := 0, true; off < len(b); n++ {
		if off, ok = skipLVs(b, off, 2); !ok {
			break
		}
	}
	fields := make(map[string]string, n)
	prev, first := "", true
	for off := 0; off < len(b); {
		k, next, ok := readLV(b, all, off)
		if !ok {
			return nil, errRecordFields
		}
		v, next, ok := readLV(b, all, next)
		if !ok || (!first && k <= prev) {
			return nil, errRecordFields
		}
		off, prev, first = next, k, false
		fields[k] = v
	}
	return fields, nil
}

// decodeRecordFieldsV1 decodes an "s1:" (JSON) record value. It is not
// inlined, so that the usual path does not move a map variable to the
// heap for json.Unmarshal.
//
//go:noinline
func decodeRecordFieldsV1(pt []byte) (map[string]string, error) {
	var fields map[string]string
	err := json.Unmarshal(pt, &fields)
	return fields, err
}
