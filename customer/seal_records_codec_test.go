package customer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// recordFieldsCases are field sets for the codec tests.
var recordFieldsCases = []map[string]string{
	{},
	{"name": "张三"},
	{"name": "张三", "phone": "+8613812345678", "phone_raw": "138 1234 5678", "address.detail": "", "email": "a@b.cn"},
	{"": "", "k": string(make([]byte, 300))},
	{"name": "a", "zz": "b", "address.city": "c", "a": "d"}, // keys sourceToRecord does not make
	{"phone": "1", "name": "2", "gender": "female", "birth_date": "2000-01-01", "email": "e", "email_raw": "E",
		"address": "a", "address_raw": "A", "address.province": "p", "address.city": "c", "address.district": "d",
		"address.detail": "x", "address.postal_code": "100000", "phone_raw": "11"},
}

// TestRecordFieldsCodec round-trips record fields through the sealed
// plaintext encoding ("s3:") and checks it against an independent
// reading: the JSON form (version s1) of the same fields, and bytes built
// from the sorted keys and the tag table.
func TestRecordFieldsCodec(t *testing.T) {
	for _, f := range recordFieldsCases {
		b := encodeRecordFields(nil, f)
		got, err := decodeRecordFields(b)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		j1, _ := json.Marshal(f)
		j2, _ := json.Marshal(got)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the fields: %s → %s", j1, j2)
		}
		if !bytes.Equal(b, encodeRecordFields(nil, maps.Clone(f))) {
			t.Fatal("encoding is not deterministic")
		}
		// Independent oracle: keys in sorted order, a known key as its
		// 1-based position in the list of sourceToRecord's keys.
		known := []string{"address", "address.city", "address.detail", "address.district", "address.postal_code",
			"address.province", "address_raw", "birth_date", "email", "email_raw", "gender", "name", "phone", "phone_raw"}
		var want []byte
		for _, k := range slices.Sorted(maps.Keys(f)) {
			if i := slices.Index(known, k); i >= 0 {
				want = append(want, byte(i+1))
			} else {
				want = append(want, 0)
				want = binary.AppendUvarint(want, uint64(len(k)))
				want = append(want, k...)
			}
			want = binary.AppendUvarint(want, uint64(len(f[k])))
			want = append(want, f[k]...)
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("encoding %x, want %x", b, want)
		}
		// Appending to a buffer that is too small keeps what it holds.
		small := append(make([]byte, 0, 4), 'x', 'y')
		if got := encodeRecordFields(small, f); !bytes.Equal(got, append([]byte("xy"), want...)) {
			t.Fatalf("appending to a small buffer: %x, want xy + %x", got, want)
		}
		if len(f) == len(known) && len(b) >= len(encodeRecordFieldsV2(nil, f))*3/4 {
			t.Fatalf("s3 is %d bytes, s2 %d: the tags do not shorten it", len(b), len(encodeRecordFieldsV2(nil, f)))
		}
	}
	for _, bad := range [][]byte{
		{15, 0},                       // unknown tag
		{0, 4, 'n', 'a', 'm', 'e', 0}, // a known key spelled out
		{0, 5, 'a'},                   // key longer than the input
		{12},                          // value missing
		{12, 0, 1, 0},                 // keys out of order (name, address)
		{12, 0, 12, 0},                // duplicate key
		{0, 1, 'a', 0, 0, 1, 'a', 0},  // duplicate spelled-out key
		{12, 0x80, 0x00},              // non-minimal length
		{12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // varint overflow
	} {
		if _, err := decodeRecordFields(bad); err == nil {
			t.Fatalf("decode(%x) accepted malformed input", bad)
		}
	}
}

// encodeRecordFieldsV2 is the "s2:" encoding (no longer written): per
// field the key and the value, each preceded by its length, in key order.
func encodeRecordFieldsV2(b []byte, f map[string]string) []byte {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(f[k])))
		b = append(b, f[k]...)
	}
	return b
}

// TestRecordFieldsCodecV2: values sealed in version "s2:" still decode.
func TestRecordFieldsCodecV2(t *testing.T) {
	for _, f := range recordFieldsCases {
		got, err := decodeRecordFieldsV2(encodeRecordFieldsV2(nil, f))
		if err != nil || !maps.Equal(got, f) {
			t.Fatalf("s2 round trip: %v", err)
		}
	}
	for _, bad := range [][]byte{
		{5, 'a'},               // key longer than the input
		{1, 'a'},               // value missing
		{1, 'b', 0, 1, 'a', 0}, // keys out of order
		{1, 'a', 0, 1, 'a', 0}, // duplicate key
		{0x80, 0x00},           // non-minimal length
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // varint overflow
	} {
		if _, err := decodeRecordFieldsV2(bad); err == nil {
			t.Fatalf("decode(%x) accepted malformed input", bad)
		}
	}
}

// FuzzDecodeRecordFields: any input decodes or fails without panicking,
// and what decodes encodes back to the same bytes.
func FuzzDecodeRecordFields(f *testing.F) {
	f.Add(encodeRecordFields(nil, map[string]string{"name": "李四", "phone": "+8613900000000", "x": "y"}))
	f.Add([]byte{})
	f.Add([]byte{12, 1, 'a'})
	f.Add([]byte{0, 1, 'a', 0})
	f.Add([]byte{0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeRecordFields(b)
		if err != nil {
			return
		}
		if !bytes.Equal(encodeRecordFields(nil, m), b) {
			t.Fatalf("decode/encode of %x is not the identity", b)
		}
	})
}

// FuzzDecodeRecordFieldsV2: the "s2:" decoder never panics, and what it
// decodes is what the s2 encoding of the result gives back.
func FuzzDecodeRecordFieldsV2(f *testing.F) {
	f.Add(encodeRecordFieldsV2(nil, map[string]string{"name": "李四", "phone": "+8613900000000"}))
	f.Add([]byte{})
	f.Add([]byte{1, 'a'})
	f.Add([]byte{0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeRecordFieldsV2(b)
		if err != nil {
			return
		}
		if !bytes.Equal(encodeRecordFieldsV2(nil, m), b) {
			t.Fatalf("decode/encode of %x is not the identity", b)
		}
	})
}

// xorSealer is a toy FieldSealer for codec tests (not encryption).
type xorSealer struct{}

func (xorSealer) Seal(_ context.Context, _ uuid.UUID, _ string, pt []byte) ([]byte, error) {
	out := bytes.Clone(pt)
	for i := range out {
		out[i] ^= 0x5a
	}
	return out, nil
}

func (x xorSealer) Open(ctx context.Context, id uuid.UUID, f string, ct []byte) ([]byte, error) {
	return x.Seal(ctx, id, f, ct)
}

// TestOpenRecordFieldsVersions opens a record sealed now (s2), one sealed
// in the JSON form of version s1, and a record given as known.
func TestOpenRecordFieldsVersions(t *testing.T) {
	ctx := context.Background()
	s := &Service{sealer: xorSealer{}}
	want := map[string]string{"name": "王五", "phone": "+8613812345678"}
	s2, err := s.sealRecordFields(ctx, "r2", want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s2[sealedFieldsKey], sealedPrefix) {
		t.Fatalf("sealed value has no %s prefix", sealedPrefix)
	}
	j, _ := json.Marshal(want)
	ct, _ := xorSealer{}.Seal(ctx, uuid.Nil, "", j)
	s1 := map[string]string{sealedFieldsKey: sealedPrefixV1 + base64.RawStdEncoding.EncodeToString(ct)}
	ct, _ = xorSealer{}.Seal(ctx, uuid.Nil, "", encodeRecordFieldsV2(nil, want))
	v2 := map[string]string{sealedFieldsKey: sealedPrefixV2 + base64.RawStdEncoding.EncodeToString(ct)}
	known := &openedRecord{id: "r3", sealed: s2[sealedFieldsKey], fields: map[string]string{"name": "known"}}
	recs := []identity.StoredRecord{{ID: "r2", Fields: s2}, {ID: "r1", Fields: s1}, {ID: "r3", Fields: s2}, {ID: "r4", Fields: map[string]string{"name": "plain"}},
		{ID: "r5", Fields: v2}}
	got, err := s.openRecordFields(ctx, recs, known)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []map[string]string{want, want, known.fields, recs[3].Fields, want} {
		if !maps.Equal(got[i].Fields, w) {
			t.Fatalf("record %d opened to %v, want %v", i, got[i].Fields, w)
		}
	}
	// r3 above holds r2's value under its own id; known for r2 applies.
	known.id = "r2"
	if got, _ = s.openRecordFields(ctx, recs[:1], known); !maps.Equal(got[0].Fields, known.fields) {
		t.Fatal("known record was not used")
	}
}

// TestRecordKeyIDIsNewSHA1: RecordKeyID, computed without allocating,
// equals uuid.NewSHA1 over the namespace, so keys made by earlier
// versions are still found and shredded; ids longer than the stack
// buffer included.
func TestRecordKeyIDIsNewSHA1(t *testing.T) {
	for _, id := range []string{"", "pos:1", "app:王小明-设备", strings.Repeat("x", 111), strings.Repeat("y", 112), strings.Repeat("z", 1000)} {
		if got, want := RecordKeyID(id), uuid.NewSHA1(recordKeyNS, []byte(id)); got != want {
			t.Fatalf("RecordKeyID(len %d) = %s, want %s", len(id), got, want)
		}
	}
}
