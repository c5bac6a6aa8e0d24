package memstore_test

import (
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunCustomer(t, func(t *testing.T) customer.Store { return memstore.New() })
}

func TestKeysConformance(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) privacy.KeyStore { return memstore.New() })
}
