package memstore_test

import (
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/storetest"
	"github.com/cimkit/cimkit/tagging"
)

func TestConformance(t *testing.T) {
	storetest.RunCustomer(t, func(t *testing.T) customer.Store { return memstore.New() })
}

func TestKeysConformance(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) privacy.KeyStore { return memstore.New() })
}

func TestAuditConformance(t *testing.T) {
	storetest.RunAudit(t, func(t *testing.T) audit.Store { return memstore.New() })
}

func TestConsentConformance(t *testing.T) {
	storetest.RunConsent(t, func(t *testing.T) consent.Store { return memstore.New() })
}

func TestIdentityConformance(t *testing.T) {
	storetest.RunIdentity(t, func(t *testing.T) identity.Store { return memstore.New() })
}

func TestTagConformance(t *testing.T) {
	storetest.RunTags(t, func(t *testing.T) tagging.Store { return memstore.New() })
}

func TestIdentityErase(t *testing.T) {
	storetest.RunIdentityErase(t, func(t *testing.T) identity.EraseStore { return memstore.New() })
}

func TestEraseRacesIngest(t *testing.T) { storetest.RunEraseRace(t, memstore.New(), 20) }
