package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
)

// The key suite is itself tested: each deliberately broken store must fail
// the case that guards the promise it breaks. Cases return errors, so the
// check runs in-process.

// Deliberately broken stores: each must fail the named case.
type noCAS struct{ privacy.KeyStore }

func (s noCAS) UpdateDataKey(ctx context.Context, k privacy.DataKey, _ uint32) error {
	cur, err := s.DataKeys(ctx, k.Tenant, k.CustomerID)
	if err != nil || len(cur) == 0 {
		return s.KeyStore.UpdateDataKey(ctx, k, 0)
	}
	return s.KeyStore.UpdateDataKey(ctx, k, cur[k.Version-1].KEKVersion)
}

type sharesBytes struct {
	privacy.KeyStore
	mu   sync.Mutex
	memo map[string][]byte
}

func (s *sharesBytes) ListTenantKeys(ctx context.Context, tenant string, kind privacy.KeyKind) ([]privacy.TenantKey, error) {
	ks, err := s.KeyStore.ListTenantKeys(ctx, tenant, kind)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range ks {
		id := fmt.Sprint(tenant, kind, ks[i].Version)
		if b, ok := s.memo[id]; ok {
			ks[i].Wrapped = b
		} else {
			s.memo[id] = ks[i].Wrapped
		}
	}
	return ks, err
}

type reversed struct{ privacy.KeyStore }

func (s reversed) ListTenantKeys(ctx context.Context, tenant string, kind privacy.KeyKind) ([]privacy.TenantKey, error) {
	ks, err := s.KeyStore.ListTenantKeys(ctx, tenant, kind)
	for i, j := 0, len(ks)-1; i < j; i, j = i+1, j-1 {
		ks[i], ks[j] = ks[j], ks[i]
	}
	return ks, err
}

type overwrites struct{ privacy.KeyStore }

func (s overwrites) CreateDataKey(ctx context.Context, k privacy.DataKey) error {
	if err := s.KeyStore.CreateDataKey(ctx, k); errors.Is(err, privacy.ErrAlreadyExists) {
		cur, _ := s.DataKeys(ctx, k.Tenant, k.CustomerID)
		return s.KeyStore.UpdateDataKey(ctx, k, cur[k.Version-1].KEKVersion)
	}
	return nil
}

type skipsPages struct{ privacy.KeyStore }

func (s skipsPages) ListDataKeys(ctx context.Context, tenant, cursor string, limit int) ([]privacy.DataKey, string, error) {
	ks, _, err := s.KeyStore.ListDataKeys(ctx, tenant, cursor, limit)
	return ks, "", err // forgets to continue
}

func TestKeysSuiteCatchesBrokenStores(t *testing.T) {
	for _, tc := range []struct {
		store func() privacy.KeyStore
		fails string
	}{
		{func() privacy.KeyStore { return noCAS{memstore.New()} }, "DataKeyUpdateCompareAndSwap"},
		{func() privacy.KeyStore { return noCAS{memstore.New()} }, "DataKeyTombstone"},
		{func() privacy.KeyStore {
			return &sharesBytes{KeyStore: memstore.New(), memo: map[string][]byte{}}
		}, "ReturnsCopies"},
		{func() privacy.KeyStore { return reversed{memstore.New()} }, "TenantKeyCreateAndList"},
		{func() privacy.KeyStore { return overwrites{memstore.New()} }, "DataKeyCreateDuplicate"},
		{func() privacy.KeyStore { return skipsPages{memstore.New()} }, "ListDataKeysPages"},
	} {
		t.Run(tc.fails, func(t *testing.T) {
			for _, c := range keysCases() {
				if c.name == tc.fails {
					if err := c.run(context.Background(), tc.store()); err == nil {
						t.Fatalf("broken store passed %s", c.name)
					}
					return
				}
			}
			t.Fatalf("no case %s", tc.fails)
		})
	}
}
