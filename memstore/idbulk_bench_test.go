package memstore_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/cputime"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// BenchmarkIdentityBulkWrite writes prepared identity records (each its
// own new customer, all tokens new) into a fresh store in changes of
// 1,024 records, as identity.IngestBatch does on an empty store: the store's
// share of an import. MEMSTORE_BENCH_N sets the record count (300,000).
func BenchmarkIdentityBulkWrite(b *testing.B) {
	srs := bulkRecords(b)
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		c0 := cpuTime()
		writeBulk(b, memstore.New(), srs)
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(len(srs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 { // on a shared machine, throughput per CPU second of this process
		b.ReportMetric(float64(len(srs))*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

// BenchmarkIdentityBulkHeap reports the live heap a store holds per
// record after the writes of BenchmarkIdentityBulkWrite (runtime.GC, then
// runtime.ReadMemStats, before and after).
func BenchmarkIdentityBulkHeap(b *testing.B) {
	srs := bulkRecords(b)
	b.ReportAllocs()
	var heap float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := memstore.New()
		writeBulk(b, st, srs)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(st)
		heap = float64(after.HeapAlloc) - float64(before.HeapAlloc)
	}
	b.ReportMetric(heap/float64(len(srs)), "heap-B/record")
}

// bulkRecords returns the prepared records of the bulk benchmarks: each
// its own new customer, all tokens new.
func bulkRecords(b *testing.B) []identity.StoredRecord {
	n := 300_000
	if v, err := strconv.Atoi(os.Getenv("MEMSTORE_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	d, err := synth.Generate(synth.Config{Customers: n, Orders: 1, Events: 1, Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	r := identity.NewResolver(memstore.New(), nil)
	ctx := context.Background()
	var srs []identity.StoredRecord
	seen := map[identity.Key]bool{}
	for _, x := range d.Records {
		rec := identity.Record{ID: x.ID, Channel: x.Channel, At: x.RegisteredAt, Fields: map[string]string{"name": x.Name}}
		for _, id := range []identity.Identifier{{Kind: identity.KindPhone, Value: x.Phone}, {Kind: identity.KindDevice, Value: x.Device},
			{Kind: identity.KindEmail, Value: x.Email}, {Kind: identity.KindMemberID, Value: x.MemberID}, {Kind: identity.KindName, Value: x.Name}} {
			if id.Value != "" {
				rec.Identifiers = append(rec.Identifiers, id)
			}
		}
		sr, _, _, err := r.Prepare(ctx, rec)
		if err != nil {
			continue
		}
		dup := false
		for _, k := range sr.Keys {
			dup = dup || seen[k]
			seen[k] = true
		}
		if !dup { // every record a new customer with new tokens
			sr.CustomerID = uuid.New()
			srs = append(srs, sr)
		}
	}
	return srs
}

// writeBulk writes srs into st in changes of 1,024 records, each
// expecting its tokens at version 0 and its records absent.
func writeBulk(b *testing.B, st *memstore.Store, srs []identity.StoredRecord) {
	ctx := context.Background()
	for lo := 0; lo < len(srs); lo += 1024 {
		chunk := srs[lo:min(lo+1024, len(srs))]
		var ch identity.Change
		for _, sr := range chunk {
			for _, k := range sr.Keys {
				ch.ExpectTokens = append(ch.ExpectTokens, identity.TokenVersion{Key: k})
			}
			ch.ExpectAbsent = append(ch.ExpectAbsent, sr.ID)
		}
		ch.Records = chunk
		if err := st.ApplyIdentity(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's CPU time so far (0 where unknown).
func cpuTime() time.Duration { d, _ := cputime.Process(); return d }
