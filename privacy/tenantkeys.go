package privacy

import (
	"context"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strconv"
	"sync"
	"time"
)

// tenantKeySet is the immutable unwrapped view of one tenant's usable keys
// of one kind (primary and active versions).
type tenantKeySet struct {
	kind    KeyKind
	primary uint32 // 0 if there is none
	keys    map[uint32]*tenantKey
	first   *tenantKey    // keys[primary], nil if there is none
	order   []uint32      // primary first, then active versions newest first
	gen     uint64        // Vault.gen when loaded
	expires time.Duration // Vault.elapsed deadline
}

// tenantKey is one unwrapped tenant key: an AEAD for a KEK, a pool of keyed
// HMACs for an index key.
type tenantKey struct {
	version uint32
	aead    cipher.AEAD
	prefix  string     // index keys: token prefix "<version>."
	mu      sync.Mutex // guards mac, the uncontended fast path
	mac     *macState
	macs    *sync.Pool // of *macState, used when mac is busy
}

// macState is a reusable HMAC with a scratch buffer.
type macState struct {
	h   hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

// tenantKeyAD binds a wrapped tenant key to its tenant, kind and version.
func tenantKeyAD(tenant string, kind KeyKind, version uint32) []byte {
	b := appendLP([]byte("cimkit/tenantkey/v1"), tenant)
	b = append(b, byte(kind))
	return binary.BigEndian.AppendUint32(b, version)
}

// tenantKeys returns the tenant's usable keys of kind, from the cache or the
// KeyStore. With create true and no primary key, it creates the first
// version as primary.
func (v *Vault) tenantKeys(ctx context.Context, tenant string, kind KeyKind, create bool) (*tenantKeySet, error) {
	ref := tenantRef{tenant, kind}
	if s, ok := v.tenants.get(ref); ok && (s.primary != 0 || !create) {
		return s, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		g := v.gen.Load()
		tks, err := v.ks.ListTenantKeys(ctx, tenant, kind)
		if err != nil {
			return nil, fmt.Errorf("privacy: load %s keys: %w", kind, err)
		}
		if create && primaryOf(tks) == 0 && len(tks) == 0 {
			_, err := v.addTenantKey(ctx, tenant, kind, StatePrimary, 1)
			if err != nil && !errors.Is(err, ErrAlreadyExists) {
				return nil, err
			}
			continue
		}
		s, err := v.unwrapTenantKeys(ctx, tenant, kind, tks)
		if err != nil {
			return nil, err
		}
		s.expires = v.elapsed() + v.ttl
		if create && s.primary == 0 {
			return nil, fmt.Errorf("%w: tenant has no primary %s key", ErrKeyUnavailable, kind)
		}
		v.tenants.put(ref, s)
		if v.gen.Load() != g {
			v.tenants.remove(ref) // keys changed while loading
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: %s key creation did not settle", ErrConflict, kind)
}

// primaryOf returns the highest primary version, or 0.
func primaryOf(tks []TenantKey) uint32 {
	var p uint32
	for _, k := range tks {
		if k.State == StatePrimary && k.Version > p {
			p = k.Version
		}
	}
	return p
}

func (v *Vault) unwrapTenantKeys(ctx context.Context, tenant string, kind KeyKind, tks []TenantKey) (*tenantKeySet, error) {
	s := &tenantKeySet{kind: kind, primary: primaryOf(tks), keys: map[uint32]*tenantKey{}}
	for _, k := range tks {
		if !k.State.usable() {
			continue
		}
		raw, err := v.km.Unwrap(ctx, k.KeyName, k.Wrapped, tenantKeyAD(tenant, kind, k.Version))
		if err != nil {
			return nil, fmt.Errorf("%w: unwrap %s key version %d: %w", ErrKeyUnavailable, kind, k.Version, err)
		}
		tk, err := newTenantKey(kind, k.Version, raw)
		clear(raw)
		if err != nil {
			return nil, err
		}
		s.keys[k.Version] = tk
		if k.Version != s.primary {
			s.order = append(s.order, k.Version)
		}
	}
	sort.Slice(s.order, func(i, j int) bool { return s.order[i] > s.order[j] })
	if s.primary != 0 {
		if s.keys[s.primary] == nil {
			return nil, fmt.Errorf("%w: primary %s key is not usable", ErrKeyUnavailable, kind)
		}
		s.order = append([]uint32{s.primary}, s.order...)
		s.first = s.keys[s.primary]
	}
	return s, nil
}

func newTenantKey(kind KeyKind, version uint32, raw []byte) (*tenantKey, error) {
	tk := &tenantKey{version: version}
	switch kind {
	case KindKEK:
		a, err := newGCM(raw)
		if err != nil {
			return nil, err
		}
		tk.aead = a
	case KindIndex:
		if len(raw) != 32 {
			return nil, fmt.Errorf("%w: index key is not 32 bytes", ErrKeyUnavailable)
		}
		key := append([]byte(nil), raw...)
		newMAC := func() any { return &macState{h: hmac.New(sha256.New, key), buf: make([]byte, 0, 128)} }
		tk.macs = &sync.Pool{New: newMAC}
		tk.mac = newMAC().(*macState)
		tk.prefix = strconv.FormatUint(uint64(version), 10) + "."
	default:
		return nil, fmt.Errorf("%w: unknown key kind", ErrInvalid)
	}
	return tk, nil
}

// addTenantKey generates, wraps and stores a new tenant key version.
func (v *Vault) addTenantKey(ctx context.Context, tenant string, kind KeyKind, state KeyState, version uint32) (uint32, error) {
	raw := make([]byte, 32)
	defer clear(raw)
	if err := v.random(raw); err != nil {
		return 0, fmt.Errorf("privacy: generate %s key: %w", kind, err)
	}
	wrapped, err := v.km.Wrap(ctx, v.keyName, raw, tenantKeyAD(tenant, kind, version))
	if err != nil {
		return 0, fmt.Errorf("%w: wrap %s key: %w", ErrKeyUnavailable, kind, err)
	}
	now := v.now().UTC()
	tk := TenantKey{Tenant: tenant, Kind: kind, Version: version, State: state, KeyName: v.keyName, Wrapped: wrapped, Created: now, Updated: now}
	if err := v.ks.CreateTenantKey(ctx, tk); err != nil {
		return 0, fmt.Errorf("privacy: store %s key: %w", kind, err)
	}
	v.invalidateTenant(tenant, kind)
	v.log.LogAttrs(ctx, slogInfo, "privacy: tenant key created", attrTenant(tenant), attrKind(kind), attrVersion(version), attrState(state))
	return version, nil
}

// invalidateTenant drops the cached key set and tells tokenizers to reload.
func (v *Vault) invalidateTenant(tenant string, kind KeyKind) {
	v.tenants.remove(tenantRef{tenant, kind})
	v.gen.Add(1)
}
