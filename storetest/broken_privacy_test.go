package storetest_test

import (
	"context"
	"os"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/storetest"
	"github.com/google/uuid"
)

// appendsAnywhere ignores the expected position (lost-update prone).
type appendsAnywhere struct{ *memstore.Store }

func (s appendsAnywhere) AppendAudit(ctx context.Context, _ uint64, e [][]byte) error {
	n, err := s.Store.AuditSize(ctx)
	if err != nil {
		return err
	}
	return s.Store.AppendAudit(ctx, n, e)
}

// keepsAuditSlices hands back the very slices it was given.
type keepsAuditSlices struct {
	*memstore.Store
	kept [][]byte
}

func (s *keepsAuditSlices) AppendAudit(ctx context.Context, at uint64, e [][]byte) error {
	s.kept = append(s.kept, e...)
	return s.Store.AppendAudit(ctx, at, e)
}

func (s *keepsAuditSlices) ReadAudit(ctx context.Context, start, end uint64) ([][]byte, error) {
	if _, err := s.Store.ReadAudit(ctx, start, end); err != nil {
		return nil, err
	}
	return s.kept[start:end], nil
}

// overwritesConsent accepts a duplicate id by appending it again.
type overwritesConsent struct{ *memstore.Store }

func (s overwritesConsent) AppendConsent(ctx context.Context, e consent.Event) error {
	e2 := e
	if err := s.Store.AppendConsent(ctx, e); err != nil {
		e2.ID[0] ^= 0xff // store under a fresh id instead of refusing
		return s.Store.AppendConsent(ctx, e2)
	}
	return nil
}

// sortsConsentByTime lists events by time instead of append order.
type sortsConsentByTime struct{ *memstore.Store }

func (s sortsConsentByTime) ListConsent(ctx context.Context, id uuid.UUID) ([]consent.Event, error) {
	evs, err := s.Store.ListConsent(ctx, id)
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].At.Before(evs[j-1].At); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
	return evs, err
}

var brokenAudit = map[string]func() audit.Store{
	"appendsAnywhere":  func() audit.Store { return appendsAnywhere{memstore.New()} },
	"keepsAuditSlices": func() audit.Store { return &keepsAuditSlices{Store: memstore.New()} },
}

var brokenConsent = map[string]func() consent.Store{
	"overwritesConsent":  func() consent.Store { return overwritesConsent{memstore.New()} },
	"sortsConsentByTime": func() consent.Store { return sortsConsentByTime{memstore.New()} },
}

func TestBrokenPrivacyStoreHelper(t *testing.T) {
	name := os.Getenv("STORETEST_BROKEN_PRIVACY")
	if name == "" {
		t.Skip("run only as the child of TestSuiteCatchesBrokenPrivacyStores")
	}
	if f, ok := brokenAudit[name]; ok {
		storetest.RunAudit(t, func(t *testing.T) audit.Store { return f() })
	}
	if f, ok := brokenConsent[name]; ok {
		storetest.RunConsent(t, func(t *testing.T) consent.Store { return f() })
	}
}

func TestSuiteCatchesBrokenPrivacyStores(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child test processes")
	}
	cases := map[string][]string{
		"appendsAnywhere":    {"AppendWrongPositionConflicts"},
		"keepsAuditSlices":   {"CopySemantics"},
		"overwritesConsent":  {"DuplicateIDAlreadyExists"},
		"sortsConsentByTime": {"AppendThenListInOrder"},
	}
	for name, wantFail := range cases {
		t.Run(name, func(t *testing.T) {
			runBroken(t, "TestBrokenPrivacyStoreHelper", "STORETEST_BROKEN_PRIVACY="+name, name, wantFail, nil)
		})
	}
}
