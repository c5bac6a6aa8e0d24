package privacy_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/storetest"
)

// TestKeyStoreDouble holds the in-package test double to the contract real
// adapters pass, so the Vault tests run against an honest store.
func TestKeyStoreDouble(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) privacy.KeyStore { return privacy.NewTestKeyStore() })
}

// TestVaultOverMemstore runs a whole life cycle against memstore's
// KeyStore: seal, KEK rotation with rewrap, retire, destroy, shred.
func TestVaultOverMemstore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		t.Fatal(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	v, err := privacy.New(store, km, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ads []privacy.AssociatedData
	var cts [][]byte
	for i := range 30 {
		id := fmt.Sprintf("c%02d", i)
		ad := privacy.AssociatedData{Tenant: "shop", RecordKind: "customer", RecordID: id, CustomerID: id, Field: "phone"}
		ct, err := v.Seal(ctx, ad, []byte("1380000"+id))
		if err != nil {
			t.Fatal(err)
		}
		ads, cts = append(ads, ad), append(cts, ct)
	}
	check := func(v *privacy.Vault) {
		t.Helper()
		for i, ad := range ads {
			got, err := v.Open(ctx, ad, cts[i])
			if i == 0 {
				if !errors.Is(err, privacy.ErrShredded) {
					t.Fatalf("shredded customer: %v", err)
				}
				continue
			}
			if err != nil || string(got) != "1380000"+ad.CustomerID {
				t.Fatalf("open %d: %q %v", i, got, err)
			}
		}
	}
	if _, err := v.Shred(ctx, "shop", "c00"); err != nil {
		t.Fatal(err)
	}
	check(v)
	ver, err := v.AddKey(ctx, "shop", privacy.KindKEK)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.PromoteKey(ctx, "shop", privacy.KindKEK, ver); err != nil {
		t.Fatal(err)
	}
	p, err := v.Rewrap(ctx, "shop", &privacy.RewrapOptions{BatchSize: 4})
	if err != nil || !p.Done || p.Rewrapped != 29 || p.Skipped != 1 {
		t.Fatalf("rewrap %+v %v", p, err)
	}
	if err := v.RetireKey(ctx, "shop", privacy.KindKEK, 1); err != nil {
		t.Fatal(err)
	}
	if err := v.DestroyKey(ctx, "shop", privacy.KindKEK, 1); err != nil {
		t.Fatal(err)
	}
	fresh, _ := privacy.New(store, km, nil)
	check(fresh)
	check(v)
}
