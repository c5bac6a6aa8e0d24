package storetest_test

import (
	"context"
	"os"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
)

// ignoresIdentityVersions applies every change without checking versions
// or the records that must be absent.
type ignoresIdentityVersions struct{ *memstore.Store }

func (s ignoresIdentityVersions) ApplyIdentity(ctx context.Context, c identity.Change) error {
	c.ExpectTokens, c.ExpectCustomers, c.ExpectAbsent = nil, nil, nil
	return s.Store.ApplyIdentity(ctx, c)
}

func TestBrokenIdentityStoreHelper(t *testing.T) {
	if os.Getenv("STORETEST_BROKEN_IDENTITY") == "" {
		t.Skip("run only as the child of TestIdentitySuiteCatchesBrokenStore")
	}
	storetest.RunIdentity(t, func(t *testing.T) identity.Store { return ignoresIdentityVersions{memstore.New()} })
}

func TestIdentitySuiteCatchesBrokenStore(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child test process")
	}
	runBroken(t, "TestBrokenIdentityStoreHelper", "STORETEST_BROKEN_IDENTITY=1", "ignores versions",
		[]string{"ApplyStaleTokenVersionConflicts", "ApplyStaleCustomerVersionConflicts", "ExpectAbsent"}, nil)
}
