package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
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
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenIdentityStoreHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "STORETEST_BROKEN_IDENTITY=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the identity suite passed a store that ignores versions")
	}
	for _, sub := range []string{"ApplyStaleTokenVersionConflicts", "ApplyStaleCustomerVersionConflicts", "ExpectAbsent"} {
		if !strings.Contains(string(out), "--- FAIL: TestBrokenIdentityStoreHelper/"+sub+" ") {
			t.Errorf("subtest %s did not catch a store that ignores versions; output:\n%s", sub, out)
		}
	}
}
