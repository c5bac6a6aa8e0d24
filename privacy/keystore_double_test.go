package privacy

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// memKeyStore is the in-package KeyStore test double. It honours the
// KeyStore contract (copies, compare-and-swap, ordered paging).
type memKeyStore struct {
	mu     sync.Mutex
	tkeys  map[tenantRef]map[uint32]TenantKey
	dkeys  map[customerRef]map[uint32]DataKey
	calls  int // DataKeys calls, to observe caching
	failDK error
}

func newMemKeyStore() *memKeyStore {
	return &memKeyStore{tkeys: map[tenantRef]map[uint32]TenantKey{}, dkeys: map[customerRef]map[uint32]DataKey{}}
}

func cloneTK(k TenantKey) TenantKey { k.Wrapped = clone(k.Wrapped); return k }
func cloneDK(k DataKey) DataKey     { k.Wrapped = clone(k.Wrapped); return k }
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func (m *memKeyStore) CreateTenantKey(ctx context.Context, k TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := tenantRef{k.Tenant, k.Kind}
	if _, ok := m.tkeys[ref][k.Version]; ok {
		return fmt.Errorf("%w: tenant key", ErrAlreadyExists)
	}
	if m.tkeys[ref] == nil {
		m.tkeys[ref] = map[uint32]TenantKey{}
	}
	m.tkeys[ref][k.Version] = cloneTK(k)
	return nil
}

func (m *memKeyStore) UpdateTenantKey(ctx context.Context, k TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := tenantRef{k.Tenant, k.Kind}
	old, ok := m.tkeys[ref][k.Version]
	if !ok {
		return fmt.Errorf("%w: tenant key", ErrNotFound)
	}
	old.State, old.Wrapped, old.KeyName, old.Updated = k.State, clone(k.Wrapped), k.KeyName, k.Updated
	m.tkeys[ref][k.Version] = old
	return nil
}

func (m *memKeyStore) ListTenantKeys(ctx context.Context, tenant string, kind KeyKind) ([]TenantKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []TenantKey{}
	for _, k := range m.tkeys[tenantRef{tenant, kind}] {
		out = append(out, cloneTK(k))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func (m *memKeyStore) CreateDataKey(ctx context.Context, k DataKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := customerRef{k.Tenant, k.CustomerID}
	if _, ok := m.dkeys[ref][k.Version]; ok {
		return fmt.Errorf("%w: data key", ErrAlreadyExists)
	}
	if m.dkeys[ref] == nil {
		m.dkeys[ref] = map[uint32]DataKey{}
	}
	m.dkeys[ref][k.Version] = cloneDK(k)
	return nil
}

func (m *memKeyStore) DataKeys(ctx context.Context, tenant, customerID string) ([]DataKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.failDK != nil {
		return nil, m.failDK
	}
	out := []DataKey{}
	for _, k := range m.dkeys[customerRef{tenant, customerID}] {
		out = append(out, cloneDK(k))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func (m *memKeyStore) UpdateDataKey(ctx context.Context, k DataKey, prev uint32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ref := customerRef{k.Tenant, k.CustomerID}
	old, ok := m.dkeys[ref][k.Version]
	if !ok {
		return fmt.Errorf("%w: data key", ErrNotFound)
	}
	if old.KEKVersion != prev {
		return fmt.Errorf("%w: data key changed", ErrConflict)
	}
	old.KEKVersion, old.Wrapped, old.Destroyed = k.KEKVersion, clone(k.Wrapped), k.Destroyed
	m.dkeys[ref][k.Version] = old
	return nil
}

func (m *memKeyStore) ListDataKeys(ctx context.Context, tenant, cursor string, limit int) ([]DataKey, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if limit < 1 {
		return nil, "", fmt.Errorf("%w: limit", ErrInvalid)
	}
	var afterC string
	var afterV uint32
	if cursor != "" {
		c, v, ok := strings.Cut(cursor, "\x00")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return nil, "", fmt.Errorf("%w: cursor", ErrInvalid)
		}
		afterC, afterV = c, uint32(n)
	}
	m.mu.Lock()
	var all []DataKey
	for ref, vs := range m.dkeys {
		if ref.tenant != tenant {
			continue
		}
		for _, k := range vs {
			if cursor != "" && (k.CustomerID < afterC || k.CustomerID == afterC && k.Version <= afterV) {
				continue
			}
			all = append(all, cloneDK(k))
		}
	}
	m.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if all[i].CustomerID != all[j].CustomerID {
			return all[i].CustomerID < all[j].CustomerID
		}
		return all[i].Version < all[j].Version
	})
	if len(all) < limit {
		return append([]DataKey{}, all...), "", nil
	}
	all = all[:limit]
	last := all[limit-1]
	return all, last.CustomerID + "\x00" + strconv.FormatUint(uint64(last.Version), 10), nil
}
