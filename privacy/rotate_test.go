package privacy

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func sealMany(t *testing.T, e *testEnv, n int) ([]AssociatedData, [][]byte) {
	t.Helper()
	var ads []AssociatedData
	var cts [][]byte
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		ad := AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: id, CustomerID: id, Field: "name"}
		ct, err := e.v.Seal(context.Background(), ad, []byte(id))
		if err != nil {
			t.Fatal(err)
		}
		ads, cts = append(ads, ad), append(cts, ct)
	}
	return ads, cts
}

func openAll(t *testing.T, v *Vault, ads []AssociatedData, cts [][]byte) {
	t.Helper()
	for i := range ads {
		got, err := v.Open(context.Background(), ads[i], cts[i])
		if err != nil || string(got) != ads[i].CustomerID {
			t.Fatalf("open %d: %q %v", i, got, err)
		}
	}
}

func states(t *testing.T, v *Vault, kind KeyKind) string {
	t.Helper()
	ks, err := v.Keys(context.Background(), "shop1", kind)
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, k := range ks {
		s += fmt.Sprintf("%d:%s ", k.Version, k.State)
	}
	return s
}

func TestKEKRotation(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ads, cts := sealMany(t, e, 25)
	// A second Vault over the same stores, cold cache, checks reads from
	// the KeyStore at every step.
	fresh := func() *Vault {
		v, err := New(e.ks, e.km, &Options{Rand: e.rnd, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v2, err := e.v.AddKey(ctx, "shop1", KindKEK)
	if err != nil || v2 != 2 {
		t.Fatalf("AddKey = %d, %v", v2, err)
	}
	if got := states(t, e.v, KindKEK); got != "1:primary 2:active " {
		t.Fatalf("states %s", got)
	}
	openAll(t, fresh(), ads, cts)
	if err := e.v.PromoteKey(ctx, "shop1", KindKEK, v2); err != nil {
		t.Fatal(err)
	}
	if got := states(t, e.v, KindKEK); got != "1:active 2:primary " {
		t.Fatalf("states %s", got)
	}
	if err := e.v.RetireKey(ctx, "shop1", KindKEK, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("retire before rewrap: %v", err)
	}
	// New customers get data keys under v2 at once.
	newAD := AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: "new", CustomerID: "new", Field: "name"}
	newCT, _ := e.v.Seal(ctx, newAD, []byte("new"))
	ads, cts = append(ads, newAD), append(cts, newCT)

	// Rewrap in batches of 7, interrupted after the second batch, resumed.
	var seen []RewrapProgress
	stop := errors.New("stop")
	p, err := e.v.Rewrap(ctx, "shop1", &RewrapOptions{BatchSize: 7, Progress: func(p RewrapProgress) error {
		seen = append(seen, p)
		if len(seen) == 2 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || p.Scanned != 14 || p.Cursor == "" {
		t.Fatalf("interrupted rewrap: %+v %v", p, err)
	}
	openAll(t, fresh(), ads, cts)
	p, err = e.v.Rewrap(ctx, "shop1", &RewrapOptions{BatchSize: 7, Cursor: p.Cursor})
	if err != nil || !p.Done || p.Scanned != 26-14 || p.Rewrapped != 25-14 || p.Skipped != 1 {
		t.Fatalf("resumed rewrap: %+v %v", p, err)
	}
	if n, _ := e.v.countWrappedBy(ctx, "shop1", 1); n != 0 {
		t.Fatalf("%d data keys still under v1", n)
	}
	if err := e.v.RetireKey(ctx, "shop1", KindKEK, 2); !errors.Is(err, ErrConflict) {
		t.Fatalf("retiring primary: %v", err)
	}
	if err := e.v.DestroyKey(ctx, "shop1", KindKEK, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("destroy before retire: %v", err)
	}
	if err := e.v.RetireKey(ctx, "shop1", KindKEK, 1); err != nil {
		t.Fatal(err)
	}
	openAll(t, fresh(), ads, cts)
	if err := e.v.DestroyKey(ctx, "shop1", KindKEK, 1); err != nil {
		t.Fatal(err)
	}
	if got := states(t, e.v, KindKEK); got != "1:destroyed 2:primary " {
		t.Fatalf("states %s", got)
	}
	tks, _ := e.ks.ListTenantKeys(ctx, "shop1", KindKEK)
	if tks[0].Wrapped != nil {
		t.Fatal("destroyed key kept material")
	}
	openAll(t, fresh(), ads, cts)
	openAll(t, e.v, ads, cts)
	if err := e.v.PromoteKey(ctx, "shop1", KindKEK, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("promote destroyed: %v", err)
	}
	if err := e.v.PromoteKey(ctx, "shop1", KindKEK, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("promote missing: %v", err)
	}
}

func TestIndexKeyRotation(t *testing.T) {
	e := newTestEnv(t, &Options{IndexBits: 64})
	ctx := context.Background()
	tz, _ := e.v.Tokenizer("shop1")
	old, _ := tz.Token(ctx, "phone", "13812345678")
	if _, err := e.v.AddKey(ctx, "shop1", KindIndex); err != nil {
		t.Fatal(err)
	}
	toks, _ := tz.Tokens(ctx, "phone", "13812345678")
	if len(toks) != 2 || toks[0] != old {
		t.Fatalf("tokens after add: %v", toks)
	}
	if err := e.v.PromoteKey(ctx, "shop1", KindIndex, 2); err != nil {
		t.Fatal(err)
	}
	cur, _ := tz.Token(ctx, "phone", "13812345678")
	if v, _ := TokenVersion(cur); v != 2 || cur == old {
		t.Fatalf("token after promote: %s", cur)
	}
	toks, _ = tz.Tokens(ctx, "phone", "13812345678")
	if len(toks) != 2 || toks[0] != cur || toks[1] != old {
		t.Fatalf("lookup tokens during rotation: %v", toks)
	}
	if err := e.v.RetireKey(ctx, "shop1", KindIndex, 1); err != nil {
		t.Fatal(err)
	}
	toks, _ = tz.Tokens(ctx, "phone", "13812345678")
	if len(toks) != 1 || toks[0] != cur {
		t.Fatalf("tokens after retire: %v", toks)
	}
	if err := e.v.DestroyKey(ctx, "shop1", KindIndex, 1); err != nil {
		t.Fatal(err)
	}
	again, _ := tz.Token(ctx, "phone", "13812345678")
	if again != cur {
		t.Fatal("token changed after destroying an old version")
	}
}

// TestRotationSeenByOtherProcess: a Vault whose cached KEK set predates a
// rotation done by another Vault still opens data keys wrapped by the new
// version, reloading the set once.
func TestRotationSeenByOtherProcess(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	other, _ := New(e.ks, e.km, &Options{Rand: e.rnd, Now: e.clock.Now})
	ad := testAD()
	ct, _ := e.v.Seal(ctx, ad, []byte("a"))
	if _, err := other.Open(ctx, ad, ct); err != nil { // caches KEK v1 only
		t.Fatal(err)
	}
	v2, _ := e.v.AddKey(ctx, "shop1", KindKEK)
	if err := e.v.PromoteKey(ctx, "shop1", KindKEK, v2); err != nil {
		t.Fatal(err)
	}
	ad2 := ad
	ad2.CustomerID, ad2.RecordID = "c-new", "c-new"
	ct2, _ := e.v.Seal(ctx, ad2, []byte("b")) // data key wrapped by KEK v2
	if got, err := other.Open(ctx, ad2, ct2); err != nil || string(got) != "b" {
		t.Fatalf("other Vault: %q %v", got, err)
	}
}
