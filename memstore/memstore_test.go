package memstore_test

import (
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
	"github.com/cimkit/cimkit/tagging"
)

func TestConformance(t *testing.T) {
	storetest.RunCustomer(t, func(t *testing.T) customer.Store { return memstore.New() })
}

func TestTagConformance(t *testing.T) {
	storetest.RunTags(t, func(t *testing.T) tagging.Store { return memstore.New() })
}
