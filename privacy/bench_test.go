package privacy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"
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
	b.Run("rawHMAC", func(b *testing.B) { benchRawHMAC(b, kind, value) })
}

// ratioBlock is the number of operations timed per side in the ratio
// benchmarks: blocks of ours and of the peer alternate, so both see the
// same machine load even on a busy host.
const ratioBlock = 64

// BenchmarkSealOpen32Ratio alternates blocks of Vault.Seal+Open and raw
// AES-256-GCM seal+open (same inputs as BenchmarkSealOpen32) and reports
// each side's ns per seal+open and their ratio.
func BenchmarkSealOpen32Ratio(b *testing.B) {
	ctx := context.Background()
	pt := []byte("0123456789abcdef0123456789abcdef")
	ad := testAD()
	e := newTestEnv(b, nil)
	e.v.rand = nil
	e.v.elapsed = elapsedClock(nil)
	e.v.deks.now = e.v.elapsed
	if _, err := e.v.Seal(ctx, ad, pt); err != nil {
		b.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	blk, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(blk)
	aad := ad.appendEncoded(appendHeader(nil, 1))
	var ours, raw time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range ratioBlock {
			ct, _ := e.v.Seal(ctx, ad, pt)
			if _, err := e.v.Open(ctx, ad, ct); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range ratioBlock {
			out := make([]byte, nonceLen, nonceLen+len(pt)+tagLen)
			rand.Read(out)
			ct := g.Seal(out, out, pt, aad)
			if _, err := g.Open(nil, ct[:nonceLen], ct[nonceLen:], aad); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		ours, raw = ours+t1.Sub(t0), raw+t2.Sub(t1)
	}
	n := float64(b.N * ratioBlock)
	b.ReportMetric(float64(ours.Nanoseconds())/n, "privacy-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/n, "raw-ns/op")
	b.ReportMetric(float64(ours)/float64(raw), "ratio")
}

// benchRawHMAC is the peer of the token benchmarks: crypto/hmac
// HMAC-SHA256 keyed once and Reset per value, over the message bytes the
// Tokenizer hashes.
func benchRawHMAC(b *testing.B, kind, value string) {
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
}

// BenchmarkAppendToken is BenchmarkToken through Tokenizer.AppendToken
// into a reused buffer: the blind index without the string Token returns
// (identity.BlindIndex uses it).
func BenchmarkAppendToken(b *testing.B) {
	ctx := context.Background()
	const kind, value = "phone", "+8613812345678"
	b.Run("privacy", func(b *testing.B) {
		e := newTestEnv(b, nil)
		e.v.elapsed = elapsedClock(nil)
		tz, _ := e.v.Tokenizer("shop1")
		buf := make([]byte, 0, 64)
		if _, err := tz.AppendToken(ctx, buf, kind, value); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tz.AppendToken(ctx, buf[:0], kind, value); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rawHMAC", func(b *testing.B) { benchRawHMAC(b, kind, value) })
}

// BenchmarkTokenRatio alternates blocks of Tokenizer.Token and raw
// HMAC-SHA256 (same inputs as BenchmarkToken) and reports the ratio.
func BenchmarkTokenRatio(b *testing.B) {
	ctx := context.Background()
	const kind, value = "phone", "+8613812345678"
	e := newTestEnv(b, nil)
	e.v.elapsed = elapsedClock(nil)
	tz, _ := e.v.Tokenizer("shop1")
	if _, err := tz.Token(ctx, kind, value); err != nil {
		b.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	h := hmac.New(sha256.New, key)
	msg := append([]byte{byte(len(kind))}, kind+value...)
	var sum [sha256.Size]byte
	var ours, raw time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range ratioBlock {
			if _, err := tz.Token(ctx, kind, value); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range ratioBlock {
			h.Reset()
			h.Write(msg)
			h.Sum(sum[:0])
		}
		t2 := time.Now()
		ours, raw = ours+t1.Sub(t0), raw+t2.Sub(t1)
	}
	n := float64(b.N * ratioBlock)
	b.ReportMetric(float64(ours.Nanoseconds())/n, "privacy-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/n, "raw-ns/op")
	b.ReportMetric(float64(ours)/float64(raw), "ratio")
}
