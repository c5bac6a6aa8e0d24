package tagging_test

import (
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/tagging"
)

// The privacy package's consent ledger plugs into the engine as is.
var _ tagging.ConsentChecker = consent.Checker{}
