package identity_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
)

// TestIngestBatchMatchesIngest: storetest.RunIngestBatch over memstore,
// checking that the bulk path carries a good part of the records.
func TestIngestBatchMatchesIngest(t *testing.T) {
	seeds := 200
	if testing.Short() || raceEnabled {
		seeds = 40
	}
	bulk := 0
	identity.OnBulkWrite(func(n int) { bulk += n })
	defer identity.OnBulkWrite(nil)
	storetest.RunIngestBatch(t, func(*testing.T) identity.Store { return memstore.New() }, seeds)
	t.Logf("%d records written in bulk", bulk)
	if bulk < 5*seeds {
		t.Fatalf("only %d records written in bulk: the test hardly exercises the bulk path", bulk)
	}
}

// TestIngestBatchNoConflictOnFreshStore: with nothing stored and no other
// writer, no chunk's write is refused (each expects exactly the versions
// its earlier chunks left), whatever the chunk size; and the outcome is
// Ingest's.
func TestIngestBatchNoConflictOnFreshStore(t *testing.T) {
	refused := 0
	identity.OnBulkRefused(func(error) { refused++ })
	defer identity.OnBulkRefused(nil)
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 11))
		var recs []identity.Record
		for i := range 150 {
			recs = append(recs, storetest.BatchRecord(rng, fmt.Sprint("r", i), []int{5, 40, 400}[seed%3]))
		}
		storetest.CheckIngestBatch(t, memstore.New(), memstore.New(), nil, recs, []int{1, 3, 16, 64}[seed%4])
		if refused > 0 {
			t.Fatalf("seed %d: %d chunk writes refused", seed, refused)
		}
	}
}

// TestIngestBatchHashCollisions: with the batch's hashes cut to 3 bits,
// keys and ids of different values share hashes everywhere; grouping must
// still go by the values (IngestBatch still gives Ingest's outcomes).
func TestIngestBatchHashCollisions(t *testing.T) {
	identity.SetBatchHashCollisions(true)
	defer identity.SetBatchHashCollisions(false)
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 13))
		var recs []identity.Record
		for i := range 100 {
			id := fmt.Sprint("r", i)
			if rng.IntN(10) == 0 {
				id = fmt.Sprint("r", rng.IntN(i+1))
			}
			recs = append(recs, storetest.BatchRecord(rng, id, []int{4, 30, 300}[seed%3]))
		}
		storetest.CheckIngestBatch(t, memstore.New(), memstore.New(), nil, recs, 16)
	}
}

// TestIngestBatchCancelled: a cancelled batch reports every record once.
func TestIngestBatchCancelled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []identity.Record
	for i := range 3000 {
		recs = append(recs, storetest.BatchRecord(rng, fmt.Sprint("r", i), 500))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := make([]int, len(recs))
	err := identity.NewResolver(memstore.New(), nil).IngestBatch(ctx, recs, func(i int, _ identity.Result, err error) {
		calls[i]++
		if err == nil {
			t.Errorf("record %d: no error", i)
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	for i, c := range calls {
		if c != 1 {
			t.Fatalf("record %d reported %d times", i, c)
		}
	}
}

// TestIngestBatchConcurrent: four goroutines import overlapping batches of
// the same records at once, in chunks of a few records (so components span
// chunks and writers meet on customers and tokens); the stored partition
// is the one batch Resolve gives for all the records.
func TestIngestBatchConcurrent(t *testing.T) {
	seeds := 60
	if raceEnabled {
		seeds = 12
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 31))
		u := []int{3, 10, 50}[seed%3]
		var recs []identity.Record
		var ids []string
		for i := range 80 {
			recs = append(recs, storetest.BatchRecord(rng, fmt.Sprintf("r%02d", i), u))
			ids = append(ids, recs[i].ID)
		}
		st := memstore.New()
		r := identity.NewResolver(st, &identity.Options{BatchChunk: 3})
		var wg sync.WaitGroup
		errs := make(chan error, 4*len(recs))
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each goroutine takes a different, overlapping slice.
				part := recs[w*len(recs)/6 : min(len(recs), (w+3)*len(recs)/6)]
				if err := r.IngestBatch(ctx, part, func(_ int, _ identity.Result, err error) {
					if err != nil && !isNoID(err) {
						errs <- err
					}
				}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("seed %d: %v", seed, err)
		}
		want := clusters(identity.Resolve(nodes(t, r, recs), r.Rules(), nil, false).Clusters)
		if got := storedPartition(t, st, ids); got != want {
			t.Fatalf("seed %d: concurrent batches give\n %s\nbatch Resolve\n %s", seed, got, want)
		}
	}
}

// TestIngestBatchErasedIdentifier: after an erasure, a batch holding a
// record with the erased phone among new ones reports that record with
// ErrErased (as Ingest does) and ingests the others.
func TestIngestBatchErasedIdentifier(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := identity.NewResolver(memstore.New(), &identity.Options{Now: func() time.Time { return at }})
	res, err := r.Ingest(ctx, identity.Record{ID: "old", At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: "13812345678"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.EraseIdentity(ctx, res.CustomerID, at); err != nil {
		t.Fatal(err)
	}
	var recs []identity.Record
	for i := range 20 {
		recs = append(recs, identity.Record{ID: fmt.Sprint("n", i), At: at, Identifiers: []identity.Identifier{{Kind: identity.KindPhone, Value: fmt.Sprintf("1391234%04d", i)}}})
	}
	recs[7].Identifiers = append(recs[7].Identifiers, identity.Identifier{Kind: identity.KindPhone, Value: "+86 138 1234 5678"})
	errs := make([]error, len(recs))
	if err := r.IngestBatch(ctx, recs, func(i int, _ identity.Result, err error) { errs[i] = err }); err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if (i == 7) != errors.Is(err, identity.ErrErased) || i != 7 && err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// failingApply is a store whose bulk writes (changes of several records)
// fail with a storage error.
type failingApply struct{ *memstore.Store }

var errDisk = errors.New("disk full")

func (s failingApply) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if len(c.Records) > 1 {
		return errDisk
	}
	return s.Store.ApplyIdentity(ctx, c)
}

// TestIngestBatchStoreFailure: when a chunk's write fails with a storage
// error, its records are reported with it (each once, nothing dropped
// silently), the batch goes on, and later records of the same customers
// are ingested one by one.
func TestIngestBatchStoreFailure(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []identity.Record
	for i := range 200 {
		recs = append(recs, storetest.BatchRecord(rng, fmt.Sprint("r", i), 60))
	}
	r := identity.NewResolver(failingApply{memstore.New()}, &identity.Options{BatchChunk: 50})
	calls := make([]int, len(recs))
	failed, ok := 0, 0
	if err := r.IngestBatch(ctx, recs, func(i int, _ identity.Result, err error) {
		calls[i]++
		switch {
		case errors.Is(err, errDisk):
			failed++
		case err == nil:
			ok++
		case !isNoID(err):
			t.Errorf("record %d: %v", i, err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	for i, c := range calls {
		if c != 1 {
			t.Fatalf("record %d reported %d times", i, c)
		}
	}
	if failed == 0 || ok == 0 {
		t.Fatalf("%d failed, %d ingested: want both", failed, ok)
	}
}

// TestIngestBatchViaManyKinds: with more kinds than the batch's held-kind
// mask counts (rules past 16 are looked up by map), matched records still
// report Ingest's Via, in priority order.
func TestIngestBatchViaManyKinds(t *testing.T) {
	for _, extra := range []int{0, 20} {
		rules := identity.DefaultRules()
		for k := range extra {
			rules = append(rules, identity.Rule{Kind: identity.Kind(fmt.Sprint("host", k)), Priority: 60 + k%3, Canon: identity.CanonTrim})
		}
		rs, err := identity.NewRules(rules)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var recs []identity.Record
		for i := range 60 {
			r := identity.Record{ID: fmt.Sprint("r", i), At: at.Add(time.Duration(i) * time.Hour)}
			p := i / 3
			r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.KindEmail, Value: fmt.Sprintf("buyer%d@mail163.cn", p)})
			if i%2 == 0 {
				r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.KindMemberID, Value: fmt.Sprint("M", p)})
			}
			if extra > 0 {
				r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.Kind(fmt.Sprint("host", i%extra)), Value: fmt.Sprint("h", p)})
			}
			recs = append(recs, r)
		}
		seq := identity.NewResolver(memstore.New(), &identity.Options{Rules: rs})
		bat := identity.NewResolver(memstore.New(), &identity.Options{Rules: rs})
		want := make([]identity.Result, len(recs))
		for i, x := range recs {
			if want[i], err = seq.Ingest(context.Background(), x); err != nil {
				t.Fatal(err)
			}
		}
		matched := 0
		if err := bat.IngestBatch(context.Background(), recs, func(i int, res identity.Result, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != want[i].Outcome || fmt.Sprint(res.Via) != fmt.Sprint(want[i].Via) {
				t.Errorf("extra %d, record %d: %v via %v, want %v via %v", extra, i, res.Outcome, res.Via, want[i].Outcome, want[i].Via)
			}
			if res.Outcome == identity.Matched {
				matched++
			}
		}); err != nil {
			t.Fatal(err)
		}
		if matched < 30 {
			t.Fatalf("extra %d: only %d records matched", extra, matched)
		}
	}
}
