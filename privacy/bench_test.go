package privacy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

// BenchmarkSealOpen32 compares Vault.Seal+Open of a 32-byte field (cached
// data key, crypto/rand nonces) with raw crypto/cipher AES-256-GCM on the
// same plaintext and associated data bytes, also with a crypto/rand nonce.
func BenchmarkSealOpen32(b *testing.B) {
	ctx := context.Background()
	pt := []byte("0123456789abcdef0123456789abcdef")
	ad := testAD()
	b.Run("privacy", func(b *testing.B) {
		e := newTestEnv(b, nil)
		e.v.rand = nil                  // crypto/rand, like the peer
		e.v.elapsed = elapsedClock(nil) // default clock
		e.v.deks.now = e.v.elapsed
		if _, err := e.v.Seal(ctx, ad, pt); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			ct, err := e.v.Seal(ctx, ad, pt)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.v.Open(ctx, ad, ct); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rawGCM", func(b *testing.B) {
		key := make([]byte, 32)
		rand.Read(key)
		blk, _ := aes.NewCipher(key)
		g, _ := cipher.NewGCM(blk)
		aad := ad.appendEncoded(appendHeader(nil, 1))
		b.ReportAllocs()
		for b.Loop() {
			out := make([]byte, nonceLen, nonceLen+len(pt)+tagLen)
			rand.Read(out)
			ct := g.Seal(out, out, pt, aad)
			if _, err := g.Open(nil, ct[:nonceLen], ct[nonceLen:], aad); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkToken compares Tokenizer.Token with raw crypto/hmac HMAC-SHA256
// (keyed once, Reset per value) over the same message bytes.
func BenchmarkToken(b *testing.B) {
	ctx := context.Background()
	const kind, value = "phone", "+8613812345678"
	b.Run("privacy", func(b *testing.B) {
		e := newTestEnv(b, nil)
		e.v.elapsed = elapsedClock(nil) // default clock
		tz, _ := e.v.Tokenizer("shop1")
		if _, err := tz.Token(ctx, kind, value); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tz.Token(ctx, kind, value); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rawHMAC", func(b *testing.B) {
		key := make([]byte, 32)
		rand.Read(key)
		h := hmac.New(sha256.New, key)
		msg := append([]byte{byte(len(kind))}, kind+value...)
		var sum [sha256.Size]byte
		b.ReportAllocs()
		for b.Loop() {
			h.Reset()
			h.Write(msg)
			h.Sum(sum[:0])
		}
	})
}
