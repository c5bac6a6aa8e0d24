package privacy

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSealOpenRoundTrip(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	for _, pt := range [][]byte{{}, []byte("13812345678"), bytes.Repeat([]byte("张"), 1000)} {
		ct, err := e.v.Seal(ctx, testAD(), pt)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(pt)+Overhead {
			t.Fatalf("len = %d, want %d", len(ct), len(pt)+Overhead)
		}
		if len(pt) > 4 && bytes.Contains(ct, pt) {
			t.Fatal("ciphertext contains plaintext")
		}
		got, err := e.v.Open(ctx, testAD(), ct)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("Open = %q, want %q", got, pt)
		}
	}
}

// TestSealFormatOracle decrypts a sealed value with crypto/cipher directly,
// recovering the data key from the recorded random stream and building the
// associated data by hand from the documented layout.
func TestSealFormatOracle(t *testing.T) {
	e := newTestEnv(t, nil)
	ad := testAD()
	pt := []byte("13812345678")
	ct, err := e.v.Seal(context.Background(), ad, pt)
	if err != nil {
		t.Fatal(err)
	}
	// Random stream: KEK (32), DEK (32), DEK wrap nonce (12), field nonce (12).
	r := e.rnd.bytes()
	if len(r) != 32+32+12+12 {
		t.Fatalf("random bytes used = %d", len(r))
	}
	dek, nonce := r[32:64], r[76:88]
	want := []byte{1, 1, 0, 0, 0, 1}
	if !bytes.Equal(ct[:6], want) || !bytes.Equal(ct[6:18], nonce) {
		t.Fatalf("header = %x, want %x + nonce %x", ct[:18], want, nonce)
	}
	var aad []byte
	aad = append(aad, ct[:6]...)
	for _, s := range []string{"shop1", "customer", "c-1", "c-1", "phone"} {
		aad = append(aad, byte(len(s)))
		aad = append(aad, s...)
	}
	b, _ := aes.NewCipher(dek)
	g, _ := cipher.NewGCM(b)
	got, err := g.Open(nil, nonce, ct[18:], aad)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("oracle open = %q, %v", got, err)
	}
}

func TestSealNoncesDiffer(t *testing.T) {
	e := newTestEnv(t, nil)
	seen := map[string]bool{}
	for range 100 {
		ct, err := e.v.Seal(context.Background(), testAD(), []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		n := string(ct[6:18])
		if seen[n] {
			t.Fatal("nonce repeated")
		}
		seen[n] = true
	}
}

func TestAssociatedDataMandatory(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	good, _ := e.v.Seal(ctx, testAD(), []byte("13812345678"))
	for _, tc := range []struct {
		name  string
		mod   func(*AssociatedData)
		field string
	}{
		{"Tenant", func(a *AssociatedData) { a.Tenant = "" }, "Tenant"},
		{"RecordKind", func(a *AssociatedData) { a.RecordKind = "" }, "RecordKind"},
		{"RecordID", func(a *AssociatedData) { a.RecordID = "" }, "RecordID"},
		{"CustomerID", func(a *AssociatedData) { a.CustomerID = "" }, "CustomerID"},
		{"Field", func(a *AssociatedData) { a.Field = "" }, "Field"},
		{"FieldTooLong", func(a *AssociatedData) { a.Field = strings.Repeat("f", maxADField+1) }, "Field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ad := testAD()
			tc.mod(&ad)
			_, err := e.v.Seal(ctx, ad, []byte("13812345678"))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("Seal err = %v", err)
			}
			if _, err := e.v.Open(ctx, ad, good); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Open err = %v", err)
			}
			if strings.Contains(err.Error(), "c-1") || strings.Contains(err.Error(), "shop1") {
				t.Fatalf("error leaks associated data: %v", err)
			}
		})
	}
}

// TestAssociatedDataUnambiguous checks that shifting bytes between adjacent
// fields changes the encoding.
func TestAssociatedDataUnambiguous(t *testing.T) {
	a := AssociatedData{Tenant: "ab", RecordKind: "c", RecordID: "r", CustomerID: "u", Field: "f"}
	b := AssociatedData{Tenant: "a", RecordKind: "bc", RecordID: "r", CustomerID: "u", Field: "f"}
	if bytes.Equal(a.appendEncoded(nil), b.appendEncoded(nil)) {
		t.Fatal("encodings collide")
	}
	if n := len(a.appendEncoded(nil)); n != a.encodedLen() {
		t.Fatalf("encodedLen = %d, want %d", a.encodedLen(), n)
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ad := testAD()
	ct, err := e.v.Seal(ctx, ad, []byte("13812345678"))
	if err != nil {
		t.Fatal(err)
	}
	// A second customer's ciphertext, to swap.
	ad2 := ad
	ad2.CustomerID, ad2.RecordID = "c-2", "c-2"
	ct2, _ := e.v.Seal(ctx, ad2, []byte("13812345678"))

	mod := func(f func([]byte) []byte) []byte { return f(append([]byte{}, ct...)) }
	cases := []struct {
		name string
		ad   AssociatedData
		ct   []byte
	}{
		{"Empty", ad, nil},
		{"HeaderOnly", ad, ct[:headerLen]},
		{"NoTag", ad, ct[:prefixLen]},
		{"FormatDowngrade", ad, mod(func(b []byte) []byte { b[0] = 0; return b })},
		{"FormatUpgrade", ad, mod(func(b []byte) []byte { b[0] = 2; return b })},
		{"KeyKind", ad, mod(func(b []byte) []byte { b[1] = 2; return b })},
		{"KeyVersionZero", ad, mod(func(b []byte) []byte { binary.BigEndian.PutUint32(b[2:], 0); return b })},
		{"KeyVersionUnknown", ad, mod(func(b []byte) []byte { binary.BigEndian.PutUint32(b[2:], 2); return b })},
		{"NonceShort", ad, append(append([]byte{}, ct[:prefixLen-1]...), ct[prefixLen:]...)},
		{"Extended", ad, append(append([]byte{}, ct...), 0)},
		{"SwappedField", AssociatedData{ad.Tenant, ad.RecordKind, ad.RecordID, ad.CustomerID, "email"}, ct},
		{"SwappedRecord", AssociatedData{ad.Tenant, ad.RecordKind, "c-9", ad.CustomerID, ad.Field}, ct},
		{"SwappedKind", AssociatedData{ad.Tenant, "address", ad.RecordID, ad.CustomerID, ad.Field}, ct},
		{"SwappedTenant", AssociatedData{"shop2", ad.RecordKind, ad.RecordID, ad.CustomerID, ad.Field}, ct},
		{"OtherCustomersCiphertext", ad, ct2},
		{"MovedToOtherCustomer", ad2, ct},
		{"UnknownCustomer", AssociatedData{ad.Tenant, ad.RecordKind, "c-404", "c-404", ad.Field}, ct},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.v.Open(ctx, tc.ad, tc.ct); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Open err = %v, want ErrDecrypt", err)
			}
		})
	}
	t.Run("EveryTruncation", func(t *testing.T) {
		for n := range len(ct) {
			if _, err := e.v.Open(ctx, ad, ct[:n]); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("len %d: err = %v", n, err)
			}
		}
	})
	t.Run("EveryBitFlip", func(t *testing.T) {
		for i := range len(ct) * 8 {
			b := append([]byte{}, ct...)
			b[i/8] ^= 1 << (i % 8)
			if _, err := e.v.Open(ctx, ad, b); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("bit %d: err = %v", i, err)
			}
		}
	})
}

func TestDataKeyCache(t *testing.T) {
	e := newTestEnv(t, &Options{CacheSize: 2, CacheTTL: time.Minute})
	ctx := context.Background()
	ad := testAD()
	ct, _ := e.v.Seal(ctx, ad, []byte("a"))
	calls := e.ks.calls
	for range 5 {
		if _, err := e.v.Open(ctx, ad, ct); err != nil {
			t.Fatal(err)
		}
	}
	if e.ks.calls != calls {
		t.Fatalf("cached Open hit the store %d times", e.ks.calls-calls)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.v.Open(ctx, ad, ct); err != nil {
		t.Fatal(err)
	}
	if e.ks.calls != calls+1 {
		t.Fatalf("expired entry not reloaded: %d calls", e.ks.calls-calls)
	}
	if _, err := e.v.Open(ctx, ad, ct); err != nil { // mark used
		t.Fatal(err)
	}
	for _, c := range []string{"c-2", "c-3", "c-4"} {
		a := ad
		a.CustomerID = c
		if _, err := e.v.Seal(ctx, a, []byte("a")); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.v.deks.len(); n != 2 {
		t.Fatalf("cache holds %d entries, want bound 2", n)
	}
	// Second-chance eviction: c-1 was used after it was cached, so c-2 and
	// c-3 (never read) went first.
	calls = e.ks.calls
	if _, err := e.v.Open(ctx, ad, ct); err != nil {
		t.Fatal(err)
	}
	if e.ks.calls != calls {
		t.Fatal("recently used entry was evicted")
	}
	a3 := ad
	a3.CustomerID = "c-3"
	ct3, _ := e.v.Seal(ctx, a3, []byte("b"))
	if e.ks.calls != calls+1 {
		t.Fatal("evicted entry not reloaded")
	}
	if got, err := e.v.Open(ctx, a3, ct3); err != nil || string(got) != "b" {
		t.Fatal(err)
	}
}

func TestStoreErrorIsNotErrDecrypt(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ct, _ := e.v.Seal(ctx, testAD(), []byte("a"))
	e.v.deks.remove(customerRef{"shop1", "c-1"})
	boom := errors.New("db down")
	e.ks.failDK = boom
	_, err := e.v.Open(ctx, testAD(), ct)
	if !errors.Is(err, boom) || errors.Is(err, ErrDecrypt) {
		t.Fatalf("err = %v", err)
	}
}

func TestConcurrentFirstSeal(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	cts := make([][]byte, 8)
	errs := make([]error, 8)
	for i := range cts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cts[i], errs[i] = e.v.Seal(ctx, testAD(), []byte{byte(i)})
		}()
	}
	wg.Wait()
	e.v.deks.remove(customerRef{"shop1", "c-1"})
	for i, ct := range cts {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		got, err := e.v.Open(ctx, testAD(), ct)
		if err != nil || len(got) != 1 || got[0] != byte(i) {
			t.Fatalf("seal %d: %v %v", i, got, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	e := newTestEnv(f, nil)
	ctx := context.Background()
	ct, _ := e.v.Seal(ctx, testAD(), []byte("13812345678"))
	f.Add(ct)
	f.Add([]byte{})
	f.Add(ct[:prefixLen])
	f.Add(append([]byte{1, 1, 0, 0, 0, 1}, make([]byte, 40)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := e.v.Open(ctx, testAD(), b)
		if err == nil {
			if !bytes.Equal(b, ct) || string(got) != "13812345678" {
				t.Fatalf("forged ciphertext opened")
			}
			return
		}
		if !errors.Is(err, ErrDecrypt) {
			t.Fatalf("err = %v, want ErrDecrypt", err)
		}
	})
}

// FuzzOpenAssociatedData fuzzes the associated data as well as the bytes:
// only the exact original pair opens, nothing panics, and every failure
// is ErrDecrypt or (for incomplete associated data) ErrInvalid.
func FuzzOpenAssociatedData(f *testing.F) {
	e := newTestEnv(f, nil)
	ctx := context.Background()
	ad := testAD()
	ct, _ := e.v.Seal(ctx, ad, []byte("x"))
	f.Add(ad.Tenant, ad.RecordKind, ad.RecordID, ad.CustomerID, ad.Field, ct)
	f.Add("shop1", "customer", "c-1", "c-1", "phonf", ct)
	f.Add("shop1", "customerc", "-1", "c-1", "phone", ct)
	f.Add("", "", "", "", "", []byte{})
	f.Fuzz(func(t *testing.T, tenant, kind, rec, cust, field string, b []byte) {
		a := AssociatedData{tenant, kind, rec, cust, field}
		_, err := e.v.Open(ctx, a, b)
		switch {
		case err == nil:
			if a != ad || !bytes.Equal(b, ct) {
				t.Fatal("opened with different associated data or bytes")
			}
		case errors.Is(err, ErrInvalid):
			if a.validate() == nil {
				t.Fatalf("ErrInvalid for valid associated data: %v", err)
			}
		case !errors.Is(err, ErrDecrypt):
			t.Fatalf("err = %v", err)
		}
	})
}
