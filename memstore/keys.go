package memstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/privacy"
)

// keyTables holds the wrapped keys of privacy.KeyStore. It is created on
// first use and guarded by Store.mu like every other table.
type keyTables struct {
	tenant map[tenantKeyRef]map[uint32]privacy.TenantKey
	data   map[string]map[dataKeyRef]privacy.DataKey // by tenant
	order  map[string]*sortedSet[dataKeyRef]         // by tenant
}

type tenantKeyRef struct {
	tenant string
	kind   privacy.KeyKind
}

// dataKeyRef orders a tenant's data keys by customer id, then version.
type dataKeyRef struct {
	customer string
	version  uint32
}

func (a dataKeyRef) compare(b dataKeyRef) int {
	if c := cmp.Compare(a.customer, b.customer); c != 0 {
		return c
	}
	return cmp.Compare(a.version, b.version)
}

var _ privacy.KeyStore = (*Store)(nil)

// keyTablesLocked returns the tables, creating them; s.mu must be held for
// writing.
func (s *Store) keyTablesLocked() *keyTables {
	if s.keys == nil {
		s.keys = &keyTables{
			tenant: map[tenantKeyRef]map[uint32]privacy.TenantKey{},
			data:   map[string]map[dataKeyRef]privacy.DataKey{},
			order:  map[string]*sortedSet[dataKeyRef]{},
		}
	}
	return s.keys
}

func cloneTenantKey(k privacy.TenantKey) privacy.TenantKey {
	k.Wrapped = bytes.Clone(k.Wrapped)
	return k
}
func cloneDataKey(k privacy.DataKey) privacy.DataKey { k.Wrapped = bytes.Clone(k.Wrapped); return k }

func keyErr(what string, err error) error { return fmt.Errorf("memstore: %s: %w", what, err) }

// CreateTenantKey implements privacy.KeyStore.
func (s *Store) CreateTenantKey(ctx context.Context, k privacy.TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kt := s.keyTablesLocked()
	ref := tenantKeyRef{k.Tenant, k.Kind}
	if _, ok := kt.tenant[ref][k.Version]; ok {
		return keyErr("tenant key", privacy.ErrAlreadyExists)
	}
	if kt.tenant[ref] == nil {
		kt.tenant[ref] = map[uint32]privacy.TenantKey{}
	}
	kt.tenant[ref][k.Version] = cloneTenantKey(k)
	return nil
}

// UpdateTenantKey implements privacy.KeyStore.
func (s *Store) UpdateTenantKey(ctx context.Context, k privacy.TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kt := s.keyTablesLocked()
	ref := tenantKeyRef{k.Tenant, k.Kind}
	old, ok := kt.tenant[ref][k.Version]
	if !ok {
		return keyErr("tenant key", privacy.ErrNotFound)
	}
	old.State, old.Wrapped, old.KeyName, old.Updated = k.State, bytes.Clone(k.Wrapped), k.KeyName, k.Updated
	kt.tenant[ref][k.Version] = old
	return nil
}

// ListTenantKeys implements privacy.KeyStore.
func (s *Store) ListTenantKeys(ctx context.Context, tenant string, kind privacy.KeyKind) ([]privacy.TenantKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []privacy.TenantKey{}
	if s.keys == nil {
		return out, nil
	}
	for _, k := range s.keys.tenant[tenantKeyRef{tenant, kind}] {
		out = append(out, cloneTenantKey(k))
	}
	slices.SortFunc(out, func(a, b privacy.TenantKey) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// CreateDataKey implements privacy.KeyStore.
func (s *Store) CreateDataKey(ctx context.Context, k privacy.DataKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kt := s.keyTablesLocked()
	ref := dataKeyRef{k.CustomerID, k.Version}
	if _, ok := kt.data[k.Tenant][ref]; ok {
		return keyErr("data key", privacy.ErrAlreadyExists)
	}
	if kt.data[k.Tenant] == nil {
		kt.data[k.Tenant] = map[dataKeyRef]privacy.DataKey{}
	}
	kt.data[k.Tenant][ref] = cloneDataKey(k)
	order := kt.order[k.Tenant]
	if order == nil {
		order = &sortedSet[dataKeyRef]{}
		kt.order[k.Tenant] = order
	}
	order.insert(ref)
	return nil
}

// DataKeys implements privacy.KeyStore.
func (s *Store) DataKeys(ctx context.Context, tenant, customerID string) ([]privacy.DataKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []privacy.DataKey{}
	if s.keys == nil {
		return out, nil
	}
	order := s.keys.order[tenant]
	if order == nil {
		return out, nil
	}
	// Versions start at 1, so the first key after version 0 is the
	// customer's first.
	for p := order.firstAfter(dataKeyRef{customerID, 0}); order.valid(p) && order.at(p).customer == customerID; p = order.next(p) {
		out = append(out, cloneDataKey(s.keys.data[tenant][order.at(p)]))
	}
	return out, nil
}

// UpdateDataKey implements privacy.KeyStore.
func (s *Store) UpdateDataKey(ctx context.Context, k privacy.DataKey, prevKEKVersion uint32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kt := s.keyTablesLocked()
	ref := dataKeyRef{k.CustomerID, k.Version}
	old, ok := kt.data[k.Tenant][ref]
	if !ok {
		return keyErr("data key", privacy.ErrNotFound)
	}
	if old.KEKVersion != prevKEKVersion {
		return keyErr("data key changed", privacy.ErrConflict)
	}
	old.KEKVersion, old.Wrapped, old.Destroyed = k.KEKVersion, bytes.Clone(k.Wrapped), k.Destroyed
	kt.data[k.Tenant][ref] = old
	return nil
}

// ListDataKeys implements privacy.KeyStore.
func (s *Store) ListDataKeys(ctx context.Context, tenant, cursor string, limit int) ([]privacy.DataKey, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.keys == nil || s.keys.order[tenant] == nil {
		return []privacy.DataKey{}, "", nil
	}
	order := s.keys.order[tenant]
	p := pos{}
	if cursor != "" {
		after, err := decodeKeyCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		p = order.firstAfter(after)
	}
	out := []privacy.DataKey{}
	var last dataKeyRef
	for ; order.valid(p) && len(out) < limit; p = order.next(p) {
		last = order.at(p)
		out = append(out, cloneDataKey(s.keys.data[tenant][last]))
	}
	if !order.valid(p) {
		return out, "", nil
	}
	return out, encodeKeyCursor(last), nil
}

const keyCursorVersion = 1

// encodeKeyCursor makes an opaque cursor naming a data key position.
func encodeKeyCursor(r dataKeyRef) string {
	b := []byte{keyCursorVersion}
	b = binary.BigEndian.AppendUint32(b, r.version)
	b = append(b, r.customer...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeKeyCursor(c string) (dataKeyRef, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 5 || b[0] != keyCursorVersion {
		return dataKeyRef{}, keyErr("data key cursor", privacy.ErrInvalid)
	}
	return dataKeyRef{customer: string(b[5:]), version: binary.BigEndian.Uint32(b[1:5])}, nil
}
