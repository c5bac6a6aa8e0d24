package customer_test

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
)

// heap collects every string and byte string reachable from a value,
// unexported fields included: everything a store holds.
type heap struct {
	seen    map[uintptr]bool
	b       strings.Builder
	strs    int // strings and byte strings collected
	byteStr int // byte slices collected
}

func (h *heap) add(s string) {
	h.b.WriteString(s)
	h.b.WriteByte(0) // needles never contain NUL, so no match spans two values
	h.strs++
}

func (h *heap) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		h.add(v.String())
	case reflect.Pointer:
		if v.IsNil() || h.seen[v.Pointer()] {
			return
		}
		h.seen[v.Pointer()] = true
		h.walk(v.Elem())
	case reflect.Interface:
		if !v.IsNil() {
			h.walk(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			h.walk(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			h.add(string(b))
			if v.Kind() == reflect.Slice {
				h.byteStr++
			}
			return
		}
		for i := range v.Len() {
			h.walk(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			h.walk(it.Key())
			h.walk(it.Value())
		}
	}
}

// dump returns everything st holds as one NUL-separated string.
func dump(st *memstore.Store) *heap {
	h := &heap{seen: map[uintptr]bool{}}
	h.walk(reflect.ValueOf(st))
	return h
}

// needle is one personal value of the synthetic load and what it is.
type needle struct{ kind, value string }

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// canonicalPhone is the last 11 digits in E.164, or "".
func canonicalPhone(raw string) string {
	d := digits(raw)
	if len(d) < 11 {
		return ""
	}
	return "+86" + d[len(d)-11:]
}

// piiNeedles lists the personal values of the records: names, phones (as
// sent, as digits, canonical), e-mails, addresses, streets, member ids.
func piiNeedles(ds *synth.Dataset) []needle {
	streets := map[string]string{}
	for _, p := range ds.Persons {
		streets[p.ID] = p.Street
	}
	var out []needle
	add := func(kind, v string) {
		if utf8.RuneCountInString(v) >= 2 && len(v) >= 5 {
			out = append(out, needle{kind, v})
		}
	}
	for _, r := range ds.Records {
		add("name", strings.TrimSpace(r.Name))
		if r.Phone != "" {
			add("phone", r.Phone)
			if d := digits(r.Phone); len(d) >= 7 {
				add("phone digits", d)
			}
			add("phone value", canonicalPhone(r.Phone))
		}
		add("email", r.Email)
		add("address", r.Address)
		add("street", streets[r.PersonID])
		add("member id", r.MemberID)
	}
	return out
}

// loadSynth loads a seeded synthetic business (customers, orders, events,
// tickets, feedback) through svc, then fills in canonical phone values
// with Modify, as a cleaning pass would.
func loadSynth(tb testing.TB, svc *customer.Service, ds *synth.Dataset) map[string]uuid.UUID {
	tb.Helper()
	ctx := context.Background()
	ids := make(map[string]uuid.UUID, len(ds.Records))
	for _, r := range ds.Records {
		c, err := svc.Create(ctx, demo.CustomerOf(r))
		if err != nil {
			tb.Fatal(err)
		}
		ids[r.ID] = c.ID
	}
	if err := demo.LoadActivity(ctx, svc, ds, ids, io.Discard); err != nil {
		tb.Fatal(err)
	}
	for _, r := range ds.Records {
		if canonicalPhone(r.Phone) == "" {
			continue
		}
		if _, err := svc.Modify(ctx, ids[r.ID], func(c *customer.Customer) error {
			c.Phones[0].Value = canonicalPhone(c.Phones[0].Raw)
			return nil
		}); err != nil {
			tb.Fatal(err)
		}
	}
	return ids
}

func synthData(tb testing.TB) *synth.Dataset {
	tb.Helper()
	ds, err := synth.Generate(synth.Config{Customers: 300, Orders: 900, Seed: 11})
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// sealedOptions seals with v and the synthetic load's member ids.
func sealedOptions(v *privacy.Vault) *customer.Options {
	return &customer.Options{
		Now:            func() time.Time { return demo.Now },
		NewID:          demo.SeqIDs(1),
		Sealer:         customer.VaultSealer(v, tenant),
		SealAttributes: []string{"member_id"},
	}
}

// TestSealedStoreHoldsNoPII runs a realistic load through a sealing
// Service and then inspects everything memstore holds, unexported fields
// included: no personal value of the load may appear. The same inspection
// of an unsealed load must find them all, so the inspection can fail.
func TestSealedStoreHoldsNoPII(t *testing.T) {
	ctx := context.Background()
	ds := synthData(t)
	needles := piiNeedles(ds)
	kinds := map[string]bool{}
	for _, n := range needles {
		kinds[n.kind] = true
	}
	if len(kinds) != 8 || len(needles) < 1000 {
		t.Fatalf("the load has too little personal data to test: %d needles, kinds %v", len(needles), kinds)
	}

	// Control: the same load without sealing exposes every kind.
	plainStore := memstore.New()
	plainOpts := sealedOptions(nil)
	plainOpts.Sealer = nil
	loadSynth(t, customer.New(plainStore, plainOpts), ds)
	all := dump(plainStore).b.String()
	found := map[string]int{}
	for _, n := range needles {
		if strings.Contains(all, n.value) {
			found[n.kind]++
		}
	}
	if len(found) != len(kinds) {
		t.Fatalf("the inspection does not see personal data in an unsealed store: %v", found)
	}

	st := memstore.New()
	v := newVault(t, st, t.TempDir())
	svc := customer.New(st, sealedOptions(v))
	ids := loadSynth(t, svc, ds)

	// Customers straight from the store: personal fields empty, sealed kept.
	sealedFields := 0
	for c, err := range customer.New(st, nil).Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "" || !c.BirthDate.IsZero() || c.Attributes["member_id"] != "" {
			t.Fatal("a stored customer has a personal field in clear")
		}
		for _, cs := range [][]customer.Contact{c.Phones, c.Emails} {
			for _, ct := range cs {
				if ct.Raw != "" || ct.Value != "" {
					t.Fatal("a stored contact is in clear")
				}
			}
		}
		for _, a := range c.Addresses {
			if a != (customer.Address{Channel: a.Channel, Verified: a.Verified, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen}) {
				t.Fatal("a stored address is in clear")
			}
		}
		sealedFields += len(c.Sealed)
	}

	// Everything memstore holds: profiles, orders, events, tickets,
	// feedback, wrapped keys.
	h := dump(st)
	all = h.b.String()
	if h.byteStr < sealedFields || sealedFields < len(ds.Records) {
		t.Fatalf("inspection saw %d byte strings for %d sealed fields", h.byteStr, sealedFields)
	}
	if !strings.Contains(all, ds.Orders[0].Items[0].SKU) || !strings.Contains(all, "source_record") {
		t.Fatal("inspection does not reach orders and attributes")
	}
	for _, n := range needles {
		if strings.Contains(all, n.value) {
			t.Fatalf("the store holds a %s in clear", n.kind)
		}
	}

	// Through the Service every record reads back as it was loaded.
	for _, r := range ds.Records {
		got, err := svc.Get(ctx, ids[r.ID])
		if err != nil {
			t.Fatal(err)
		}
		want := demo.CustomerOf(r)
		if len(want.Phones) > 0 {
			want.Phones[0].Value = canonicalPhone(r.Phone)
		}
		if got.Name != want.Name || !reflect.DeepEqual(got.Phones, want.Phones) || !reflect.DeepEqual(got.Emails, want.Emails) ||
			!reflect.DeepEqual(got.Addresses, want.Addresses) || !reflect.DeepEqual(got.Attributes, want.Attributes) {
			t.Fatal("a record did not read back as loaded")
		}
	}

	// Crypto-shredding: shredded customers never read back; others do.
	shredded := map[uuid.UUID]bool{}
	for _, r := range ds.Records[:10] {
		if _, err := v.Shred(ctx, tenant, ids[r.ID].String()); err != nil {
			t.Fatal(err)
		}
		shredded[ids[r.ID]] = true
	}
	for _, r := range ds.Records {
		got, err := svc.Get(ctx, ids[r.ID])
		if shredded[ids[r.ID]] {
			if !errors.Is(err, customer.ErrSealed) || !errors.Is(err, privacy.ErrShredded) || got.Name != "" {
				t.Fatalf("shredded customer: %v", err)
			}
			if name := strings.TrimSpace(r.Name); name != "" && strings.Contains(err.Error(), name) {
				t.Fatal("the error names the customer")
			}
			continue
		}
		if err != nil || got.Name != strings.TrimSpace(r.Name) {
			t.Fatalf("customer after others were shredded: %v", err)
		}
	}
	n, bad := 0, 0
	for _, err := range svc.Customers(ctx) {
		n++
		if err != nil {
			if !errors.Is(err, privacy.ErrShredded) {
				t.Fatal(err)
			}
			bad++
		}
	}
	if n != len(ds.Records) || bad != len(shredded) {
		t.Fatalf("listed %d customers, %d unreadable; want %d and %d", n, bad, len(ds.Records), len(shredded))
	}
}
