package customer

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
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
// ciphertext in base64. The plaintext of version "s3:" is described at
// encodeRecordFields (seal_records_codec.go); versions "s2:" and "s1:"
// (JSON) are still read. Values without a prefix (ingested before sealing
// was configured) are read as they are. All prefixes have the same length.
const (
	sealedPrefix   = "s3:"
	sealedPrefixV2 = "s2:"
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
		var version int
		switch {
		case strings.HasPrefix(v, sealedPrefix):
			version = 3
		case strings.HasPrefix(v, sealedPrefixV2):
			version = 2
		case strings.HasPrefix(v, sealedPrefixV1):
			version = 1
		default:
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
		switch version {
		case 1:
			fields, err = decodeRecordFieldsV1(pt)
		case 2:
			fields, err = decodeRecordFieldsV2(pt)
		default:
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
