package customer_test

import (
	"bytes"
	"context"
	"errors"
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

// tamper rewrites the stored customer id with fn, bypassing the Service.
func tamper(t *testing.T, st *memstore.Store, id uuid.UUID, fn func(*customer.Customer)) {
	t.Helper()
	ctx := context.Background()
	c, err := st.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	fn(&c)
	if _, err := st.UpdateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
}

// checkSealedErr checks err is ErrSealed, optionally also privacy.ErrDecrypt,
// and names no personal data or customer id.
func checkSealedErr(t *testing.T, err error, decrypt bool, id uuid.UUID) {
	t.Helper()
	if !errors.Is(err, customer.ErrSealed) {
		t.Fatalf("want ErrSealed, got %v", err)
	}
	if decrypt && !errors.Is(err, privacy.ErrDecrypt) {
		t.Fatalf("want privacy.ErrDecrypt, got %v", err)
	}
	assertNoPII(t, err.Error())
	if strings.Contains(err.Error(), id.String()) {
		t.Fatalf("error names the customer: %v", err)
	}
}

func assertNoPII(t *testing.T, s string) {
	t.Helper()
	for _, p := range personal {
		if strings.Contains(s, p) {
			t.Fatalf("personal value found in %q", s)
		}
	}
}

func TestSealedTamperedStore(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		decrypt bool
		fn      func(a, b *customer.Customer)
	}{
		{"swap fields", true, func(a, _ *customer.Customer) {
			a.Sealed["name"], a.Sealed["phones[0].value"] = a.Sealed["phones[0].value"], a.Sealed["name"]
		}},
		{"moved to another field", true, func(a, _ *customer.Customer) {
			a.Sealed["emails[0].value"] = a.Sealed["phones[0].value"]
		}},
		{"moved to another index", true, func(a, _ *customer.Customer) {
			a.Sealed["phones[1].raw"] = a.Sealed["phones[0].raw"]
		}},
		{"moved to another customer", true, func(a, b *customer.Customer) {
			a.Sealed["name"] = b.Sealed["name"]
		}},
		{"bit flip", true, func(a, _ *customer.Customer) {
			ct := slices.Clone(a.Sealed["birth_date"])
			ct[len(ct)-1] ^= 1
			a.Sealed["birth_date"] = ct
		}},
		{"truncated", true, func(a, _ *customer.Customer) {
			a.Sealed["addresses[0].detail"] = a.Sealed["addresses[0].detail"][:10]
		}},
		{"index out of range", false, func(a, _ *customer.Customer) {
			a.Sealed["phones[7].raw"] = a.Sealed["phones[0].raw"]
		}},
		{"unknown field", false, func(a, _ *customer.Customer) {
			a.Sealed["nickname"] = a.Sealed["name"]
		}},
		{"malformed path", false, func(a, _ *customer.Customer) {
			a.Sealed["addresses[0]detail"] = a.Sealed["addresses[0].detail"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, st, _ := newSealedService(t)
			a, err := svc.Create(ctx, fullCustomer())
			if err != nil {
				t.Fatal(err)
			}
			b, err := svc.Create(ctx, fullCustomer())
			if err != nil {
				t.Fatal(err)
			}
			braw, _ := st.GetCustomer(ctx, b.ID)
			tamper(t, st, a.ID, func(c *customer.Customer) { tc.fn(c, &braw) })
			got, err := svc.Get(ctx, a.ID)
			checkSealedErr(t, err, tc.decrypt, a.ID)
			if !reflect.DeepEqual(got, customer.Customer{}) {
				t.Fatal("Get returned data with the error")
			}
			if _, err := svc.View(ctx, a.ID, nil); !errors.Is(err, customer.ErrSealed) {
				t.Fatalf("View: %v", err)
			}
			if _, err := svc.Get(ctx, b.ID); err != nil {
				t.Fatalf("the other customer: %v", err)
			}
		})
	}
}

func TestSealedShred(t *testing.T) {
	ctx := context.Background()
	svc, st, v := newSealedService(t)
	var ids []uuid.UUID
	for range 3 {
		c, err := svc.Create(ctx, fullCustomer())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	victim := ids[1]
	rc, err := v.Shred(ctx, tenant, victim.String())
	if err != nil || rc.AlreadyShredded {
		t.Fatal(err)
	}
	got, err := svc.Get(ctx, victim)
	checkSealedErr(t, err, true, victim)
	if !errors.Is(err, privacy.ErrShredded) || !reflect.DeepEqual(got, customer.Customer{}) {
		t.Fatalf("Get after shred: %v", err)
	}
	if _, err := svc.Modify(ctx, victim, func(*customer.Customer) error { return nil }); !errors.Is(err, privacy.ErrShredded) {
		t.Fatalf("Modify after shred: %v", err)
	}
	// Writing new personal data for a shredded customer is refused too.
	raw, _ := st.GetCustomer(ctx, victim)
	fresh := fullCustomer()
	fresh.ID, fresh.Version, fresh.CreatedAt = victim, raw.Version, raw.CreatedAt
	if _, err := svc.Update(ctx, fresh); !errors.Is(err, customer.ErrSealed) || !errors.Is(err, privacy.ErrShredded) {
		t.Fatalf("Update after shred: %v", err)
	}
	// Listing yields the erased customer as an id-only error and goes on.
	var seen []uuid.UUID
	for c, err := range svc.Customers(ctx) {
		if c.ID == victim {
			if !errors.Is(err, privacy.ErrShredded) || c.Name != "" || len(c.Phones) != 0 {
				t.Fatalf("listing the shredded customer: %v", err)
			}
			continue
		}
		if err != nil || c.Name != "张三丰" {
			t.Fatalf("listing: %v", err)
		}
		seen = append(seen, c.ID)
	}
	want := []uuid.UUID{ids[0], ids[2]}
	slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	if !slices.Equal(seen, want) {
		t.Fatalf("listed %v, want %v", seen, want)
	}
}

// recordingSealer is a FieldSealer for tests: its "ciphertext" is the
// customer id and field followed by the plaintext reversed, and Open
// refuses a ciphertext made for another (customer, field).
type recordingSealer struct {
	mu     sync.Mutex
	sealed []string
}

func (r *recordingSealer) Seal(_ context.Context, id uuid.UUID, field string, pt []byte) ([]byte, error) {
	r.mu.Lock()
	r.sealed = append(r.sealed, field)
	r.mu.Unlock()
	out := []byte(id.String() + "|" + field + "|")
	for i := len(pt) - 1; i >= 0; i-- {
		out = append(out, pt[i])
	}
	return out, nil
}

var errWrongPlace = errors.New("sealed for another place")

func (r *recordingSealer) Open(_ context.Context, id uuid.UUID, field string, ct []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(ct, []byte(id.String()+"|"+field+"|"))
	if !ok {
		return nil, errWrongPlace
	}
	pt := slices.Clone(rest)
	slices.Reverse(pt)
	return pt, nil
}

// TestCustomFieldSealer checks the FieldSealer contract with a sealer that
// is not a Vault: every personal field is sealed under its path and the
// customer's id, and a sealer error is wrapped with ErrSealed.
func TestCustomFieldSealer(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	rs := &recordingSealer{}
	svc := customer.New(st, &customer.Options{Now: func() time.Time { return t0 }, Sealer: rs, SealAttributes: []string{"member_id", "id_card", "id_card"}})
	c, err := svc.Create(ctx, fullCustomer())
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(rs.sealed)); !slices.Equal(got, expectedPaths) {
		t.Fatalf("sealed\n got %q\nwant %q", got, expectedPaths)
	}
	got, err := svc.Get(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("Get: %v", err)
	}
	tamper(t, st, c.ID, func(raw *customer.Customer) { raw.Sealed["name"] = raw.Sealed["phones[0].raw"] })
	_, err = svc.Get(ctx, c.ID)
	if !errors.Is(err, customer.ErrSealed) || !errors.Is(err, errWrongPlace) {
		t.Fatalf("got %v", err)
	}
}

// TestVaultSealerTenants checks that a customer sealed for one tenant does
// not open for another tenant over the same Vault.
func TestVaultSealerTenants(t *testing.T) {
	ctx := context.Background()
	svc, st, v := newSealedService(t)
	c, err := svc.Create(ctx, fullCustomer())
	if err != nil {
		t.Fatal(err)
	}
	other := customer.New(st, &customer.Options{Sealer: customer.VaultSealer(v, "another-shop")})
	_, err = other.Get(ctx, c.ID)
	checkSealedErr(t, err, true, c.ID)
}
