package access_test

import (
	"testing"

	"github.com/cimkit/cimkit/privacy/access"
)

func BenchmarkFilterServiceAgent(b *testing.B) {
	g, _ := newGuard(b)
	ctx := ctxAs("service_agent", access.PurposeService)
	c := sample()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Filter(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}
