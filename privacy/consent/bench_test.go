package consent_test

import (
	"context"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/consent"
)

// BenchmarkAllowed asks about a customer with 40 consent events.
func BenchmarkAllowed(b *testing.B) {
	ctx := context.Background()
	l := consent.NewLedger(memstore.New(), consent.Options{NewID: seqIDs()})
	id := cust(1)
	for i := range 40 {
		r := rec(t0.Add(time.Duration(i) * time.Hour))
		if i%2 == 0 {
			l.Grant(ctx, id, consent.Purposes()[i%7], r)
		} else {
			l.Withdraw(ctx, id, consent.Purposes()[i%7], r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Allowed(ctx, id, consent.MarketingSMS); err != nil {
			b.Fatal(err)
		}
	}
}
