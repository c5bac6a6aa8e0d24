package memstore_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
)

// BenchmarkIdentityImportApply replays into a fresh store the changes
// that identity.IngestBatch wrote when it imported the synthetic records
// of identity's BenchmarkResolveImport (the same generator and seed):
// only ApplyIdentity is timed. MEMSTORE_BENCH_N sets the record count
// (200,000). Records per CPU second count only the replay's CPU time.
func BenchmarkIdentityImportApply(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("MEMSTORE_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	changes, records := importChanges(b, n)
	b.ReportAllocs()
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		// A collection of the large heap (the changes) would land in
		// one iteration or another: it is done before each, untimed.
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		st := memstore.New()
		c0 := cpuTime()
		for _, c := range changes {
			if err := st.ApplyIdentity(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(records)*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

// recordingStore keeps a copy of every change written through it.
type recordingStore struct {
	*memstore.Store
	changes []identity.Change
	records int
}

func (s *recordingStore) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if err := s.Store.ApplyIdentity(ctx, c); err != nil {
		return err
	}
	// The resolver reuses a change's slices: keep copies.
	c.ExpectTokens, c.ExpectCustomers = slices.Clone(c.ExpectTokens), slices.Clone(c.ExpectCustomers)
	c.ExpectAbsent, c.Records = slices.Clone(c.ExpectAbsent), slices.Clone(c.Records)
	c.Constraints, c.DeleteConstraints, c.Events = slices.Clone(c.Constraints), slices.Clone(c.DeleteConstraints), slices.Clone(c.Events)
	s.changes = append(s.changes, c)
	s.records += len(c.Records)
	return nil
}

// importChanges imports n synthetic customers' records with IngestBatch
// and returns the changes it wrote and the records they hold.
func importChanges(b *testing.B, n int) ([]identity.Change, int) {
	d, err := synth.Generate(synth.Config{Customers: n, Orders: 1, Events: 1, Tickets: 1, Feedback: 1, Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]identity.Record, 0, len(d.Records))
	for _, x := range d.Records {
		rec := identity.Record{ID: x.ID, Channel: x.Channel, At: x.RegisteredAt, Fields: map[string]string{}}
		for _, id := range []identity.Identifier{{Kind: identity.KindPhone, Value: x.Phone}, {Kind: identity.KindDevice, Value: x.Device},
			{Kind: identity.KindEmail, Value: x.Email}, {Kind: identity.KindMemberID, Value: x.MemberID}, {Kind: identity.KindName, Value: x.Name}} {
			if id.Value != "" {
				rec.Identifiers = append(rec.Identifiers, id)
			}
		}
		if x.Name != "" {
			rec.Fields["name"] = x.Name
		}
		recs = append(recs, rec)
	}
	rs := &recordingStore{Store: memstore.New()}
	r := identity.NewResolver(rs, nil)
	if err := r.IngestBatch(context.Background(), recs, func(_ int, _ identity.Result, err error) {
		if err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
			b.Fatal(err)
		}
	}); err != nil {
		b.Fatal(err)
	}
	return rs.changes, rs.records
}
