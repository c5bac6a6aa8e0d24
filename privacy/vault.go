package privacy

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Vault. A nil *Options, or a zero field, means the
// default.
type Options struct {
	// KeyName is the KeyManager key that wraps tenant keys. Default
	// "cimkit".
	KeyName string
	// IndexBits is the length in bits of blind-index tokens, 8..256.
	// Default 24. See [Tokenizer] for how to choose it.
	IndexBits int
	// CacheSize bounds the number of customers whose unwrapped data keys
	// are cached. Default 10000.
	CacheSize int
	// CacheTTL bounds how long an unwrapped key (customer data key or
	// tenant key) is used before it is reloaded from the KeyStore; it is
	// how long a shred or rotation done by another process can take to be
	// seen by this one. Default 5 minutes.
	CacheTTL time.Duration
	// Rand supplies nonces and new keys. Default crypto/rand. A reader
	// given here is used under a lock, so a seeded generator that is not
	// safe for concurrent use (for tests) may be passed.
	Rand io.Reader
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger receives key life-cycle events (tenant, kind, version,
	// counts; never keys, values or customer ids). Default: discard.
	Logger *slog.Logger
}

// Vault seals and opens field values with per-customer data keys, wrapped
// by versioned tenant keys, wrapped in turn by the host's KeyManager. It
// also makes blind-index tokenizers, rotates keys and shreds customers.
// A Vault is safe for concurrent use; it never exposes a raw key.
type Vault struct {
	ks        KeyStore
	km        KeyManager
	keyName   string
	indexBits int
	ttl       time.Duration
	rand      io.Reader   // nil means crypto/rand.Read
	nonces    nonceBuffer // nonces when rand is nil
	dekRand   nonceBuffer // new data keys when rand is nil
	now       func() time.Time
	elapsed   func() time.Duration // for cache expiry
	log       *slog.Logger

	deks    *lru[customerRef, *customerKeys]
	tenants *lru[tenantRef, *tenantKeySet]
	gen     atomic.Uint64 // bumped on every local tenant key change
	dekGen  atomic.Uint64 // bumped when a customer's data keys change
}

// customerRef names a customer's data keys in the cache.
type customerRef struct{ tenant, customer string }

// tenantRef names a tenant key set in the cache.
type tenantRef struct {
	tenant string
	kind   KeyKind
}

// customerKeys is the immutable unwrapped view of a customer's data keys.
type customerKeys struct {
	shredded bool
	primary  uint32
	aead     cipher.AEAD // primary
	others   map[uint32]cipher.AEAD
}

func (c *customerKeys) version(v uint32) cipher.AEAD {
	if v == c.primary {
		return c.aead
	}
	return c.others[v]
}

// New returns a Vault over the host's KeyStore and KeyManager.
func New(ks KeyStore, km KeyManager, opts *Options) (*Vault, error) {
	if ks == nil || km == nil {
		return nil, fmt.Errorf("%w: KeyStore and KeyManager are required", ErrInvalid)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.KeyName == "" {
		o.KeyName = "cimkit"
	}
	if o.IndexBits == 0 {
		o.IndexBits = 24
	}
	if o.IndexBits < 8 || o.IndexBits > 256 {
		return nil, fmt.Errorf("%w: IndexBits must be in 8..256", ErrInvalid)
	}
	if o.CacheSize == 0 {
		o.CacheSize = 10000
	}
	if o.CacheSize < 0 {
		return nil, fmt.Errorf("%w: CacheSize is negative", ErrInvalid)
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = 5 * time.Minute
	}
	if o.CacheTTL < 0 {
		return nil, fmt.Errorf("%w: CacheTTL is negative", ErrInvalid)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Rand != nil {
		o.Rand = &lockedReader{r: o.Rand}
	}
	v := &Vault{
		ks: ks, km: km, keyName: o.KeyName, indexBits: o.IndexBits, ttl: o.CacheTTL,
		rand: o.Rand, now: o.Now, log: o.Logger,
	}
	v.nonces.size = nonceRandBuffer
	v.elapsed = elapsedClock(opts)
	v.deks = newLRU[customerRef, *customerKeys](o.CacheSize, o.CacheTTL, v.elapsed)
	v.tenants = newLRU[tenantRef, *tenantKeySet](1024, o.CacheTTL, v.elapsed)
	return v, nil
}

// elapsedClock returns the time since the Vault was made: from the
// injected clock if there is one, else from a coarse monotonic clock.
func elapsedClock(opts *Options) func() time.Duration {
	if opts != nil && opts.Now != nil {
		now := opts.Now
		start := now()
		return func() time.Duration { return now().Sub(start) }
	}
	return newCoarseClock().elapsed
}

// String describes the Vault without key material.
func (v *Vault) String() string { return "privacy.Vault" }

// GoString is String, so %#v does not print internals.
func (v *Vault) GoString() string { return v.String() }

// random fills b from the configured source.
func (v *Vault) random(b []byte) error {
	if v.rand == nil {
		_, err := rand.Read(b)
		return err
	}
	_, err := io.ReadFull(v.rand, b)
	return err
}

// nonce fills b, a nonce, from the configured source: with crypto/rand
// through a buffer, so a seal does not cost a read of the system source.
func (v *Vault) nonce(b []byte) error {
	if v.rand == nil {
		return v.nonces.read(b)
	}
	return v.random(b)
}

// dataKeyRandom fills b, a new data key, from the configured source:
// with crypto/rand through its own buffer (see nonceBuffer).
func (v *Vault) dataKeyRandom(b []byte) error {
	if v.rand == nil {
		return v.dekRand.read(b)
	}
	return v.random(b)
}

// Seal encrypts plaintext for the place ad names, creating the customer's
// data key (and the tenant's first key-encryption key) on first use. The
// result is [Overhead] bytes longer than plaintext and carries the key
// version in its header. It returns ErrInvalid for incomplete ad and
// ErrShredded if the customer was shredded.
func (v *Vault) Seal(ctx context.Context, ad AssociatedData, plaintext []byte) ([]byte, error) {
	if err := ad.validate(); err != nil {
		return nil, err
	}
	ck, err := v.customerKeys(ctx, ad.Tenant, ad.CustomerID, true)
	if err != nil {
		return nil, err
	}
	if ck.shredded {
		return nil, fmt.Errorf("%w: customer data key", ErrShredded)
	}
	// One allocation holds the result and, past its end, the additional
	// data (header and encoded ad), which is not secret.
	n := prefixLen + len(plaintext) + tagLen
	buf := make([]byte, n+headerLen+ad.encodedLen())
	appendHeader(buf[:0], ck.primary)
	if err := v.nonce(buf[headerLen:prefixLen]); err != nil {
		return nil, fmt.Errorf("privacy: nonce: %w", err)
	}
	aad := ad.appendEncoded(append(buf[n:n], buf[:headerLen]...))
	return ck.aead.Seal(buf[:prefixLen], buf[headerLen:prefixLen], plaintext, aad)[:n:n], nil
}

// Open decrypts a value sealed by Seal for the same ad. Any malformed,
// altered or misplaced ciphertext returns an error matching ErrDecrypt; a
// shredded customer's value returns an error matching both ErrShredded and
// ErrDecrypt. Errors from the KeyStore or KeyManager are returned as they
// are (wrapped), so an outage is not mistaken for tampering. ciphertext is
// only read.
func (v *Vault) Open(ctx context.Context, ad AssociatedData, ciphertext []byte) ([]byte, error) {
	if err := ad.validate(); err != nil {
		return nil, err
	}
	h, err := parseHeader(ciphertext)
	if err != nil {
		return nil, err
	}
	ck, err := v.customerKeys(ctx, ad.Tenant, ad.CustomerID, false)
	if err != nil {
		return nil, err
	}
	if ck == nil {
		return nil, fmt.Errorf("%w: no data key", ErrDecrypt)
	}
	if ck.shredded {
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, ErrShredded)
	}
	a := ck.version(h.version)
	if a == nil && h.version > ck.primary {
		// Perhaps rotated by another process since it was cached.
		ref := customerRef{ad.Tenant, ad.CustomerID}
		v.deks.remove(ref)
		if ck, err = v.customerKeys(ctx, ad.Tenant, ad.CustomerID, false); err != nil {
			return nil, err
		}
		if ck == nil {
			return nil, fmt.Errorf("%w: no data key", ErrDecrypt)
		}
		if ck.shredded {
			return nil, fmt.Errorf("%w: %w", ErrDecrypt, ErrShredded)
		}
		a = ck.version(h.version)
	}
	if a == nil {
		return nil, fmt.Errorf("%w: unknown key version", ErrDecrypt)
	}
	n := len(ciphertext) - prefixLen - tagLen
	buf := make([]byte, n+headerLen+ad.encodedLen())
	aad := ad.appendEncoded(append(buf[n:n], ciphertext[:headerLen]...))
	pt, err := a.Open(buf[:0], ciphertext[headerLen:prefixLen], ciphertext[prefixLen:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext does not authenticate", ErrDecrypt)
	}
	return pt[:n:n], nil
}

// customerKeys returns the customer's unwrapped data keys, from the cache or
// the KeyStore. With create false it returns nil if the customer has none.
func (v *Vault) customerKeys(ctx context.Context, tenant, customer string, create bool) (*customerKeys, error) {
	ref := customerRef{tenant, customer}
	if ck, ok := v.deks.get(ref); ok {
		return ck, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		g := v.dekGen.Load()
		dks, err := v.ks.DataKeys(ctx, tenant, customer)
		if err != nil {
			return nil, fmt.Errorf("privacy: load data keys: %w", err)
		}
		if len(dks) == 0 {
			if !create {
				return nil, nil
			}
			ck, err := v.createDataKey(ctx, tenant, customer, 1)
			if errors.Is(err, ErrAlreadyExists) {
				continue // lost a race; load the winner's key
			}
			if err != nil {
				return nil, err
			}
			// The store now holds exactly this one key: use it without
			// reloading and unwrapping it.
			v.deks.put(ref, ck)
			if v.dekGen.Load() != g {
				v.deks.remove(ref) // shredded or rotated meanwhile
				continue
			}
			return ck, nil
		}
		ck, err := v.unwrapCustomerKeys(ctx, dks)
		if err != nil {
			return nil, err
		}
		v.deks.put(ref, ck)
		if v.dekGen.Load() != g {
			v.deks.remove(ref) // shredded or rotated while loading
		}
		return ck, nil
	}
	return nil, fmt.Errorf("%w: data key creation did not settle", ErrConflict)
}

// invalidateCustomer drops a customer's cached data keys, including any
// load that started before the change.
func (v *Vault) invalidateCustomer(ref customerRef) {
	v.dekGen.Add(1)
	v.deks.remove(ref)
}

// unwrapCustomerKeys unwraps every live version; any destroyed version
// marks the customer shredded.
func (v *Vault) unwrapCustomerKeys(ctx context.Context, dks []DataKey) (*customerKeys, error) {
	ck := &customerKeys{}
	for _, dk := range dks {
		if !dk.Destroyed.IsZero() || dk.Wrapped == nil {
			return &customerKeys{shredded: true}, nil
		}
	}
	kek, err := v.tenantKeys(ctx, dks[0].Tenant, KindKEK, false)
	if err != nil {
		return nil, err
	}
	reloaded := false
	for _, dk := range dks {
		k := kek.keys[dk.KEKVersion]
		if k == nil && !reloaded {
			// Possibly added by another process: reload once.
			reloaded = true
			v.invalidateTenant(dk.Tenant, KindKEK)
			if kek, err = v.tenantKeys(ctx, dk.Tenant, KindKEK, false); err != nil {
				return nil, err
			}
			k = kek.keys[dk.KEKVersion]
		}
		if k == nil {
			return nil, fmt.Errorf("%w: key-encryption key version %d is not usable", ErrKeyUnavailable, dk.KEKVersion)
		}
		raw, err := unwrapDataKey(k.aead, dk)
		if err != nil {
			return nil, err
		}
		a, err := newGCM(raw)
		clear(raw)
		if err != nil {
			return nil, err
		}
		if dk.Version >= ck.primary {
			if ck.aead != nil {
				if ck.others == nil {
					ck.others = map[uint32]cipher.AEAD{}
				}
				ck.others[ck.primary] = ck.aead
			}
			ck.primary, ck.aead = dk.Version, a
		} else {
			if ck.others == nil {
				ck.others = map[uint32]cipher.AEAD{}
			}
			ck.others[dk.Version] = a
		}
	}
	return ck, nil
}

// createDataKey makes a version of a customer's data key under the primary
// KEK and returns it as the customer's only key.
func (v *Vault) createDataKey(ctx context.Context, tenant, customer string, version uint32) (*customerKeys, error) {
	kek, err := v.tenantKeys(ctx, tenant, KindKEK, true)
	if err != nil {
		return nil, err
	}
	dk := DataKey{Tenant: tenant, CustomerID: customer, Version: version, KEKVersion: kek.primary, Created: v.now().UTC()}
	// One allocation: the wrapped key (nonce, ciphertext, tag; capped),
	// then scratch space for the raw key, cleared on return, and the
	// wrapping's additional data.
	const wrappedLen = nonceLen + dataKeyLen + tagLen
	buf := make([]byte, wrappedLen+dataKeyLen, wrappedLen+dataKeyLen+dataKeyADLen(dk))
	raw := buf[wrappedLen : wrappedLen+dataKeyLen]
	defer clear(raw)
	if err := v.dataKeyRandom(raw); err != nil {
		return nil, fmt.Errorf("privacy: generate data key: %w", err)
	}
	if err := v.nonce(buf[:nonceLen]); err != nil {
		return nil, fmt.Errorf("privacy: nonce: %w", err)
	}
	ad := appendDataKeyAD(buf[wrappedLen+dataKeyLen:wrappedLen+dataKeyLen], dk)
	dk.Wrapped = kek.keys[kek.primary].aead.Seal(buf[:nonceLen], buf[:nonceLen], raw, ad)[:wrappedLen:wrappedLen]
	a, err := newGCM(raw)
	if err != nil {
		return nil, err
	}
	if err := v.ks.CreateDataKey(ctx, dk); err != nil {
		return nil, fmt.Errorf("privacy: store data key: %w", err)
	}
	return &customerKeys{primary: version, aead: a}, nil
}

// dataKeyLen is the length of a raw data key (AES-256).
const dataKeyLen = 32

// dataKeyPrefix starts the additional data of a wrapped data key.
const dataKeyPrefix = "cimkit/dek/v1"

// dataKeyAD binds a wrapped data key to its owner and versions.
func dataKeyAD(dk DataKey) []byte {
	return appendDataKeyAD(make([]byte, 0, dataKeyADLen(dk)), dk)
}

// appendDataKeyAD appends dataKeyAD(dk) to b.
func appendDataKeyAD(b []byte, dk DataKey) []byte {
	b = appendLP(append(b, dataKeyPrefix...), dk.Tenant, dk.CustomerID)
	b = binary.BigEndian.AppendUint32(b, dk.Version)
	return binary.BigEndian.AppendUint32(b, dk.KEKVersion)
}

func dataKeyADLen(dk DataKey) int {
	return len(dataKeyPrefix) + uvarintLen(uint64(len(dk.Tenant))) + len(dk.Tenant) +
		uvarintLen(uint64(len(dk.CustomerID))) + len(dk.CustomerID) + 8
}

// wrapDataKey seals raw under the KEK with the additional data ad
// (dataKeyAD): nonce || ciphertext.
func (v *Vault) wrapDataKey(kek cipher.AEAD, raw, ad []byte) ([]byte, error) {
	out := make([]byte, nonceLen, nonceLen+len(raw)+tagLen)
	if err := v.nonce(out); err != nil {
		return nil, fmt.Errorf("privacy: nonce: %w", err)
	}
	return kek.Seal(out, out, raw, ad), nil
}

func unwrapDataKey(kek cipher.AEAD, dk DataKey) ([]byte, error) {
	if len(dk.Wrapped) < nonceLen+tagLen {
		return nil, fmt.Errorf("%w: wrapped data key is malformed", ErrKeyUnavailable)
	}
	raw, err := kek.Open(nil, dk.Wrapped[:nonceLen], dk.Wrapped[nonceLen:], dataKeyAD(dk))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped data key does not authenticate", ErrKeyUnavailable)
	}
	return raw, nil
}

// lockedReader serialises reads from a reader that may not be safe for
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
