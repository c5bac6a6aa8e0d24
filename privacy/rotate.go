package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A rotation of a tenant key, kind KindKEK or KindIndex, runs:
//
//	v2, _ := v.AddKey(ctx, tenant, kind)      // new version, Active
//	v.PromoteKey(ctx, tenant, kind, v2)       // now Primary; old primary Active
//	v.Rewrap(ctx, tenant, opts)               // KEK: rewrap data keys in batches
//	                                          // index: host re-tokenizes its records
//	v.RetireKey(ctx, tenant, kind, v1)        // no longer used
//	v.DestroyKey(ctx, tenant, kind, v1)       // wrapped material erased
//
// Reads work throughout: every Active or Primary version opens. Key
// changes are meant to be made by one operator at a time; other processes
// see them within Options.CacheTTL.

// KeyInfo describes a tenant key version without its material.
type KeyInfo struct {
	Version uint32
	State   KeyState
	Created time.Time
	Updated time.Time
}

// Keys describes every version of the tenant's keys of kind.
func (v *Vault) Keys(ctx context.Context, tenant string, kind KeyKind) ([]KeyInfo, error) {
	tks, err := v.listTenantKeys(ctx, tenant, kind)
	if err != nil {
		return nil, err
	}
	out := make([]KeyInfo, len(tks))
	for i, k := range tks {
		out[i] = KeyInfo{Version: k.Version, State: k.State, Created: k.Created, Updated: k.Updated}
	}
	return out, nil
}

func (v *Vault) listTenantKeys(ctx context.Context, tenant string, kind KeyKind) ([]TenantKey, error) {
	if tenant == "" {
		return nil, fmt.Errorf("%w: tenant is empty", ErrInvalid)
	}
	if kind != KindKEK && kind != KindIndex {
		return nil, fmt.Errorf("%w: unknown key kind", ErrInvalid)
	}
	tks, err := v.ks.ListTenantKeys(ctx, tenant, kind)
	if err != nil {
		return nil, fmt.Errorf("privacy: load %s keys: %w", kind, err)
	}
	return tks, nil
}

// AddKey creates the next version of the tenant's key of kind. It is Active
// (readable, not used for new values) unless the tenant had no key, in
// which case it is Primary. It returns the new version.
func (v *Vault) AddKey(ctx context.Context, tenant string, kind KeyKind) (uint32, error) {
	tks, err := v.listTenantKeys(ctx, tenant, kind)
	if err != nil {
		return 0, err
	}
	state, next := StateActive, uint32(1)
	if len(tks) == 0 {
		state = StatePrimary
	} else {
		next = tks[len(tks)-1].Version + 1
	}
	return v.addTenantKey(ctx, tenant, kind, state, next)
}

// find returns the index of version in tks, or an ErrNotFound error.
func findVersion(tks []TenantKey, kind KeyKind, version uint32) (int, error) {
	for i := range tks {
		if tks[i].Version == version {
			return i, nil
		}
	}
	return -1, fmt.Errorf("%w: %s key version %d", ErrNotFound, kind, version)
}

func (v *Vault) setState(ctx context.Context, k TenantKey, s KeyState) error {
	k.State, k.Updated = s, v.now().UTC()
	if s == StateDestroyed {
		k.Wrapped = nil
	}
	if err := v.ks.UpdateTenantKey(ctx, k); err != nil {
		return fmt.Errorf("privacy: update %s key: %w", k.Kind, err)
	}
	v.log.LogAttrs(ctx, slogInfo, "privacy: tenant key state", attrTenant(k.Tenant), attrKind(k.Kind), attrVersion(k.Version), attrState(s))
	return nil
}

// PromoteKey makes an Active version the Primary one; the previous primary
// becomes Active. New values (data keys wrapped, tokens) use it at once in
// this process.
func (v *Vault) PromoteKey(ctx context.Context, tenant string, kind KeyKind, version uint32) error {
	tks, i, done, err := v.versionFor(ctx, tenant, kind, version, StatePrimary, StateActive, "")
	if err != nil || done {
		return err
	}
	// Check the new key unwraps before switching to it.
	if _, err := v.unwrapTenantKeys(ctx, tenant, kind, tks[i:i+1]); err != nil {
		return err
	}
	defer v.invalidateTenant(tenant, kind)
	if err := v.setState(ctx, tks[i], StatePrimary); err != nil {
		return err
	}
	for _, k := range tks {
		if k.State == StatePrimary && k.Version != version {
			if err := v.setState(ctx, k, StateActive); err != nil {
				return err
			}
		}
	}
	return nil
}

// RetireKey stops all use of a non-primary version. For a KEK it refuses,
// with ErrConflict, while any live data key is still wrapped by it (run
// Rewrap first); for an index key the host must have re-tokenized its
// records first, since tokens of a retired version no longer match.
func (v *Vault) RetireKey(ctx context.Context, tenant string, kind KeyKind, version uint32) error {
	tks, i, done, err := v.versionFor(ctx, tenant, kind, version, StateRetired, StateActive, "")
	if err != nil || done {
		return err
	}
	if kind == KindKEK {
		n, err := v.countWrappedBy(ctx, tenant, version)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: key-encryption key version %d still wraps %d data keys; run Rewrap", ErrConflict, version, n)
		}
	}
	defer v.invalidateTenant(tenant, kind)
	return v.setState(ctx, tks[i], StateRetired)
}

// DestroyKey erases the wrapped material of a Retired version. It cannot be
// undone. Destroying old KEK versions also makes data keys shredded since
// they were rewrapped unrecoverable from old backups of the KeyStore.
func (v *Vault) DestroyKey(ctx context.Context, tenant string, kind KeyKind, version uint32) error {
	tks, i, done, err := v.versionFor(ctx, tenant, kind, version, StateDestroyed, StateRetired, ", retire it first")
	if err != nil || done {
		return err
	}
	defer v.invalidateTenant(tenant, kind)
	return v.setState(ctx, tks[i], StateDestroyed)
}

// versionFor finds a key version for a state change to target: done is
// true when it is already there; it must otherwise be in state from, or the
// change is an ErrConflict (hint ends the message).
func (v *Vault) versionFor(ctx context.Context, tenant string, kind KeyKind, version uint32, target, from KeyState, hint string) (tks []TenantKey, i int, done bool, err error) {
	if tks, err = v.listTenantKeys(ctx, tenant, kind); err != nil {
		return nil, 0, false, err
	}
	if i, err = findVersion(tks, kind, version); err != nil {
		return nil, 0, false, err
	}
	switch tks[i].State {
	case target:
		return tks, i, true, nil
	case from:
		return tks, i, false, nil
	}
	return nil, 0, false, fmt.Errorf("%w: %s key version %d is %s%s", ErrConflict, kind, version, tks[i].State, hint)
}

// countWrappedBy counts live data keys wrapped by KEK version kv.
func (v *Vault) countWrappedBy(ctx context.Context, tenant string, kv uint32) (int, error) {
	n, cursor := 0, ""
	for {
		dks, next, err := v.ks.ListDataKeys(ctx, tenant, cursor, 500)
		if err != nil {
			return 0, fmt.Errorf("privacy: list data keys: %w", err)
		}
		for _, dk := range dks {
			if dk.KEKVersion == kv && dk.Destroyed.IsZero() {
				n++
			}
		}
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}

// RewrapOptions configures Rewrap. A nil *RewrapOptions uses the defaults.
type RewrapOptions struct {
	// Cursor resumes an interrupted Rewrap: pass the Cursor of the last
	// RewrapProgress seen. "" starts at the beginning.
	Cursor string
	// BatchSize is the number of data keys read per KeyStore call.
	// Default 500.
	BatchSize int
	// Progress, if set, is called after each batch. Returning an error
	// stops Rewrap, which returns that error; resume from p.Cursor.
	Progress func(p RewrapProgress) error
}

// RewrapProgress reports a Rewrap's position and counts so far (counts are
// for this call, not since an earlier Cursor).
type RewrapProgress struct {
	Cursor    string // resume point; "" once Done
	Scanned   int    // data keys read
	Rewrapped int    // data keys moved to the primary KEK
	Skipped   int    // already under the primary KEK, or shredded
	Done      bool
}

// Rewrap re-encrypts, in batches, every data key of the tenant that is not
// wrapped by the primary KEK version, so older versions can be retired.
// Field ciphertexts do not change: they stay under the same data keys. It
// is resumable, idempotent, and safe to run while the Vault serves reads
// and writes; a data key shredded meanwhile stays shredded.
func (v *Vault) Rewrap(ctx context.Context, tenant string, opts *RewrapOptions) (RewrapProgress, error) {
	var o RewrapOptions
	if opts != nil {
		o = *opts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	p := RewrapProgress{Cursor: o.Cursor}
	if tenant == "" {
		return p, fmt.Errorf("%w: tenant is empty", ErrInvalid)
	}
	v.invalidateTenant(tenant, KindKEK) // see a promotion made elsewhere
	kek, err := v.tenantKeys(ctx, tenant, KindKEK, false)
	if err != nil {
		return p, err
	}
	if kek.primary == 0 {
		return p, fmt.Errorf("%w: tenant has no primary key-encryption key", ErrKeyUnavailable)
	}
	for {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		dks, next, err := v.ks.ListDataKeys(ctx, tenant, p.Cursor, o.BatchSize)
		if err != nil {
			return p, fmt.Errorf("privacy: list data keys: %w", err)
		}
		for _, dk := range dks {
			p.Scanned++
			moved, err := v.rewrapOne(ctx, kek, dk)
			if err != nil {
				return p, err
			}
			if moved {
				p.Rewrapped++
			} else {
				p.Skipped++
			}
		}
		p.Cursor, p.Done = next, next == ""
		if o.Progress != nil {
			if err := o.Progress(p); err != nil {
				return p, err
			}
		}
		if p.Done {
			v.log.LogAttrs(ctx, slogInfo, "privacy: rewrap done", attrTenant(tenant), attrVersion(kek.primary),
				attrCount("scanned", p.Scanned), attrCount("rewrapped", p.Rewrapped))
			return p, nil
		}
	}
}

// rewrapOne moves one data key to the primary KEK with a compare-and-swap.
func (v *Vault) rewrapOne(ctx context.Context, kek *tenantKeySet, dk DataKey) (bool, error) {
	if !dk.Destroyed.IsZero() || dk.KEKVersion == kek.primary {
		return false, nil
	}
	old := kek.keys[dk.KEKVersion]
	if old == nil {
		return false, fmt.Errorf("%w: key-encryption key version %d is not usable", ErrKeyUnavailable, dk.KEKVersion)
	}
	raw, err := unwrapDataKey(old.aead, dk)
	if err != nil {
		return false, err
	}
	defer clear(raw)
	prev := dk.KEKVersion
	dk.KEKVersion = kek.primary
	if dk.Wrapped, err = v.wrapDataKey(kek.keys[kek.primary].aead, raw, dataKeyAD(dk)); err != nil {
		return false, err
	}
	err = v.ks.UpdateDataKey(ctx, dk, prev)
	if errors.Is(err, ErrConflict) {
		return false, nil // shredded or rewrapped concurrently
	}
	if err != nil {
		return false, fmt.Errorf("privacy: update data key: %w", err)
	}
	return true, nil
}
