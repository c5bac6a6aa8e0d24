package privacy

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"testing"
)

func TestRotateDataKey(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ad := testAD()
	ct1, _ := e.v.Seal(ctx, ad, []byte("old"))
	ver, err := e.v.RotateDataKey(ctx, "shop1", "c-1")
	if err != nil || ver != 2 {
		t.Fatalf("RotateDataKey = %d, %v", ver, err)
	}
	ct2, _ := e.v.Seal(ctx, ad, []byte("new"))
	if binary.BigEndian.Uint32(ct2[2:6]) != 2 {
		t.Fatal("new value not sealed under version 2")
	}
	for _, tc := range []struct {
		ct   []byte
		want string
	}{{ct1, "old"}, {ct2, "new"}} {
		if got, err := e.v.Open(ctx, ad, tc.ct); err != nil || string(got) != tc.want {
			t.Fatalf("Open = %q, %v", got, err)
		}
	}
	// Downgrading the header's key version (2 -> 1) fails.
	down := append([]byte{}, ct2...)
	binary.BigEndian.PutUint32(down[2:6], 1)
	if _, err := e.v.Open(ctx, ad, down); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("downgraded key version: %v", err)
	}
	up := append([]byte{}, ct1...)
	binary.BigEndian.PutUint32(up[2:6], 2)
	if _, err := e.v.Open(ctx, ad, up); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("upgraded key version: %v", err)
	}
	re, err := e.v.Reseal(ctx, ad, ct1)
	if err != nil || binary.BigEndian.Uint32(re[2:6]) != 2 {
		t.Fatalf("Reseal: %v", err)
	}
	if got, _ := e.v.Open(ctx, ad, re); string(got) != "old" {
		t.Fatal("Reseal changed the value")
	}
	same, err := e.v.Reseal(ctx, ad, ct2)
	if err != nil || !bytes.Equal(same, ct2) {
		t.Fatal("Reseal of a current value changed it")
	}
	r, err := e.v.Shred(ctx, "shop1", "c-1")
	if err != nil || len(r.Versions) != 2 {
		t.Fatalf("shred receipt %+v %v", r, err)
	}
	for _, ct := range [][]byte{ct1, ct2} {
		if _, err := e.v.Open(ctx, ad, ct); !errors.Is(err, ErrShredded) {
			t.Fatalf("after shred: %v", err)
		}
	}
	if _, err := e.v.RotateDataKey(ctx, "shop1", "c-1"); !errors.Is(err, ErrShredded) {
		t.Fatalf("rotate shredded: %v", err)
	}
}

func TestDataKeyRotationSeenByOtherProcess(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	other, _ := New(e.ks, e.km, &Options{Rand: e.rnd, Now: e.clock.Now})
	ad := testAD()
	ct1, _ := e.v.Seal(ctx, ad, []byte("a"))
	if _, err := other.Open(ctx, ad, ct1); err != nil { // caches version 1
		t.Fatal(err)
	}
	if _, err := e.v.RotateDataKey(ctx, "shop1", "c-1"); err != nil {
		t.Fatal(err)
	}
	ct2, _ := e.v.Seal(ctx, ad, []byte("b"))
	if got, err := other.Open(ctx, ad, ct2); err != nil || string(got) != "b" {
		t.Fatalf("other Vault: %q %v", got, err)
	}
	// A forged higher version still fails, after one reload.
	bad := append([]byte{}, ct2...)
	binary.BigEndian.PutUint32(bad[2:6], 9)
	if _, err := other.Open(ctx, ad, bad); !errors.Is(err, ErrDecrypt) || errors.Is(err, ErrShredded) {
		t.Fatalf("forged version: %v", err)
	}
}
