package identity_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// batchRecord draws a record from pools of u values per kind (small u:
// conflicts everywhere; large u: mostly clean groups the batch path
// writes in bulk).
func batchRecord(rng *rand.Rand, id string, u int) identity.Record {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := identity.Record{ID: id, Channel: []string{"app", "pos"}[rng.IntN(2)], At: base.Add(time.Duration(rng.IntN(600*24)) * time.Hour),
		Fields: map[string]string{"name": fmt.Sprint("n", rng.IntN(3))}}
	add := func(k identity.Kind, v string) {
		r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: k, Value: v})
	}
	if rng.IntN(6) > 0 {
		p := fmt.Sprintf("1381234%04d", rng.IntN(u))
		if rng.IntN(3) == 0 {
			p = "+86 " + p[:3] + "-" + p[3:7] + "-" + p[7:]
		}
		add(identity.KindPhone, p)
	}
	if rng.IntN(2) == 0 {
		add(identity.KindDevice, fmt.Sprintf("dev-%d-abcdef", rng.IntN(u)))
	}
	if rng.IntN(3) == 0 {
		add(identity.KindEmail, fmt.Sprintf("u%d@mail.cn", rng.IntN(u)))
	}
	for range 1 + rng.IntN(2) {
		if rng.IntN(4) == 0 {
			add(identity.KindMemberID, fmt.Sprintf("M%d", rng.IntN(u)))
		}
	}
	if rng.IntN(2) == 0 {
		add(identity.KindName, []string{"张三", "李四", "王五"}[rng.IntN(3)])
	}
	if rng.IntN(40) == 0 {
		add(identity.KindPhone, "000") // unusable
	}
	return r
}

type outcome struct {
	cust uuid.UUID
	res  identity.Result
	err  error
}

// TestIngestBatchMatchesIngest: IngestBatch gives, record by record, what
// Ingest in a loop gives (outcome, customer up to renaming, Via, skipped
// identifiers, flags, errors, events up to renaming), and the same stored
// partition, over random batches into empty and pre-filled stores, with
// repeated record ids, unusable records and every universe size.
func TestIngestBatchMatchesIngest(t *testing.T) {
	seeds := 200
	if testing.Short() || raceEnabled {
		seeds = 40
	}
	ctx := context.Background()
	fast, bulk, total := 0, 0, 0
	identity.OnBulkWrite(func(n int) { bulk += n })
	defer identity.OnBulkWrite(nil)
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 7))
		u := []int{2, 3, 6, 20, 100, 300, 1000}[seed%7]
		n := 1 + rng.IntN(120)
		total += n
		var pre, recs []identity.Record
		for i := range rng.IntN(3) * rng.IntN(30) {
			pre = append(pre, batchRecord(rng, fmt.Sprint("p", i), u))
		}
		for i := range n {
			id := fmt.Sprint("r", i)
			if rng.IntN(15) == 0 {
				id = fmt.Sprint("r", rng.IntN(i+1)) // repeated in the batch
			}
			if len(pre) > 0 && rng.IntN(20) == 0 {
				id = pre[rng.IntN(len(pre))].ID // replaces a stored record
			}
			recs = append(recs, batchRecord(rng, id, u))
		}
		seqStore, batStore := memstore.New(), memstore.New()
		seq := identity.NewResolver(seqStore, nil)
		bat := identity.NewResolver(batStore, nil)
		for _, x := range pre {
			_, err1 := seq.Ingest(ctx, x)
			_, err2 := bat.Ingest(ctx, x)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("seed %d: pre-fill differs", seed)
			}
		}
		want := make([]outcome, len(recs))
		for i, x := range recs {
			res, err := seq.Ingest(ctx, x)
			want[i] = outcome{res.CustomerID, res, err}
		}
		restore := identity.SetBatchChunk([]int{1, 2, 7, 30, identity.BatchChunk}[rng.IntN(5)])
		refused := 0
		identity.OnBulkRefused(func(error) { refused++ })
		got := make([]outcome, len(recs))
		calls := make([]int, len(recs))
		if err := bat.IngestBatch(ctx, recs, func(i int, res identity.Result, err error) {
			calls[i]++
			got[i] = outcome{res.CustomerID, res, err}
		}); err != nil {
			t.Fatal(err)
		}
		restore()
		identity.OnBulkRefused(nil)
		if len(pre) == 0 && refused > 0 {
			// Nothing stored, no other writer: every chunk's expected
			// versions must be right the first time.
			t.Fatalf("seed %d: %d chunk writes refused", seed, refused)
		}
		ren := renaming{}
		for i := range recs {
			if calls[i] != 1 {
				t.Fatalf("seed %d record %d: reported %d times", seed, i, calls[i])
			}
			w, g := want[i], got[i]
			if fmt.Sprint(w.err) != fmt.Sprint(g.err) || errors.Is(w.err, identity.ErrNoIdentifier) != errors.Is(g.err, identity.ErrNoIdentifier) {
				t.Fatalf("seed %d record %d: error %v, want %v", seed, i, g.err, w.err)
			}
			if w.res.Outcome != g.res.Outcome || !slices.Equal(w.res.Via, g.res.Via) || w.res.Flags != g.res.Flags ||
				fmt.Sprint(w.res.Skipped) != fmt.Sprint(g.res.Skipped) {
				t.Fatalf("seed %d record %d: %+v, want %+v", seed, i, g.res, w.res)
			}
			if !ren.same(w.cust, g.cust) || len(w.res.Changed) != len(g.res.Changed) || len(w.res.Removed) != len(g.res.Removed) {
				t.Fatalf("seed %d record %d: customers differ: %+v, want %+v", seed, i, g.res, w.res)
			}
			if !ren.sameSet(w.res.Changed, g.res.Changed) || !ren.sameSet(w.res.Removed, g.res.Removed) {
				t.Fatalf("seed %d record %d: changed customers differ: %+v, want %+v", seed, i, g.res, w.res)
			}
			if len(w.res.Events) != len(g.res.Events) {
				t.Fatalf("seed %d record %d: %d events, want %d", seed, i, len(g.res.Events), len(w.res.Events))
			}
			// (Events come in customer id order, which differs.)
			if a, b := eventShapes(w.res.Events), eventShapes(g.res.Events); a != b {
				t.Fatalf("seed %d record %d: events\n%s\nwant\n%s", seed, i, b, a)
			}
			if w.err == nil && len(w.res.Events) == 0 && (w.res.Outcome == identity.Created || w.res.Outcome == identity.Matched) {
				fast++
			}
		}
		var ids []string
		for _, x := range slices.Concat(pre, recs) {
			ids = append(ids, x.ID)
		}
		if a, b := storedPartition(t, seqStore, ids), storedPartition(t, batStore, ids); a != b {
			t.Fatalf("seed %d: stored partition\n%s\nwant\n%s", seed, b, a)
		}
	}
	t.Logf("%d records, %d took Ingest's fast paths, %d were written in bulk", total, fast, bulk)
	if bulk < total/4 {
		t.Fatalf("only %d of %d records written in bulk: the test hardly exercises it", bulk, total)
	}
}

// renaming pairs customer ids of two runs one to one.
type renaming map[uuid.UUID]uuid.UUID

func (r renaming) same(a, b uuid.UUID) bool {
	if a == uuid.Nil || b == uuid.Nil {
		return a == b
	}
	if x, ok := r[a]; ok {
		return x == b
	}
	for _, y := range r {
		if y == b {
			return false
		}
	}
	r[a] = b
	return true
}

// sameSet reports whether b is a up to the renaming (in any order),
// pairing ids seen for the first time when that is unambiguous.
func (r renaming) sameSet(a, b []uuid.UUID) bool {
	if len(a) != len(b) {
		return false
	}
	var newA []uuid.UUID
	left := slices.Clone(b)
	for _, x := range a {
		y, ok := r[x]
		if !ok {
			newA = append(newA, x)
			continue
		}
		i := slices.Index(left, y)
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	if len(newA) == 1 {
		return r.same(newA[0], left[0])
	}
	return len(newA) == len(left)
}

// eventShape is an event without ids: kind, record, and the record sets
// before and after.
func eventShape(e identity.Event) string {
	sets := func(es []identity.CustomerEntry) string {
		var out []string
		for _, c := range es {
			out = append(out, strings.Join(c.Records, "+"))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	return fmt.Sprintf("%s %s [%s] -> [%s] %d", e.Kind, e.Record, sets(e.Before), sets(e.After), len(e.Reasons))
}

func eventShapes(es []identity.Event) string {
	var out []string
	for _, e := range es {
		out = append(out, eventShape(e))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestIngestBatchCancelled: a cancelled batch reports every record once.
func TestIngestBatchCancelled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []identity.Record
	for i := range 3000 {
		recs = append(recs, batchRecord(rng, fmt.Sprint("r", i), 500))
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
	defer identity.SetBatchChunk(3)()
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 31))
		u := []int{3, 10, 50}[seed%3]
		var recs []identity.Record
		var ids []string
		for i := range 80 {
			recs = append(recs, batchRecord(rng, fmt.Sprintf("r%02d", i), u))
			ids = append(ids, recs[i].ID)
		}
		st := memstore.New()
		r := identity.NewResolver(st, nil)
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
