package memstore_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// handoffCustomer is a stored (sealed) form: contacts with their values
// moved into Sealed.
func handoffCustomer(id uuid.UUID) customer.Customer {
	return customer.Customer{
		ID: id, Version: 1, MembershipLevel: "gold",
		Phones:     []customer.Contact{{Channel: customer.ChannelApp}},
		Attributes: map[string]string{"tier": "a"},
		Sealed: map[string][]byte{
			"name":            []byte("ciphertext-of-name"),
			"phones[0].value": []byte("ciphertext-of-phone"),
		},
	}
}

func sameSlice(a, b []byte) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }

// TestSealedHandoff: the handoff methods keep and share the Sealed map
// they are given (and nothing else), while the plain methods still copy
// in both directions.
func TestSealedHandoff(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	id := uuid.MustParse("7d2f1c3e-0000-4000-8000-000000000001")
	c := handoffCustomer(id)
	if err := st.CreateCustomerHandoff(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateCustomerHandoff(ctx, handoffCustomer(id)); !errors.Is(err, customer.ErrAlreadyExists) {
		t.Fatalf("second create: %v", err)
	}
	// Everything but Sealed was copied.
	c.Phones[0].Channel, c.Attributes["tier"], c.MembershipLevel = customer.ChannelWeb, "b", "x"
	shared, err := st.GetCustomerShared(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if shared.Phones[0].Channel != customer.ChannelApp || shared.Attributes["tier"] != "a" || shared.MembershipLevel != "gold" {
		t.Fatal("CreateCustomerHandoff kept a caller's slice or map other than Sealed")
	}
	if !sameSlice(shared.Sealed["name"], c.Sealed["name"]) {
		t.Fatal("GetCustomerShared does not return the handed-over ciphertext")
	}
	// GetCustomerShared copies the rest.
	shared.Phones[0].Channel, shared.Attributes["tier"] = customer.ChannelWeb, "b"
	// GetCustomer still returns a deep copy, Sealed included.
	got, err := st.GetCustomer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phones[0].Channel != customer.ChannelApp || got.Attributes["tier"] != "a" {
		t.Fatal("GetCustomerShared shared a slice or map other than Sealed")
	}
	if sameSlice(got.Sealed["name"], c.Sealed["name"]) || !bytes.Equal(got.Sealed["name"], []byte("ciphertext-of-name")) {
		t.Fatal("GetCustomer did not copy Sealed")
	}
	got.Sealed["name"][0] ^= 1
	got.Sealed["extra"] = []byte("x")
	again, _ := st.GetCustomer(ctx, id)
	if !maps.EqualFunc(again.Sealed, handoffCustomer(id).Sealed, bytes.Equal) {
		t.Fatal("changing GetCustomer's Sealed changed the store")
	}

	// UpdateCustomerHandoff: version check, then the new map replaces the
	// old one, which is left as it was.
	up := handoffCustomer(id)
	up.Sealed = map[string][]byte{"name": []byte("new-ciphertext")}
	up.Version = 7
	if err := st.UpdateCustomerHandoff(ctx, up); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	other := handoffCustomer(uuid.MustParse("7d2f1c3e-0000-4000-8000-000000000002"))
	if err := st.UpdateCustomerHandoff(ctx, other); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("unknown customer: %v", err)
	}
	up.Version = 1
	if err := st.UpdateCustomerHandoff(ctx, up); err != nil {
		t.Fatal(err)
	}
	after, err := st.GetCustomerShared(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != 2 || len(after.Sealed) != 1 || !sameSlice(after.Sealed["name"], up.Sealed["name"]) {
		t.Fatalf("after update: version %d, %d sealed fields", after.Version, len(after.Sealed))
	}
	if !maps.EqualFunc(shared.Sealed, handoffCustomer(id).Sealed, bytes.Equal) {
		t.Fatal("an update changed a map the store had shared")
	}
	// The plain update path still works on a handed-over customer.
	if _, err := st.UpdateCustomer(ctx, after); err != nil {
		t.Fatal(err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.CreateCustomerHandoff(cancelled, other); !errors.Is(err, context.Canceled) {
		t.Fatalf("create with a cancelled context: %v", err)
	}
	if err := st.UpdateCustomerHandoff(cancelled, up); !errors.Is(err, context.Canceled) {
		t.Fatalf("update with a cancelled context: %v", err)
	}
	if _, err := st.GetCustomerShared(cancelled, id); !errors.Is(err, context.Canceled) {
		t.Fatalf("get with a cancelled context: %v", err)
	}
	if _, err := st.GetCustomerShared(ctx, other.ID); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("get unknown: %v", err)
	}
}
