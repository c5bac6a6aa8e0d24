package privacy

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
)

// maxTokenInput bounds kind and value lengths given to a Tokenizer.
const maxTokenInput = 4096

// Tokenizer computes blind-index tokens for one tenant: a keyed
// HMAC-SHA256 of (kind, canonical value) under the tenant's index key,
// truncated to Options.IndexBits bits. Tokens let the host's store find
// records by value without holding the value; the identity package uses
// them to match phones, emails and devices.
//
// Choosing the length L = IndexBits: with R records holding a value kind,
// choose √R < 2^L < R/2 (see [IndexBitsFor]). Above R/2 a token nearly
// identifies one value, so the index leaks which records share it and
// invites dictionary attacks on low-entropy values such as phone numbers;
// below √R every lookup returns too many candidates to confirm. Because
// tokens collide by design, a lookup returns candidates that must be
// confirmed by decrypting ([Vault.Confirm], [ConfirmCandidates]).
//
// A token is "<key version>.<base64url bits>", for example "1.q83v8A";
// it is deterministic for a (key version, kind, value) and differs across
// kinds, tenants and key versions. A Tokenizer is safe for concurrent use.
type Tokenizer struct {
	v      *Vault
	tenant string
	snap   atomic.Pointer[tokenizerSnap]
}

// tokenizerSnap is the index key set a Tokenizer uses, with the Vault's key
// generation at which it was fetched.
type tokenizerSnap struct {
	keys *tenantKeySet
	gen  uint64
}

// Tokenizer returns the blind-index tokenizer for tenant. The tenant's
// first index key is created on first use.
func (v *Vault) Tokenizer(tenant string) (*Tokenizer, error) {
	if tenant == "" {
		return nil, fmt.Errorf("%w: tenant is empty", ErrInvalid)
	}
	if len(tenant) > maxADField {
		return nil, fmt.Errorf("%w: tenant longer than %d bytes", ErrInvalid, maxADField)
	}
	return &Tokenizer{v: v, tenant: tenant}, nil
}

// IndexBitsFor suggests a blind-index length for a kind with about records
// values stored: the midpoint, in bits, of √R < 2^L < R/2, clamped to
// 8..64. For a million records it returns 14 (about 61 candidates per
// lookup).
func IndexBitsFor(records int) int {
	if records < 4 {
		return 8
	}
	lg := math.Log2(float64(records))
	l := int(math.Round((lg/2 + lg - 1) / 2))
	return max(8, min(64, l))
}

// keys returns the live index key snapshot, reloading it after expiry or
// after a key change made through the Vault.
func (t *Tokenizer) keys(ctx context.Context) (*tenantKeySet, error) {
	if s := t.snap.Load(); s != nil && s.gen == t.v.gen.Load() && t.v.elapsed() < s.keys.expires {
		return s.keys, nil
	}
	gen := t.v.gen.Load()
	ks, err := t.v.tenantKeys(ctx, t.tenant, KindIndex, true)
	if err != nil {
		return nil, err
	}
	t.snap.Store(&tokenizerSnap{keys: ks, gen: gen})
	return ks, nil
}

func checkTokenInput(kind, value string) error {
	switch {
	case kind == "":
		return fmt.Errorf("%w: token kind is empty", ErrInvalid)
	case value == "":
		return fmt.Errorf("%w: token value is empty", ErrInvalid)
	case len(kind) > maxTokenInput || len(value) > maxTokenInput:
		return fmt.Errorf("%w: token input longer than %d bytes", ErrInvalid, maxTokenInput)
	}
	return nil
}

// Token returns the token of canonicalValue under the primary index key;
// store it beside the sealed value. kind names the identifier kind
// ("phone", "email", "device"); canonicalValue must already be
// canonicalised (customer/clean), since equal tokens need equal bytes.
func (t *Tokenizer) Token(ctx context.Context, kind, canonicalValue string) (string, error) {
	if err := checkTokenInput(kind, canonicalValue); err != nil {
		return "", err
	}
	s, err := t.keys(ctx)
	if err != nil {
		return "", err
	}
	return string(t.appendToken(make([]byte, 0, 64), s.first, kind, canonicalValue)), nil
}

// AppendToken is Token appending to dst instead of returning a new string
// (for callers that keep many tokens in one buffer).
func (t *Tokenizer) AppendToken(ctx context.Context, dst []byte, kind, canonicalValue string) ([]byte, error) {
	if err := checkTokenInput(kind, canonicalValue); err != nil {
		return dst, err
	}
	s, err := t.keys(ctx)
	if err != nil {
		return dst, err
	}
	return t.appendToken(dst, s.first, kind, canonicalValue), nil
}

// Tokens returns the tokens of canonicalValue under every readable index
// key version, primary first. Look a value up by all of them: during a
// rotation records carry tokens of the old or the new version.
func (t *Tokenizer) Tokens(ctx context.Context, kind, canonicalValue string) ([]string, error) {
	if err := checkTokenInput(kind, canonicalValue); err != nil {
		return nil, err
	}
	s, err := t.keys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(s.order))
	for _, ver := range s.order {
		out = append(out, string(t.appendToken(nil, s.keys[ver], kind, canonicalValue)))
	}
	return out, nil
}

// TokenVersion returns the index key version a token was made with, so a
// re-indexing job can find tokens still under an old version.
func TokenVersion(token string) (uint32, error) {
	for i := 0; i < len(token); i++ {
		if token[i] == '.' {
			v, err := strconv.ParseUint(token[:i], 10, 32)
			if err != nil || v == 0 {
				break
			}
			return uint32(v), nil
		}
	}
	return 0, fmt.Errorf("%w: malformed token", ErrInvalid)
}

// appendToken appends the token of (kind, value) under key k.
func (t *Tokenizer) appendToken(dst []byte, k *tenantKey, kind, value string) []byte {
	ms, locked := k.mac, k.mu.TryLock()
	if !locked {
		ms = k.macs.Get().(*macState)
	}
	ms.h.Reset()
	ms.buf = binary.AppendUvarint(ms.buf[:0], uint64(len(kind)))
	ms.buf = append(ms.buf, kind...)
	ms.buf = append(ms.buf, value...)
	ms.h.Write(ms.buf)
	sum := ms.h.Sum(ms.sum[:0])
	bits := t.v.indexBits
	nb := (bits + 7) / 8
	if r := bits % 8; r != 0 {
		sum[nb-1] &= byte(0xff << (8 - r))
	}
	dst = append(dst, k.prefix...)
	dst = base64.RawURLEncoding.AppendEncode(dst, sum[:nb])
	if locked {
		k.mu.Unlock()
	} else {
		k.macs.Put(ms)
	}
	return dst
}

// Confirm opens ciphertext for ad and reports, in constant time, whether it
// holds canonicalValue: the confirm step of a blind-index lookup. A
// shredded customer's value is reported as not matching, without error.
func (v *Vault) Confirm(ctx context.Context, ad AssociatedData, ciphertext []byte, canonicalValue string) (bool, error) {
	pt, err := v.Open(ctx, ad, ciphertext)
	if errors.Is(err, ErrShredded) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ok := subtle.ConstantTimeCompare(pt, []byte(canonicalValue)) == 1
	clear(pt)
	return ok, nil
}

// ConfirmCandidates keeps the candidates of a blind-index lookup whose
// sealed value equals canonicalValue. sealed returns, for a candidate, the
// associated data and ciphertext of the indexed field. It stops at the
// first error other than a shredded customer.
func ConfirmCandidates[T any](ctx context.Context, v *Vault, canonicalValue string, candidates []T, sealed func(T) (AssociatedData, []byte)) ([]T, error) {
	var out []T
	for _, c := range candidates {
		ad, ct := sealed(c)
		ok, err := v.Confirm(ctx, ad, ct, canonicalValue)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}
