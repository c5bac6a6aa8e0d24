package audit_test

import (
	"context"
	"testing"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
)

func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	l, err := audit.Open(ctx, memstore.New(), audit.Config{Origin: "bench", Key: testKey(1), Now: clock()})
	if err != nil {
		b.Fatal(err)
	}
	e := entry(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Append(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLog(b *testing.B, n int) (*memstore.Store, *audit.Log, audit.Checkpoint) {
	ctx := context.Background()
	s := memstore.New()
	l, err := audit.Open(ctx, s, audit.Config{Origin: "bench", Key: testKey(1), Now: clock()})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := l.Append(ctx, entry(i)); err != nil {
			b.Fatal(err)
		}
	}
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return s, l, cp
}

func BenchmarkCheckpoint100k(b *testing.B) {
	_, l, _ := benchLog(b, 100_000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyStore100k(b *testing.B) {
	s, l, cp := benchLog(b, 100_000)
	v := l.Verifier()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := v.VerifyStore(ctx, s, cp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInclusionProof100k(b *testing.B) {
	_, l, cp := benchLog(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.InclusionProof(54_321, cp.Size); err != nil {
			b.Fatal(err)
		}
	}
}
