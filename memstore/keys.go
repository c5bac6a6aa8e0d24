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
	data   map[string]*dataKeyTable // by tenant
}

type tenantKeyRef struct {
	tenant string
	kind   privacy.KeyKind
}

// dataKeyTable holds one tenant's data keys by customer id, versions in
// increasing order. A new key costs a map insert; the customer order that
// ListDataKeys pages through (a rare, batch read) is sorted only when it
// is asked for: customers added since are kept in pending until then.
type dataKeyTable struct {
	byCustomer map[string][]privacy.DataKey
	sorted     []string // customer ids in order, without pending
	pending    []string // customer ids added since sorted was made
}

// order returns the customer ids in order, merging pending in; the
// caller holds Store.mu for writing.
func (t *dataKeyTable) order() []string {
	if len(t.pending) > 0 {
		slices.Sort(t.pending)
		merged := make([]string, 0, len(t.sorted)+len(t.pending))
		i, j := 0, 0
		for i < len(t.sorted) && j < len(t.pending) {
			if t.sorted[i] < t.pending[j] {
				merged = append(merged, t.sorted[i])
				i++
			} else {
				merged = append(merged, t.pending[j])
				j++
			}
		}
		merged = append(merged, t.sorted[i:]...)
		t.sorted, t.pending = append(merged, t.pending[j:]...), nil
	}
	return t.sorted
}

// dataKeyRef names a data key position: customer id, then version.
type dataKeyRef struct {
	customer string
	version  uint32
}

var _ privacy.KeyStore = (*Store)(nil)

// keyTablesLocked returns the tables, creating them; s.mu must be held for
// writing.
func (s *Store) keyTablesLocked() *keyTables {
	if s.keys == nil {
		s.keys = &keyTables{
			tenant: map[tenantKeyRef]map[uint32]privacy.TenantKey{},
			data:   map[string]*dataKeyTable{},
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
	k = cloneDataKey(k) // outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	kt := s.keyTablesLocked()
	t := kt.data[k.Tenant]
	if t == nil {
		t = &dataKeyTable{byCustomer: map[string][]privacy.DataKey{}}
		kt.data[k.Tenant] = t
	}
	vs, ok := t.byCustomer[k.CustomerID]
	i, found := slices.BinarySearchFunc(vs, k.Version, func(d privacy.DataKey, v uint32) int { return cmp.Compare(d.Version, v) })
	if found {
		return keyErr("data key", privacy.ErrAlreadyExists)
	}
	if !ok {
		t.pending = append(t.pending, k.CustomerID)
	}
	t.byCustomer[k.CustomerID] = slices.Insert(vs, i, k)
	return nil
}

// DataKeys implements privacy.KeyStore.
func (s *Store) DataKeys(ctx context.Context, tenant, customerID string) ([]privacy.DataKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.keys == nil || s.keys.data[tenant] == nil {
		return []privacy.DataKey{}, nil
	}
	vs := s.keys.data[tenant].byCustomer[customerID]
	out := make([]privacy.DataKey, len(vs))
	for i, k := range vs {
		out[i] = cloneDataKey(k)
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
	var vs []privacy.DataKey
	if t := kt.data[k.Tenant]; t != nil {
		vs = t.byCustomer[k.CustomerID]
	}
	i, found := slices.BinarySearchFunc(vs, k.Version, func(d privacy.DataKey, v uint32) int { return cmp.Compare(d.Version, v) })
	if !found {
		return keyErr("data key", privacy.ErrNotFound)
	}
	old := &vs[i]
	if old.KEKVersion != prevKEKVersion {
		return keyErr("data key changed", privacy.ErrConflict)
	}
	old.KEKVersion, old.Wrapped, old.Destroyed = k.KEKVersion, bytes.Clone(k.Wrapped), k.Destroyed
	return nil
}

// ListDataKeys implements privacy.KeyStore. It takes the write lock: it
// may first sort the customers added since the last listing.
func (s *Store) ListDataKeys(ctx context.Context, tenant, cursor string, limit int) ([]privacy.DataKey, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	var after dataKeyRef
	if cursor != "" {
		var err error
		if after, err = decodeKeyCursor(cursor); err != nil {
			return nil, "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil || s.keys.data[tenant] == nil {
		return []privacy.DataKey{}, "", nil
	}
	t := s.keys.data[tenant]
	order := t.order()
	// Position: the first customer >= the cursor's, and in it the first
	// version after the cursor's (versions start at 1).
	ci, _ := slices.BinarySearch(order, after.customer)
	out := []privacy.DataKey{}
	var last dataKeyRef
	for ; ci < len(order); ci++ {
		for _, k := range t.byCustomer[order[ci]] {
			if order[ci] == after.customer && k.Version <= after.version {
				continue
			}
			if len(out) == limit {
				return out, encodeKeyCursor(last), nil
			}
			out = append(out, cloneDataKey(k))
			last = dataKeyRef{k.CustomerID, k.Version}
		}
	}
	return out, "", nil
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
