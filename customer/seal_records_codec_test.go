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

// TestRecordFieldsCodec round-trips record fields through the sealed
// plaintext encoding and checks it against an independent reading: the
// JSON form (version s1) of the same fields.
func TestRecordFieldsCodec(t *testing.T) {
	for _, f := range []map[string]string{
		{},
		{"name": "张三"},
		{"name": "张三", "phone": "+8613812345678", "phone_raw": "138 1234 5678", "address.detail": "", "email": "a@b.cn"},
		{"": "", "k": string(make([]byte, 300))},
		{"name": "a", "zz": "b", "address.city": "c"}, // a key sourceToRecord does not make
		{"phone": "1", "name": "2", "gender": "female", "birth_date": "2000-01-01", "email": "e", "email_raw": "E",
			"address": "a", "address_raw": "A", "address.province": "p", "address.city": "c", "address.district": "d",
			"address.detail": "x", "address.postal_code": "100000", "phone_raw": "11"},
	} {
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
		// Independent oracle: keys in sorted order.
		var want []byte
		for _, k := range slices.Sorted(maps.Keys(f)) {
			want = binary.AppendUvarint(want, uint64(len(k)))
			want = append(want, k...)
			want = binary.AppendUvarint(want, uint64(len(f[k])))
			want = append(want, f[k]...)
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("encoding %x, want keys in sorted order %x", b, want)
		}
		// Appending to a buffer that is too small keeps what it holds.
		small := append(make([]byte, 0, 4), 'x', 'y')
		if got := encodeRecordFields(small, f); !bytes.Equal(got, append([]byte("xy"), want...)) {
			t.Fatalf("appending to a small buffer: %x, want xy + %x", got, want)
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
		if _, err := decodeRecordFields(bad); err == nil {
			t.Fatalf("decode(%x) accepted malformed input", bad)
		}
	}
}

// FuzzDecodeRecordFields: any input decodes or fails without panicking,
// and what decodes encodes back to the same bytes.
func FuzzDecodeRecordFields(f *testing.F) {
	f.Add(encodeRecordFields(nil, map[string]string{"name": "李四", "phone": "+8613900000000"}))
	f.Add([]byte{})
	f.Add([]byte{1, 'a'})
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
	known := &openedRecord{id: "r3", sealed: s2[sealedFieldsKey], fields: map[string]string{"name": "known"}}
	recs := []identity.StoredRecord{{ID: "r2", Fields: s2}, {ID: "r1", Fields: s1}, {ID: "r3", Fields: s2}, {ID: "r4", Fields: map[string]string{"name": "plain"}}}
	got, err := s.openRecordFields(ctx, recs, known)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []map[string]string{want, want, known.fields, recs[3].Fields} {
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
