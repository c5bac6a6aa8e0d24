package memstore_test

import (
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunCustomer(t, func(t *testing.T) customer.Store { return memstore.New() })
}

func TestIdentityConformance(t *testing.T) {
	storetest.RunIdentity(t, func(t *testing.T) identity.Store { return memstore.New() })
}
