package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/cimkit/cimkit/privacy/audit"
)

func FuzzDecodeEntry(f *testing.F) {
	e := entry(1)
	e.At = t0
	b, _ := e.Encode()
	f.Add(b)
	f.Add([]byte(`{"at":"2026-01-01T00:00:00Z","actor":"a","action":"reveal","outcome":"denied"}`))
	f.Add([]byte(`{"at":1}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := audit.DecodeEntry(data)
		if err != nil {
			if !errors.Is(err, audit.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded entry does not re-encode: %v", err)
		}
		if _, err := audit.DecodeEntry(again); err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	cp, _ := audit.Checkpoint{Origin: "o", Size: 3}.Sign(testKey(1))
	f.Add([]byte(`{"origin":"o","size":3,"root":"` + cp.Root.String() + `","signature":"` +
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" + `"}`))
	f.Add([]byte(`{"origin":"","size":-1}`))
	f.Add([]byte(`{"root":"zz"}`))
	v := audit.Verifier{Origin: "o", Key: testKey(1).Public().(ed25519.PublicKey)}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := audit.ParseCheckpoint(data)
		if err != nil {
			if !errors.Is(err, audit.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if err := v.VerifyCheckpoint(c); err != nil && !errors.Is(err, audit.ErrBadSignature) {
			t.Fatalf("verify: untyped error %v", err)
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte("{}\n{}\n"))
	f.Add([]byte("a\r\nb"))
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := audit.ReadJSONL(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, audit.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := audit.WriteJSONL(&buf, lines); err != nil {
			return // a line with a lone \r cannot be written back
		}
		again, err := audit.ReadJSONL(&buf)
		if err != nil || len(again) != len(lines) {
			t.Fatalf("round trip: %d lines → %d, %v", len(lines), len(again), err)
		}
	})
}
