package customer_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// copyingStore is memstore without its customer.SealedHandoff methods:
// the Service falls back to the copying Store methods.
type copyingStore struct{ customer.Store }

// TestSealedHandoffSameResult ingests the same records through a sealing
// Service over memstore (Sealed maps handed over and shared) and over the
// same store without the handoff (copied): with the same seeded random
// source the stores end up byte for byte the same and every profile opens
// the same.
func TestSealedHandoffSameResult(t *testing.T) {
	ctx := context.Background()
	ds, err := synth.Generate(synth.Config{Customers: 150, Seed: 23})
	if err != nil {
		t.Fatal(err)
	}
	type side struct {
		svc *customer.Service
		st  *memstore.Store
	}
	var sides [2]side
	for i := range sides {
		st := memstore.New()
		var store customer.Store = st
		if i == 1 {
			store = copyingStore{st}
		}
		if _, ok := store.(customer.SealedHandoff); ok != (i == 0) {
			t.Fatalf("side %d: handoff %t", i, ok)
		}
		v := newVault(t, st, t.TempDir()) // the same seeded random source
		now, newID := func() time.Time { return t0 }, demo.SeqIDs(1)
		sides[i] = side{customer.New(store, &customer.Options{
			Now: now, NewID: newID, Sealer: customer.VaultSealer(v, tenant), SealAttributes: []string{"id_card"},
			Identity: identity.NewResolver(st, &identity.Options{Now: now, NewID: newID}),
		}), st}
	}
	matched := 0
	for _, r := range ds.Records {
		src := demo.SourceOf(r)
		var res [2]customer.IngestResult
		var errs [2]error
		for i, s := range sides {
			res[i], errs[i] = s.svc.Ingest(ctx, src)
		}
		if !errors.Is(errs[0], errs[1]) && (errs[0] == nil || errs[1] == nil) {
			t.Fatalf("record %s: errors %v and %v", src.ID, errs[0], errs[1])
		}
		if res[0].CustomerID != res[1].CustomerID || res[0].Outcome != res[1].Outcome {
			t.Fatalf("record %s: %v %v and %v %v", src.ID, res[0].Outcome, res[0].CustomerID, res[1].Outcome, res[1].CustomerID)
		}
		if res[0].Outcome == identity.Matched {
			matched++
		}
	}
	if matched < 10 {
		t.Fatalf("only %d records matched an existing customer: re-projection is not exercised", matched)
	}
	n := 0
	for c, err := range sides[0].svc.Customers(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		other, err := sides[1].svc.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, other) {
			t.Fatalf("customer %d opens differently with and without the handoff", n)
		}
		raw0, err0 := sides[0].st.GetCustomer(ctx, c.ID)
		raw1, err1 := sides[1].st.GetCustomer(ctx, c.ID)
		if err0 != nil || err1 != nil || len(raw0.Sealed) == 0 || !reflect.DeepEqual(raw0, raw1) {
			t.Fatalf("customer %d is stored differently with and without the handoff", n)
		}
	}
	if n < 100 {
		t.Fatalf("%d customers", n)
	}
}

// TestReprojectLeavesSharedSealedAlone: re-projection reads the stored
// Sealed map without copying it (GetCustomerShared) and must not change
// it: a map read before a matching ingest is the same afterwards, while
// the store holds a new one.
func TestReprojectLeavesSharedSealedAlone(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newSealedService(t)
	first, err := svc.Ingest(ctx, customer.SourceRecord{ID: "pos:1", Channel: customer.ChannelStorePOS, At: t0,
		Name: "李四", Phone: "13912345678", BirthDate: "1985-03-04", Address: "浙江省杭州市西湖区天目山路268号"})
	if err != nil {
		t.Fatal(err)
	}
	id := first.CustomerID
	if _, err := svc.Modify(ctx, id, func(c *customer.Customer) error {
		c.Attributes = map[string]string{"id_card": "110101198503040011"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := st.GetCustomerShared(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if before.Sealed["birth_date"] == nil || before.Sealed["attributes[id_card]"] == nil {
		t.Fatal("the profile has no sealed birth date or attribute")
	}
	snapshot := maps.Clone(before.Sealed)
	for k, v := range snapshot {
		snapshot[k] = bytes.Clone(v)
	}
	second, err := svc.Ingest(ctx, customer.SourceRecord{ID: "app:2", Channel: customer.ChannelApp, At: t0.Add(time.Hour),
		Phone: "+86 139 1234 5678", Email: "lisi@qq.com", BirthDate: "1985-03-05"})
	if err != nil || second.CustomerID != id || second.Outcome != identity.Matched {
		t.Fatalf("second record: %v %v", second.Outcome, err)
	}
	if !maps.EqualFunc(before.Sealed, snapshot, bytes.Equal) {
		t.Fatal("re-projection changed a Sealed map the store had shared")
	}
	after, err := st.GetCustomerShared(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version <= before.Version || bytes.Equal(after.Sealed["name"], before.Sealed["name"]) {
		t.Fatal("the profile was not rewritten")
	}
	got, err := svc.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Two records disagree on the birth date: the survivorship rule picks
	// one of them (not the stored value re-opened); the host attribute is
	// kept.
	bd := got.BirthDate.Format("2006-01-02")
	if (bd != "1985-03-04" && bd != "1985-03-05") || got.Attributes["id_card"] != "110101198503040011" ||
		got.Name != "李四" || len(got.Emails) != 1 || len(got.Phones) != 1 {
		t.Fatalf("profile after re-projection: birth date %s, id_card %t, %d e-mails", bd, got.Attributes["id_card"] != "", len(got.Emails))
	}
	if got.ID != id || got.ID == uuid.Nil {
		t.Fatal("wrong customer")
	}
}

// inPlaceSealer is a host FieldSealer (not encryption) whose Open works in
// place, as a host's may: it must never be given the store's own bytes.
type inPlaceSealer struct{}

func (inPlaceSealer) Seal(_ context.Context, _ uuid.UUID, _ string, pt []byte) ([]byte, error) {
	out := append([]byte("x:"), pt...)
	for i := 2; i < len(out); i++ {
		out[i] ^= 0x5a
	}
	return out, nil
}

func (inPlaceSealer) Open(_ context.Context, _ uuid.UUID, _ string, ct []byte) ([]byte, error) {
	if !bytes.HasPrefix(ct, []byte("x:")) {
		return nil, errors.New("not sealed by inPlaceSealer")
	}
	for i := range ct {
		ct[i] ^= 0x5a // the prefix too: the caller's bytes are spoiled
	}
	return ct[2:], nil
}

// TestReprojectHostSealerGetsCopies: with a host FieldSealer that opens in
// place, re-projection opens copies of the stored values it keeps, so the
// store's shared map is not spoiled.
func TestReprojectHostSealerGetsCopies(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	svc := customer.New(st, &customer.Options{Now: func() time.Time { return t0 }, NewID: demo.SeqIDs(1),
		Sealer: inPlaceSealer{}, SealAttributes: []string{"id_card"}})
	first, err := svc.Ingest(ctx, customer.SourceRecord{ID: "pos:1", Channel: customer.ChannelStorePOS, At: t0, Name: "王五", Phone: "13712345678"})
	if err != nil {
		t.Fatal(err)
	}
	id := first.CustomerID
	if _, err := svc.Modify(ctx, id, func(c *customer.Customer) error {
		c.Attributes = map[string]string{"id_card": "110101199001010011"}
		c.BirthDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) // in no record: kept and opened
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := st.GetCustomerShared(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := map[string][]byte{}
	for k, v := range before.Sealed {
		snapshot[k] = bytes.Clone(v)
	}
	if _, err := svc.Ingest(ctx, customer.SourceRecord{ID: "app:2", Channel: customer.ChannelApp, At: t0, Phone: "137 1234 5678", Email: "ww@qq.com"}); err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(before.Sealed, snapshot, bytes.Equal) {
		t.Fatal("a host sealer opened the store's own bytes in place")
	}
	got, err := svc.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Attributes["id_card"] != "110101199001010011" || got.BirthDate.Year() != 1990 || len(got.Emails) != 1 {
		t.Fatal("kept fields were not opened back")
	}
}
