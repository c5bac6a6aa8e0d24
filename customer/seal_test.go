package customer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

const tenant = "shop"

// newVault returns a Vault whose KeyStore is st and whose KeyManager is a
// fresh local key file under dir.
func newVault(tb testing.TB, st *memstore.Store, dir string) *privacy.Vault {
	tb.Helper()
	path := filepath.Join(dir, "keys.json")
	if _, err := privacy.InitKeyFile(path, nil); err != nil {
		tb.Fatal(err)
	}
	km, err := privacy.NewLocalKeyManager(path)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := privacy.New(st, km, &privacy.Options{Rand: &lockedReader{r: rand.NewChaCha8([32]byte{7})}})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// lockedReader makes a seeded random source safe for the Vault's
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// newSealedService returns a Service sealing with a Vault over the same
// memstore, plus the store and the Vault.
func newSealedService(tb testing.TB) (*customer.Service, *memstore.Store, *privacy.Vault) {
	tb.Helper()
	st := memstore.New()
	v := newVault(tb, st, tb.TempDir())
	n := 0
	svc := customer.New(st, &customer.Options{
		Now:            func() time.Time { return t0 },
		NewID:          func() uuid.UUID { n++; return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%d", n)) },
		Sealer:         customer.VaultSealer(v, tenant),
		SealAttributes: []string{"id_card", "member_id"},
	})
	return svc, st, v
}

// fullCustomer has every personal field set.
func fullCustomer() customer.Customer {
	seen := t0.Add(-time.Hour)
	return customer.Customer{
		Name:      "张三丰",
		Gender:    customer.GenderMale,
		BirthDate: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
		Phones: []customer.Contact{
			{Raw: "138-1234-5678", Value: "+8613812345678", Channel: customer.ChannelMiniProgram, Verified: true, FirstSeen: seen, LastSeen: seen},
			{Raw: "139 0000 1111", Channel: customer.ChannelStorePOS},
		},
		Emails: []customer.Contact{{Value: "zhangsanfeng@qq.com", Channel: customer.ChannelWeb}},
		Addresses: []customer.Address{
			{Raw: "广东省深圳市南山区科技园路88号", Province: "广东省", City: "深圳市", District: "南山区", Detail: "科技园路88号", PostalCode: "518057", Channel: customer.ChannelApp},
			{Raw: "北京朝阳建国路1号", Channel: customer.ChannelStorePOS},
		},
		MembershipLevel: "gold",
		Points:          120,
		Attributes:      map[string]string{"id_card": "110101199005170011", "member_id": "M0042", "segment": "vip"},
	}
}

// personal lists every personal value of fullCustomer.
var personal = []string{
	"张三丰", "1990-05-17", "138-1234-5678", "13812345678", "139 0000 1111", "zhangsanfeng@qq.com",
	"科技园路88号", "深圳市南山区", "广东省", "南山区", "518057", "北京朝阳建国路1号",
	"110101199005170011", "M0042",
}

// expectedPaths is an independent list of the field paths fullCustomer
// must be sealed under.
var expectedPaths = []string{
	"addresses[0].city", "addresses[0].detail", "addresses[0].district", "addresses[0].postal_code",
	"addresses[0].province", "addresses[0].raw", "addresses[1].raw",
	"attributes[id_card]", "attributes[member_id]", "birth_date", "emails[0].value", "name",
	"phones[0].raw", "phones[0].value", "phones[1].raw",
}

func TestSealedRoundTrip(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newSealedService(t)
	in := fullCustomer()
	created, err := svc.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, fullCustomer()) {
		t.Fatal("Create modified its argument")
	}
	want := in.Clone()
	want.ID, want.CreatedAt, want.UpdatedAt, want.Version = created.ID, t0, t0, 1
	if !reflect.DeepEqual(created, want) {
		t.Fatalf("Create returned a different customer")
	}

	// The stored form holds the ciphertexts only.
	raw, err := st.GetCustomer(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(raw.Sealed)); !slices.Equal(got, expectedPaths) {
		t.Fatalf("sealed paths\n got %q\nwant %q", got, expectedPaths)
	}
	if raw.Name != "" || !raw.BirthDate.IsZero() || raw.Phones[0].Raw != "" || raw.Phones[0].Value != "" ||
		raw.Emails[0].Value != "" || raw.Addresses[0].Detail != "" || raw.Attributes["id_card"] != "" {
		t.Fatal("the store holds a personal field in clear")
	}
	if raw.Attributes["segment"] != "vip" || raw.Phones[0].Channel != customer.ChannelMiniProgram || raw.Points != 120 || !raw.Phones[0].Verified {
		t.Fatal("non-personal fields were not kept")
	}
	if err := raw.Validate(); err != nil {
		t.Fatalf("stored form does not validate: %v", err)
	}
	assertNoPII(t, fmt.Sprintf("%q", raw.Sealed))

	got, err := svc.Get(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("Get did not return the plaintext customer")
	}

	// Update's result, Modify, View and Customers all open.
	got.Points = 130
	got.Phones = append(got.Phones, customer.Contact{Raw: "+86 137 0000 2222", Channel: customer.ChannelApp})
	up, err := svc.Update(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	want = got.Clone()
	want.Version = 2
	if !reflect.DeepEqual(up, want) {
		t.Fatal("Update did not return the opened customer")
	}
	mod, err := svc.Modify(ctx, created.ID, func(c *customer.Customer) error {
		if c.Name != "张三丰" || c.Phones[2].Raw != "+86 137 0000 2222" {
			return errors.New("Modify saw sealed fields")
		}
		c.Name = "张三"
		return nil
	})
	if err != nil || mod.Name != "张三" || mod.Version != 3 {
		t.Fatalf("Modify: %v", err)
	}
	v, err := svc.View(ctx, created.ID, nil)
	if err != nil || v.Profile.Name != "张三" || v.Profile.Attributes["id_card"] != "110101199005170011" {
		t.Fatalf("View did not open the profile: %v", err)
	}
	n := 0
	for c, err := range svc.Customers(ctx) {
		if err != nil || c.Name != "张三" || c.Sealed != nil {
			t.Fatalf("Customers did not open: %v", err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("Customers yielded %d", n)
	}
	raw, _ = st.GetCustomer(ctx, created.ID)
	if raw.Name != "" || len(raw.Phones) != 3 || raw.Phones[2].Raw != "" || raw.Sealed["phones[2].raw"] == nil {
		t.Fatal("Update stored plaintext")
	}

	// A Service without a sealer sees the stored form only.
	plain := customer.New(st, nil)
	pc, err := plain.Get(ctx, created.ID)
	if err != nil || pc.Name != "" || len(pc.Sealed) != len(expectedPaths)+1 {
		t.Fatalf("plain service: %v", err)
	}
}

func TestSealedInputRejected(t *testing.T) {
	svc, _, _ := newSealedService(t)
	c := fullCustomer()
	c.Sealed = map[string][]byte{"name": {1, 2, 3}}
	_, err := svc.Create(context.Background(), c)
	var fe *customer.FieldError
	if !errors.Is(err, customer.ErrInvalid) || !errors.As(err, &fe) || fe.Field != "sealed" {
		t.Fatalf("got %v", err)
	}
}

func TestUnsealedServiceUnchanged(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newService()
	c, err := svc.Create(ctx, fullCustomer())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := st.GetCustomer(ctx, c.ID)
	if raw.Sealed != nil || raw.Name != "张三丰" || raw.Attributes["id_card"] == "" {
		t.Fatal("a Service without a sealer changed the stored form")
	}
	// Without a sealer a Sealed map is data like any other.
	c.Sealed = map[string][]byte{"name": {1}}
	if _, err := svc.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.Get(ctx, c.ID)
	if !slices.Equal(got.Sealed["name"], []byte{1}) {
		t.Fatal("Sealed not kept")
	}
}

func TestValidateSealed(t *testing.T) {
	ok := customer.Customer{ID: uuid.New(), Phones: []customer.Contact{{}}, Sealed: map[string][]byte{"phones[0].raw": {1}}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a contact sealed away must validate: %v", err)
	}
	for _, tc := range []struct {
		name, field string
		sealed      map[string][]byte
	}{
		{"empty key", "sealed", map[string][]byte{"": {1}}},
		{"long key", "sealed", map[string][]byte{strings.Repeat("k", customer.MaxSealedKeyBytes+1): {1}}},
		{"bad utf8 key", "sealed", map[string][]byte{"\xff": {1}}},
		{"empty value", "sealed[name]", map[string][]byte{"name": {}, "phones[0].raw": {1}}},
		{"long value", "sealed[name]", map[string][]byte{"name": make([]byte, customer.MaxSealedValueBytes+1)}},
		{"first bad key reported", "sealed[a]", map[string][]byte{"b": nil, "a": nil, "c": {1}}},
	} {
		c := ok.Clone()
		maps.Copy(c.Sealed, tc.sealed)
		err := c.Validate()
		var fe *customer.FieldError
		if !errors.Is(err, customer.ErrInvalid) || !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: got %v, want field %s", tc.name, err, tc.field)
		}
	}
	many := customer.Customer{ID: uuid.New(), Sealed: map[string][]byte{}}
	for i := range customer.MaxSealedFields + 1 {
		many.Sealed[fmt.Sprint("attributes[k", i, "]")] = []byte{1}
	}
	if err := many.Validate(); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("too many sealed fields: %v", err)
	}
	// Clone deep-copies Sealed, and its entries do not overlap.
	ok.Sealed["name"] = []byte{2, 3}
	ok.Sealed["attributes[x]"] = []byte{4}
	c := ok.Clone()
	c.Sealed["phones[0].raw"][0] = 9
	if ok.Sealed["phones[0].raw"][0] != 1 {
		t.Fatal("Clone shares Sealed bytes")
	}
	for k := range c.Sealed {
		c.Sealed[k] = append(c.Sealed[k], 0xee, 0xee)
	}
	if d := c.Clone(); !slices.Equal(d.Sealed["name"], []byte{2, 3, 0xee, 0xee}) || !slices.Equal(d.Sealed["attributes[x]"], []byte{4, 0xee, 0xee}) ||
		!slices.Equal(d.Sealed["phones[0].raw"], []byte{9, 0xee, 0xee}) {
		t.Fatal("appending to a cloned ciphertext overwrote another")
	}
}

// FuzzSealedFieldPath moves a customer's sealed name to an arbitrary field
// path in the store: the read must never panic and must succeed exactly
// when the path is "name" again.
func FuzzSealedFieldPath(f *testing.F) {
	for _, s := range []string{"name", "nickname", "phones[0].raw", "phones[9].raw", "phones[-1].raw", "phones[01].raw",
		"phones[0]", "phones[", "addresses[0].detail", "addresses[1].city", "attributes[]", "attributes[x]", "attributes[x",
		"birth_date", "emails[0].value", "", "[", "].", "phones[0]..raw", "addresses[0].postal_code"} {
		f.Add(s)
	}
	ctx := context.Background()
	svc, st, _ := newSealedService(f)
	f.Fuzz(func(t *testing.T, path string) {
		c, err := svc.Create(ctx, fullCustomer())
		if err != nil {
			t.Fatal(err)
		}
		tamper(t, st, c.ID, func(raw *customer.Customer) {
			ct := raw.Sealed["name"]
			delete(raw.Sealed, "name")
			raw.Sealed[path] = ct
		})
		got, err := svc.Get(ctx, c.ID)
		if path == "name" {
			if err != nil || got.Name != "张三丰" {
				t.Fatalf("name did not open: %v", err)
			}
			return
		}
		if !errors.Is(err, customer.ErrSealed) {
			t.Fatalf("a misplaced ciphertext read back: %v", err)
		}
		assertNoPII(t, err.Error())
	})
}

func TestSealedConcurrentModify(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newSealedService(t)
	c, err := svc.Create(ctx, fullCustomer())
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 10
	errs := make(chan error, workers*each)
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range each {
				_, err := svc.Modify(ctx, c.ID, func(c *customer.Customer) error {
					c.Points++
					c.Phones[0].Value = "+8613812345678"
					return nil
				})
				if err != nil && !errors.Is(err, customer.ErrConflict) {
					errs <- err
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := svc.Get(ctx, c.ID)
	if err != nil || got.Name != "张三丰" || got.Phones[0].Value != "+8613812345678" || got.Points <= 120 {
		t.Fatalf("after concurrent modifies: %v", err)
	}
}
