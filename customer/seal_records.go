package customer

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
// ciphertext in base64. Values without it (ingested before sealing was
// configured) are read as they are.
const sealedPrefix = "s1:"

// RecordKeyID is the sealer id under which Ingest seals the profile values
// of the identity source record with the given id.
func RecordKeyID(recordID string) uuid.UUID {
	return uuid.NewSHA1(recordKeyNS, []byte(recordID))
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
	pt, err := json.Marshal(fields) // map keys are sorted: deterministic
	if err != nil {
		return nil, err
	}
	fc := s.cipherFor(RecordKeyID(recordID))
	ct, err := fc.seal(ctx, recordFieldPath(sealedFieldsKey), pt)
	if err != nil {
		return nil, fmt.Errorf("seal record fields: %w: %w", ErrSealed, err)
	}
	return map[string]string{sealedFieldsKey: sealedPrefix + base64.RawStdEncoding.EncodeToString(ct)}, nil
}

// openRecordFields returns copies of recs with their sealed fields opened.
// Records stored before sealing was configured are returned as they are.
func (s *Service) openRecordFields(ctx context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
	out := make([]identity.StoredRecord, len(recs))
	for i, r := range recs {
		out[i] = r
		v, ok := r.Fields[sealedFieldsKey]
		if !ok || len(r.Fields) != 1 || !strings.HasPrefix(v, sealedPrefix) {
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
		pt, err := fc.open(ctx, recordFieldPath(sealedFieldsKey), ct)
		if err != nil {
			return nil, fmt.Errorf("open record fields: %w: %w", ErrSealed, err)
		}
		var fields map[string]string
		if err := json.Unmarshal(pt, &fields); err != nil {
			return nil, fmt.Errorf("open record fields: malformed: %w", ErrSealed)
		}
		out[i].Fields = fields
	}
	return out, nil
}
