package privacy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestNoKeyMaterialInLogsOrErrors runs a whole key life cycle with a
// debug logger and checks that no generated key (every 32-byte window of
// the random stream) appears, raw, hex or base64, in the log, in errors or
// in printed values.
func TestNoKeyMaterialInLogsOrErrors(t *testing.T) {
	var logBuf bytes.Buffer
	e := newTestEnv(t, &Options{Logger: slog.New(slog.NewJSONHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ctx := context.Background()
	ad := testAD()
	ct, _ := e.v.Seal(ctx, ad, []byte("13812345678"))
	tz, _ := e.v.Tokenizer("shop1")
	tz.Token(ctx, "phone", "13812345678")
	var errs []string
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	_, err := e.v.AddKey(ctx, "shop1", KindKEK)
	collect(err)
	collect(e.v.PromoteKey(ctx, "shop1", KindKEK, 2))
	collect(e.v.RetireKey(ctx, "shop1", KindKEK, 1)) // conflict: not rewrapped
	_, err = e.v.Rewrap(ctx, "shop1", nil)
	collect(err)
	collect(e.v.RetireKey(ctx, "shop1", KindKEK, 1))
	collect(e.v.DestroyKey(ctx, "shop1", KindKEK, 1))
	bad := append([]byte{}, ct...)
	bad[20] ^= 1
	_, err = e.v.Open(ctx, ad, bad)
	collect(err)
	_, err = e.v.Shred(ctx, "shop1", "c-1")
	collect(err)
	_, err = e.v.Open(ctx, ad, ct)
	collect(err)
	if len(errs) < 3 {
		t.Fatalf("expected errors to inspect, got %v", errs)
	}
	printed := fmt.Sprintf("%v %+v %#v %v %+v", e.v, e.v, e.v, e.km, tz)
	haystack := logBuf.String() + strings.Join(errs, "\n") + printed
	if !strings.Contains(logBuf.String(), "destroyed") {
		t.Fatalf("logger saw no events: %s", logBuf.String())
	}
	if strings.Contains(haystack, "c-1") || strings.Contains(haystack, "13812345678") {
		t.Fatalf("customer id or value in logs/errors: %s", haystack)
	}
	r := e.rnd.bytes()
	for i := 0; i+32 <= len(r); i++ {
		k := r[i : i+32]
		for _, enc := range []string{string(k), hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k)[:40], base64.RawURLEncoding.EncodeToString(k)[:40]} {
			if strings.Contains(haystack, enc) {
				t.Fatalf("key material at offset %d leaked", i)
			}
		}
	}
}

// TestConcurrentUse exercises every entry point at once under -race.
func TestConcurrentUse(t *testing.T) {
	e := newTestEnv(t, &Options{CacheSize: 4})
	ctx := context.Background()
	tz, _ := e.v.Tokenizer("shop1")
	if _, err := e.v.Seal(ctx, testAD(), nil); err != nil { // creates KEK 1
		t.Fatal(err)
	}
	if _, err := tz.Token(ctx, "phone", "x"); err != nil { // creates index key 1
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				id := fmt.Sprintf("c%d", (g*7+i)%10)
				ad := AssociatedData{Tenant: "shop1", RecordKind: "customer", RecordID: id, CustomerID: id, Field: "f"}
				ct, err := e.v.Seal(ctx, ad, []byte(id))
				if errors.Is(err, ErrShredded) {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				got, err := e.v.Open(ctx, ad, ct)
				if err != nil && !errors.Is(err, ErrShredded) || err == nil && string(got) != id {
					errc <- fmt.Errorf("open %s: %q %v", id, got, err)
					return
				}
				if _, err := tz.Token(ctx, "phone", id); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		ver, err := e.v.AddKey(ctx, "shop1", KindKEK)
		if err != nil {
			errc <- err
		}
		if err := e.v.PromoteKey(ctx, "shop1", KindKEK, ver); err != nil {
			errc <- err
		}
		if _, err := e.v.Rewrap(ctx, "shop1", &RewrapOptions{BatchSize: 3}); err != nil {
			errc <- err
		}
		if _, err := e.v.Shred(ctx, "shop1", "c3"); err != nil {
			errc <- err
		}
		iv, err := e.v.AddKey(ctx, "shop1", KindIndex)
		if err != nil {
			errc <- err
		}
		if err := e.v.PromoteKey(ctx, "shop1", KindIndex, iv); err != nil {
			errc <- err
		}
	}()
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	// Everything not shredded ends up under KEK 2 after a final rewrap.
	if _, err := e.v.Rewrap(ctx, "shop1", nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.v.countWrappedBy(ctx, "shop1", 1); n != 0 {
		t.Fatalf("%d keys still under KEK 1", n)
	}
}
