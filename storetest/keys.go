package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/privacy"
)

// keyTime is the fixed time the key suite stamps records with.
var keyTime = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// keysCase is one named promise of the KeyStore contract. It returns an
// error describing the broken promise, or nil.
type keysCase struct {
	name string
	run  func(ctx context.Context, ks privacy.KeyStore) error
}

// RunKeys runs every privacy.KeyStore subtest, each against a fresh store
// from newStore: create/list/update of tenant keys, data keys with
// compare-and-swap and tombstones, copy semantics, ordered resumable
// paging, racing writers and context cancellation.
//
//	storetest.RunKeys(t, func(t *testing.T) privacy.KeyStore { return memstore.New() })
func RunKeys(t *testing.T, newStore func(t *testing.T) privacy.KeyStore) {
	t.Helper()
	for _, c := range keysCases() {
		t.Run(c.name, func(t *testing.T) {
			if err := c.run(context.Background(), newStore(t)); err != nil {
				t.Error(err)
			}
		})
	}
}

func tkey(tenant string, kind privacy.KeyKind, v uint32, state privacy.KeyState) privacy.TenantKey {
	return privacy.TenantKey{Tenant: tenant, Kind: kind, Version: v, State: state, KeyName: "km",
		Wrapped: []byte(fmt.Sprintf("wrapped-%s-%d-%d", tenant, kind, v)), Created: keyTime, Updated: keyTime}
}

func dkey(tenant, customer string, v, kek uint32) privacy.DataKey {
	return privacy.DataKey{Tenant: tenant, CustomerID: customer, Version: v, KEKVersion: kek,
		Wrapped: []byte(fmt.Sprintf("dek-%s-%s-%d-%d", tenant, customer, v, kek)), Created: keyTime}
}

func sameTK(a, b privacy.TenantKey) bool {
	return a.Tenant == b.Tenant && a.Kind == b.Kind && a.Version == b.Version && a.State == b.State &&
		a.KeyName == b.KeyName && bytes.Equal(a.Wrapped, b.Wrapped) && a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

func sameDK(a, b privacy.DataKey) bool {
	return a.Tenant == b.Tenant && a.CustomerID == b.CustomerID && a.Version == b.Version && a.KEKVersion == b.KEKVersion &&
		bytes.Equal(a.Wrapped, b.Wrapped) && a.Created.Equal(b.Created) && a.Destroyed.Equal(b.Destroyed)
}

func wantTKs(got []privacy.TenantKey, want ...privacy.TenantKey) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d tenant keys, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameTK(got[i], want[i]) {
			return fmt.Errorf("tenant key %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}

func wantDKs(got []privacy.DataKey, want ...privacy.DataKey) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d data keys, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameDK(got[i], want[i]) {
			return fmt.Errorf("data key %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	return nil
}

func keysCases() []keysCase {
	return []keysCase{
		{"TenantKeyCreateAndList", func(ctx context.Context, ks privacy.KeyStore) error {
			a, b := tkey("t1", privacy.KindKEK, 2, privacy.StateActive), tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary)
			for _, k := range []privacy.TenantKey{a, b} {
				if err := ks.CreateTenantKey(ctx, k); err != nil {
					return err
				}
			}
			got, err := ks.ListTenantKeys(ctx, "t1", privacy.KindKEK)
			if err != nil {
				return err
			}
			return wantTKs(got, b, a)
		}},
		{"TenantKeyListEmpty", func(ctx context.Context, ks privacy.KeyStore) error {
			got, err := ks.ListTenantKeys(ctx, "nobody", privacy.KindIndex)
			if err != nil || len(got) != 0 {
				return fmt.Errorf("ListTenantKeys on empty store = %v, %v", got, err)
			}
			return nil
		}},
		{"TenantKeyCreateDuplicate", func(ctx context.Context, ks privacy.KeyStore) error {
			a := tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary)
			if err := ks.CreateTenantKey(ctx, a); err != nil {
				return err
			}
			b := a
			b.State, b.Wrapped = privacy.StateRetired, []byte("other")
			if err := ks.CreateTenantKey(ctx, b); !errors.Is(err, privacy.ErrAlreadyExists) {
				return fmt.Errorf("duplicate CreateTenantKey err = %v, want ErrAlreadyExists", err)
			}
			got, err := ks.ListTenantKeys(ctx, "t1", privacy.KindKEK)
			if err != nil {
				return err
			}
			return wantTKs(got, a)
		}},
		{"TenantKeySeparatesTenantsAndKinds", func(ctx context.Context, ks privacy.KeyStore) error {
			keys := []privacy.TenantKey{
				tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary), tkey("t1", privacy.KindIndex, 1, privacy.StatePrimary),
				tkey("t2", privacy.KindKEK, 1, privacy.StatePrimary),
			}
			for _, k := range keys {
				if err := ks.CreateTenantKey(ctx, k); err != nil {
					return err
				}
			}
			for _, k := range keys {
				got, err := ks.ListTenantKeys(ctx, k.Tenant, k.Kind)
				if err != nil {
					return err
				}
				if err := wantTKs(got, k); err != nil {
					return fmt.Errorf("%s/%s: %w", k.Tenant, k.Kind, err)
				}
			}
			return nil
		}},
		{"TenantKeyUpdate", func(ctx context.Context, ks privacy.KeyStore) error {
			a := tkey("t1", privacy.KindIndex, 1, privacy.StateActive)
			if err := ks.CreateTenantKey(ctx, a); err != nil {
				return err
			}
			b := a
			b.State, b.Wrapped, b.KeyName, b.Updated = privacy.StateDestroyed, nil, "km2", keyTime.Add(time.Hour)
			b.Created = keyTime.Add(time.Minute) // must be ignored
			if err := ks.UpdateTenantKey(ctx, b); err != nil {
				return err
			}
			got, err := ks.ListTenantKeys(ctx, "t1", privacy.KindIndex)
			if err != nil {
				return err
			}
			b.Created = keyTime
			if err := wantTKs(got, b); err != nil {
				return err
			}
			if len(got[0].Wrapped) != 0 {
				return errors.New("destroyed key still has wrapped material")
			}
			return nil
		}},
		{"TenantKeyUpdateMissing", func(ctx context.Context, ks privacy.KeyStore) error {
			if err := ks.UpdateTenantKey(ctx, tkey("t1", privacy.KindKEK, 7, privacy.StateActive)); !errors.Is(err, privacy.ErrNotFound) {
				return fmt.Errorf("UpdateTenantKey of missing key err = %v, want ErrNotFound", err)
			}
			return nil
		}},
		{"DataKeyCreateAndGet", func(ctx context.Context, ks privacy.KeyStore) error {
			a, b := dkey("t1", "c1", 2, 1), dkey("t1", "c1", 1, 1)
			for _, k := range []privacy.DataKey{a, b, dkey("t1", "c2", 1, 1), dkey("t2", "c1", 1, 1)} {
				if err := ks.CreateDataKey(ctx, k); err != nil {
					return err
				}
			}
			got, err := ks.DataKeys(ctx, "t1", "c1")
			if err != nil {
				return err
			}
			return wantDKs(got, b, a)
		}},
		{"DataKeyGetEmpty", func(ctx context.Context, ks privacy.KeyStore) error {
			got, err := ks.DataKeys(ctx, "t1", "nobody")
			if err != nil || len(got) != 0 {
				return fmt.Errorf("DataKeys of unknown customer = %v, %v", got, err)
			}
			return nil
		}},
		{"DataKeyCreateDuplicate", func(ctx context.Context, ks privacy.KeyStore) error {
			a := dkey("t1", "c1", 1, 1)
			if err := ks.CreateDataKey(ctx, a); err != nil {
				return err
			}
			b := dkey("t1", "c1", 1, 9)
			if err := ks.CreateDataKey(ctx, b); !errors.Is(err, privacy.ErrAlreadyExists) {
				return fmt.Errorf("duplicate CreateDataKey err = %v, want ErrAlreadyExists", err)
			}
			got, err := ks.DataKeys(ctx, "t1", "c1")
			if err != nil {
				return err
			}
			return wantDKs(got, a)
		}},
		{"DataKeyUpdateCompareAndSwap", func(ctx context.Context, ks privacy.KeyStore) error {
			a := dkey("t1", "c1", 1, 1)
			if err := ks.CreateDataKey(ctx, a); err != nil {
				return err
			}
			b := dkey("t1", "c1", 1, 2)
			if err := ks.UpdateDataKey(ctx, b, 5); !errors.Is(err, privacy.ErrConflict) {
				return fmt.Errorf("UpdateDataKey with stale KEK version err = %v, want ErrConflict", err)
			}
			if got, err := ks.DataKeys(ctx, "t1", "c1"); err != nil || wantDKs(got, a) != nil {
				return fmt.Errorf("failed compare-and-swap changed the key: %v %v", got, err)
			}
			if err := ks.UpdateDataKey(ctx, b, 1); err != nil {
				return fmt.Errorf("UpdateDataKey with current KEK version: %w", err)
			}
			got, err := ks.DataKeys(ctx, "t1", "c1")
			if err != nil {
				return err
			}
			return wantDKs(got, b)
		}},
		{"DataKeyUpdateMissing", func(ctx context.Context, ks privacy.KeyStore) error {
			if err := ks.UpdateDataKey(ctx, dkey("t1", "c1", 1, 2), 1); !errors.Is(err, privacy.ErrNotFound) {
				return fmt.Errorf("UpdateDataKey of missing key err = %v, want ErrNotFound", err)
			}
			return nil
		}},
		{"DataKeyTombstone", func(ctx context.Context, ks privacy.KeyStore) error {
			a := dkey("t1", "c1", 1, 3)
			if err := ks.CreateDataKey(ctx, a); err != nil {
				return err
			}
			tomb := a
			tomb.KEKVersion, tomb.Wrapped, tomb.Destroyed = 0, nil, keyTime.Add(time.Hour)
			if err := ks.UpdateDataKey(ctx, tomb, 3); err != nil {
				return err
			}
			got, err := ks.DataKeys(ctx, "t1", "c1")
			if err != nil {
				return err
			}
			if err := wantDKs(got, tomb); err != nil {
				return err
			}
			if len(got[0].Wrapped) != 0 {
				return errors.New("tombstone kept wrapped material")
			}
			if err := ks.UpdateDataKey(ctx, a, 3); !errors.Is(err, privacy.ErrConflict) {
				return fmt.Errorf("rewrap of tombstone err = %v, want ErrConflict", err)
			}
			return nil
		}},
		{"ReturnsCopies", func(ctx context.Context, ks privacy.KeyStore) error {
			tk := tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary)
			dk := dkey("t1", "c1", 1, 1)
			wantT, wantD := tk, dk
			wantT.Wrapped, wantD.Wrapped = bytes.Clone(tk.Wrapped), bytes.Clone(dk.Wrapped)
			if err := ks.CreateTenantKey(ctx, tk); err != nil {
				return err
			}
			if err := ks.CreateDataKey(ctx, dk); err != nil {
				return err
			}
			tk.Wrapped[0], dk.Wrapped[0] = 'X', 'X' // caller reuses its buffers
			got, err := ks.ListTenantKeys(ctx, "t1", privacy.KindKEK)
			if err != nil || len(got) != 1 {
				return fmt.Errorf("ListTenantKeys: %v %v", got, err)
			}
			got[0].Wrapped[1] = 'Y' // caller scribbles on a result
			gotD, err := ks.DataKeys(ctx, "t1", "c1")
			if err != nil || len(gotD) != 1 {
				return fmt.Errorf("DataKeys: %v %v", gotD, err)
			}
			gotD[0].Wrapped[1] = 'Y'
			page, _, err := ks.ListDataKeys(ctx, "t1", "", 10)
			if err != nil || len(page) != 1 {
				return fmt.Errorf("ListDataKeys: %v %v", page, err)
			}
			page[0].Wrapped[2] = 'Z'
			got, _ = ks.ListTenantKeys(ctx, "t1", privacy.KindKEK)
			gotD, _ = ks.DataKeys(ctx, "t1", "c1")
			if err := wantTKs(got, wantT); err != nil {
				return fmt.Errorf("store shares tenant key bytes with callers: %w", err)
			}
			if err := wantDKs(gotD, wantD); err != nil {
				return fmt.Errorf("store shares data key bytes with callers: %w", err)
			}
			return nil
		}},
		{"ListDataKeysPages", func(ctx context.Context, ks privacy.KeyStore) error {
			var want []privacy.DataKey
			for c := 9; c >= 0; c-- {
				for v := uint32(1); v <= uint32(1+c%3); v++ {
					k := dkey("t1", fmt.Sprintf("c%02d", c), v, 1)
					want = append(want, k)
					if err := ks.CreateDataKey(ctx, k); err != nil {
						return err
					}
				}
				if err := ks.CreateDataKey(ctx, dkey("t2", fmt.Sprintf("c%02d", c), 1, 1)); err != nil {
					return err
				}
			}
			// want is in reverse customer order; sort by (customer, version).
			sorted := make([]privacy.DataKey, 0, len(want))
			for c := 0; c <= 9; c++ {
				for _, k := range want {
					if k.CustomerID == fmt.Sprintf("c%02d", c) {
						sorted = append(sorted, k)
					}
				}
			}
			for _, limit := range []int{1, 4, len(sorted), len(sorted) + 1} {
				var got []privacy.DataKey
				cursor := ""
				for pages := 0; ; pages++ {
					if pages > len(sorted)+1 {
						return fmt.Errorf("limit %d: paging does not end", limit)
					}
					page, next, err := ks.ListDataKeys(ctx, "t1", cursor, limit)
					if err != nil {
						return err
					}
					if len(page) > limit {
						return fmt.Errorf("limit %d: page of %d", limit, len(page))
					}
					got = append(got, page...)
					if next == "" {
						break
					}
					cursor = next
				}
				if err := wantDKs(got, sorted...); err != nil {
					return fmt.Errorf("limit %d: %w", limit, err)
				}
			}
			return nil
		}},
		{"ListDataKeysCursorSurvivesWrites", func(ctx context.Context, ks privacy.KeyStore) error {
			for _, c := range []string{"a", "c", "e"} {
				if err := ks.CreateDataKey(ctx, dkey("t1", c, 1, 1)); err != nil {
					return err
				}
			}
			page, next, err := ks.ListDataKeys(ctx, "t1", "", 2)
			if err != nil || len(page) != 2 || next == "" {
				return fmt.Errorf("first page = %d keys, next %q, %v", len(page), next, err)
			}
			// Update a listed key, insert one before and one after the cursor.
			if err := ks.UpdateDataKey(ctx, dkey("t1", "a", 1, 2), 1); err != nil {
				return err
			}
			for _, c := range []string{"b", "d"} {
				if err := ks.CreateDataKey(ctx, dkey("t1", c, 1, 1)); err != nil {
					return err
				}
			}
			var rest []privacy.DataKey
			for next != "" {
				var p []privacy.DataKey
				if p, next, err = ks.ListDataKeys(ctx, "t1", next, 2); err != nil {
					return err
				}
				rest = append(rest, p...)
			}
			return wantDKs(rest, dkey("t1", "d", 1, 1), dkey("t1", "e", 1, 1))
		}},
		{"ConcurrentCreateDataKeyOneWins", func(ctx context.Context, ks privacy.KeyStore) error {
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = ks.CreateDataKey(ctx, dkey("t1", "c1", 1, uint32(i+1)))
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, privacy.ErrAlreadyExists):
					return fmt.Errorf("racing CreateDataKey err = %v", err)
				}
			}
			if wins != 1 {
				return fmt.Errorf("%d racing creates succeeded, want 1", wins)
			}
			return nil
		}},
		{"ConcurrentUpdateDataKeyOneWins", func(ctx context.Context, ks privacy.KeyStore) error {
			if err := ks.CreateDataKey(ctx, dkey("t1", "c1", 1, 1)); err != nil {
				return err
			}
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = ks.UpdateDataKey(ctx, dkey("t1", "c1", 1, uint32(i+2)), 1)
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, privacy.ErrConflict):
					return fmt.Errorf("racing UpdateDataKey err = %v", err)
				}
			}
			if wins != 1 {
				return fmt.Errorf("%d racing compare-and-swaps succeeded, want 1", wins)
			}
			return nil
		}},
		{"CanceledContext", func(_ context.Context, ks privacy.KeyStore) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			calls := map[string]error{
				"CreateTenantKey": ks.CreateTenantKey(ctx, tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary)),
				"UpdateTenantKey": ks.UpdateTenantKey(ctx, tkey("t1", privacy.KindKEK, 1, privacy.StatePrimary)),
				"CreateDataKey":   ks.CreateDataKey(ctx, dkey("t1", "c1", 1, 1)),
				"UpdateDataKey":   ks.UpdateDataKey(ctx, dkey("t1", "c1", 1, 1), 1),
			}
			_, calls["ListTenantKeys"] = ks.ListTenantKeys(ctx, "t1", privacy.KindKEK)
			_, calls["DataKeys"] = ks.DataKeys(ctx, "t1", "c1")
			_, _, calls["ListDataKeys"] = ks.ListDataKeys(ctx, "t1", "", 1)
			for name, err := range calls {
				if !errors.Is(err, context.Canceled) {
					return fmt.Errorf("%s with canceled context err = %v, want context.Canceled", name, err)
				}
			}
			got, err := ks.ListTenantKeys(context.Background(), "t1", privacy.KindKEK)
			if err != nil || len(got) != 0 {
				return fmt.Errorf("canceled create stored a key: %v %v", got, err)
			}
			return nil
		}},
	}
}
