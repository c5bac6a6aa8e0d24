package storetest_test

import (
	"context"
	"os"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
	"github.com/google/uuid"
)

// The suite is itself tested: each deliberately broken store must fail the
// subtest that guards the promise it breaks. The broken runs happen in a
// child process so their failures do not fail this test binary.

type ignoresVersions struct{ *memstore.Store }

func (s ignoresVersions) UpdateCustomer(ctx context.Context, c customer.Customer) (customer.Customer, error) {
	if cur, err := s.Store.GetCustomer(ctx, c.ID); err == nil {
		c.Version = cur.Version
	}
	return s.Store.UpdateCustomer(ctx, c)
}

// sharesMaps hands back the very map it was given.
type sharesMaps struct {
	*memstore.Store
	attrs map[string]string
}

func (s *sharesMaps) CreateCustomer(ctx context.Context, c customer.Customer) error {
	s.attrs = c.Attributes
	return s.Store.CreateCustomer(ctx, c)
}

func (s *sharesMaps) GetCustomer(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	c, err := s.Store.GetCustomer(ctx, id)
	c.Attributes = s.attrs
	return c, err
}

type ignoresContext struct{ *memstore.Store }

func (s ignoresContext) CreateCustomer(_ context.Context, c customer.Customer) error {
	return s.Store.CreateCustomer(context.Background(), c)
}

// repeatsPages ignores the page token after the first page.
type repeatsPages struct{ *memstore.Store }

func (s repeatsPages) ListCustomers(ctx context.Context, tok string, n int) ([]customer.Customer, string, error) {
	items, next, err := s.Store.ListCustomers(ctx, "", n)
	if tok != "" && next != "" {
		next = "" // stop rather than loop forever
	}
	return items, next, err
}

var broken = map[string]func() customer.ProfileStore{
	"ignoresVersions": func() customer.ProfileStore { return ignoresVersions{memstore.New()} },
	"sharesMaps":      func() customer.ProfileStore { return &sharesMaps{Store: memstore.New()} },
	"ignoresContext":  func() customer.ProfileStore { return ignoresContext{memstore.New()} },
	"repeatsPages":    func() customer.ProfileStore { return repeatsPages{memstore.New()} },
}

func TestBrokenStoreHelper(t *testing.T) {
	name := os.Getenv("STORETEST_BROKEN")
	if name == "" {
		t.Skip("run only as the child of TestSuiteCatchesBrokenStores")
	}
	storetest.RunProfiles(t, func(t *testing.T) customer.ProfileStore { return broken[name]() })
}

func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child test processes")
	}
	cases := map[string][]string{
		"ignoresVersions": {"UpdateStaleVersionConflicts", "ConcurrentWritersNoLostUpdate"},
		"sharesMaps":      {"CopySemantics"},
		"ignoresContext":  {"ContextCancelled"},
		"repeatsPages":    {"ListPagesCompleteInIDOrder", "ListStableWhileInserting"},
	}
	for name, wantFail := range cases {
		t.Run(name, func(t *testing.T) {
			runBroken(t, "TestBrokenStoreHelper", "STORETEST_BROKEN="+name, name, wantFail, nil)
		})
	}
}
