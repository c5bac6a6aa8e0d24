package customer

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// Identity source records keep canonical profile values (name, phone,
// address ...) for survivorship. With a Sealer, Ingest seals each value
// before the record reaches the identity store, under a data key of the
// record's own (RecordKeyID): a record exists before anyone knows which
// customer it belongs to, and it may move between customers on merges and
// unmerges, so it cannot use a customer's key. Erasing a person shreds the
// keys of all their records as well as their customer key.

// recordKeyNS is the namespace of record key ids.
var recordKeyNS = uuid.MustParse("5b1c3e9a-7d2f-4f0e-9a51-3c0e8f7d2b64")

// sealedPrefix marks a sealed record field value: a version, then the
// ciphertext in base64. Values without it (ingested before sealing was
// configured) are read as they are.
const sealedPrefix = "s1:"

// RecordKeyID is the sealer id under which Ingest seals the profile values
// of the identity source record with the given id.
func RecordKeyID(recordID string) uuid.UUID {
	return uuid.NewSHA1(recordKeyNS, []byte(recordID))
}

func recordFieldPath(field string) string { return "identity_record." + field }

// sealRecordFields returns fields with every value sealed.
func (s *Service) sealRecordFields(ctx context.Context, recordID string, fields map[string]string) (map[string]string, error) {
	if s.sealer == nil || len(fields) == 0 {
		return fields, nil
	}
	fc := s.cipherFor(RecordKeyID(recordID))
	out := make(map[string]string, len(fields))
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		ct, err := fc.seal(ctx, recordFieldPath(f), []byte(fields[f]))
		if err != nil {
			return nil, fmt.Errorf("seal record field %s: %w: %w", s.safeField(f), ErrSealed, err)
		}
		out[f] = sealedPrefix + base64.RawStdEncoding.EncodeToString(ct)
	}
	return out, nil
}

// openRecordFields returns copies of recs with their sealed field values
// opened.
func (s *Service) openRecordFields(ctx context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
	out := make([]identity.StoredRecord, len(recs))
	for i, r := range recs {
		out[i] = r
		if len(r.Fields) == 0 {
			continue
		}
		var fc *fieldCipher
		opened := make(map[string]string, len(r.Fields))
		for f, v := range r.Fields {
			if !strings.HasPrefix(v, sealedPrefix) {
				opened[f] = v
				continue
			}
			if s.sealer == nil {
				return nil, fmt.Errorf("open record field %s: no sealer configured: %w", s.safeField(f), ErrSealed)
			}
			ct, err := base64.RawStdEncoding.DecodeString(v[len(sealedPrefix):])
			if err != nil {
				return nil, fmt.Errorf("open record field %s: malformed: %w", s.safeField(f), ErrSealed)
			}
			if fc == nil {
				c := s.cipherFor(RecordKeyID(r.ID))
				fc = &c
			}
			pt, err := fc.open(ctx, recordFieldPath(f), ct)
			if err != nil {
				return nil, fmt.Errorf("open record field %s: %w: %w", s.safeField(f), ErrSealed, err)
			}
			opened[f] = string(pt)
		}
		out[i].Fields = opened
	}
	return out, nil
}
