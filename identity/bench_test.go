package identity_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
)

var benchData struct {
	once sync.Once
	recs []identity.Record
	err  error
}

// benchRecords generates the synthetic records once per process, outside
// any timed loop, and hands them over as a host importing a CSV export
// would have them (see viaCSV).
func benchRecords(b *testing.B, n int) []identity.Record {
	benchData.once.Do(func() {
		d, err := synth.Generate(synth.Config{Customers: n, Orders: 1, Events: 1, Tickets: 1, Feedback: 1, Seed: 42})
		if err != nil {
			benchData.err = err
			return
		}
		rows, err := viaCSV(d.Records)
		if err != nil {
			benchData.err = err
			return
		}
		for _, x := range rows {
			benchData.recs = append(benchData.recs, fromSynth(x))
		}
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.recs
}

// BenchmarkResolve ingests 1,000,000 synthetic records one by one through
// the Resolver into a fresh memstore: cleaning, tokenising (SHA-256),
// component load, resolution and the atomic write, on one goroutine.
func BenchmarkResolve(b *testing.B) {
	benchIngest(b, func(ctx context.Context, r *identity.Resolver, recs []identity.Record) {
		for _, x := range recs {
			if _, err := r.Ingest(ctx, x); err != nil && !isNoID(err) {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkResolveImport imports the same records with one IngestBatch
// call: resolution in memory, chunked bulk writes, and the records the
// batch sends through Ingest's general path.
func BenchmarkResolveImport(b *testing.B) {
	benchIngest(b, func(ctx context.Context, r *identity.Resolver, recs []identity.Record) {
		var failed error
		if err := r.IngestBatch(ctx, recs, func(_ int, _ identity.Result, err error) {
			if err != nil && !isNoID(err) && failed == nil {
				failed = err
			}
		}); err != nil {
			b.Fatal(err)
		}
		if failed != nil {
			b.Fatal(failed)
		}
	})
}

// benchIngest times ingest of the benchmark records into a fresh memstore
// and reports records per second and per CPU second.
func benchIngest(b *testing.B, ingest func(context.Context, *identity.Resolver, []identity.Record)) {
	recs := benchRecords(b, benchN)
	b.ReportAllocs()
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		c0 := cpuTime()
		ingest(ctx, identity.NewResolver(memstore.New(), nil), recs)
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(recs))*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

// BenchmarkResolveBatch partitions the same records with the pure Resolve
// function (records already cleaned and tokenised outside the loop).
func BenchmarkResolveBatch(b *testing.B) {
	recs := benchRecords(b, benchN)
	r := identity.NewResolver(memstore.New(), nil)
	ns := nodes(b, r, recs)
	b.ReportAllocs()
	for b.Loop() {
		identity.Resolve(ns, r.Rules(), nil, false)
	}
	b.ReportMetric(float64(len(ns))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPrepare only cleans and tokenises the same records (no store,
// no resolution): the floor under BenchmarkResolve.
func BenchmarkPrepare(b *testing.B) {
	recs := benchRecords(b, benchN)
	r := identity.NewResolver(memstore.New(), nil)
	ctx := context.Background()
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		c0 := cpuTime()
		for _, x := range recs {
			if _, _, _, err := r.Prepare(ctx, x); err != nil && !isNoID(err) {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(recs))*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

// benchN is the benchmark corpus size: 1,000,000 unless IDENTITY_BENCH_N
// says otherwise (for quick profiling).
var benchN = func() int {
	if n, err := strconv.Atoi(os.Getenv("IDENTITY_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}()

// viaCSV writes the records' identifying columns as CSV and reads them
// back with encoding/csv, as `cimkit resolve` and a host's importer do: the
// values of each row then share one string, allocated row after row. (The
// generator's own strings are scattered over its working memory, so every
// value of every record would be a separate cache miss, which no importer
// sees.)
func viaCSV(recs []synth.Record) ([]synth.Record, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, x := range recs {
		if err := w.Write([]string{x.ID, x.Channel, x.Phone, x.Device, x.Email, x.MemberID, x.Name}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	rd := csv.NewReader(&buf)
	out := make([]synth.Record, 0, len(recs))
	for _, x := range recs {
		f, err := rd.Read()
		if err != nil {
			return nil, err
		}
		out = append(out, synth.Record{ID: f[0], Channel: f[1], Phone: f[2], Device: f[3], Email: f[4], MemberID: f[5], Name: f[6], RegisteredAt: x.RegisteredAt})
	}
	return out, nil
}
