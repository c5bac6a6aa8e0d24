package privacy

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestShred(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ad := testAD()
	ct, _ := e.v.Seal(ctx, ad, []byte("13812345678"))
	other := ad
	other.CustomerID, other.RecordID = "c-2", "c-2"
	ct2, _ := e.v.Seal(ctx, other, []byte("13900000000"))
	// Another process's Vault with a warm cache.
	v2, _ := New(e.ks, e.km, &Options{Rand: e.rnd, Now: e.clock.Now, CacheTTL: time.Minute})
	if _, err := v2.Open(ctx, ad, ct); err != nil {
		t.Fatal(err)
	}

	e.clock.Advance(time.Hour)
	r, err := e.v.Shred(ctx, "shop1", "c-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.CustomerID != "c-1" || !slices.Equal(r.Versions, []uint32{1}) || !r.DestroyedAt.Equal(e.clock.Now()) || r.AlreadyShredded {
		t.Fatalf("receipt %+v", r)
	}
	_, err = e.v.Open(ctx, ad, ct)
	if !errors.Is(err, ErrShredded) || !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Open after shred: %v", err)
	}
	if _, err := e.v.Seal(ctx, ad, []byte("x")); !errors.Is(err, ErrShredded) {
		t.Fatalf("Seal after shred: %v", err)
	}
	dks, _ := e.ks.DataKeys(ctx, "shop1", "c-1")
	if len(dks) != 1 || dks[0].Wrapped != nil || dks[0].KEKVersion != 0 {
		t.Fatalf("store kept key material: %+v", dks)
	}
	if got, err := e.v.Open(ctx, other, ct2); err != nil || string(got) != "13900000000" {
		t.Fatal("shred affected another customer")
	}
	// The other Vault stops within its TTL.
	e.clock.Advance(time.Minute)
	if _, err := v2.Open(ctx, ad, ct); !errors.Is(err, ErrShredded) {
		t.Fatalf("other Vault after TTL: %v", err)
	}
	// Idempotent, with the original time.
	e.clock.Advance(time.Hour)
	r2, err := e.v.Shred(ctx, "shop1", "c-1")
	if err != nil || !r2.AlreadyShredded || !r2.DestroyedAt.Equal(r.DestroyedAt) {
		t.Fatalf("second shred %+v %v", r2, err)
	}
	// Rewrap leaves the tombstone alone.
	if _, err := e.v.AddKey(ctx, "shop1", KindKEK); err != nil {
		t.Fatal(err)
	}
	if err := e.v.PromoteKey(ctx, "shop1", KindKEK, 2); err != nil {
		t.Fatal(err)
	}
	p, err := e.v.Rewrap(ctx, "shop1", nil)
	if err != nil || p.Rewrapped != 1 || p.Skipped != 1 {
		t.Fatalf("rewrap %+v %v", p, err)
	}
	if _, err := e.v.Open(ctx, ad, ct); !errors.Is(err, ErrShredded) {
		t.Fatal("rewrap resurrected a shredded key")
	}
}

func TestShredUnknownCustomerBlocksSeal(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	r, err := e.v.Shred(ctx, "shop1", "c-1")
	if err != nil || !slices.Equal(r.Versions, []uint32{1}) {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := e.v.Seal(ctx, testAD(), []byte("x")); !errors.Is(err, ErrShredded) {
		t.Fatalf("Seal: %v", err)
	}
	if _, err := e.v.Shred(ctx, "", "c"); !errors.Is(err, ErrInvalid) {
		t.Fatal("empty tenant accepted")
	}
}
