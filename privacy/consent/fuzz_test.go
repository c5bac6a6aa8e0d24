package consent_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/consent"
)

func FuzzChecker(f *testing.F) {
	f.Add("7d444840-9dc0-11d1-b245-5ffdce74fad2", "marketing_sms")
	f.Add("", "")
	f.Add("not-a-uuid", "sensitive_pi")
	c := consent.Checker{Ledger: consent.NewLedger(memstore.New(), consent.Options{})}
	f.Fuzz(func(t *testing.T, id, purpose string) {
		ok, err := c.Allowed(context.Background(), id, purpose)
		if err != nil && !errors.Is(err, consent.ErrInvalid) && !errors.Is(err, consent.ErrUnknownPurpose) {
			t.Fatalf("untyped error %v", err)
		}
		if ok {
			t.Fatal("allowed on an empty ledger")
		}
	})
}
