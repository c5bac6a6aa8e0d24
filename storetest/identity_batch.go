package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// BatchRecord draws an identity record from pools of u values per kind
// (phone, sometimes written +86 with dashes, device, email, one or two
// member ids, a name, now and then an unusable phone): with a small u
// conflicts are everywhere, with a large u most records link to few
// others.
func BatchRecord(rng *rand.Rand, id string, u int) identity.Record {
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

// RunIngestBatch checks Resolver.IngestBatch over stores from newStore
// against Ingest in a loop over other stores from newStore, seeds random
// batches of up to 120 BatchRecords (every universe size, some stores
// pre-filled, record ids repeated in the batch or replacing stored ones,
// chunks of 1 to BatchChunk records): record by record the same outcome,
// customer (up to renaming), Via, skipped identifiers, flags, error and
// events (up to renaming), each record reported once, and the same stored
// partition.
func RunIngestBatch(t *testing.T, newStore func(t *testing.T) identity.Store, seeds int) {
	for seed := range uint64(seeds) {
		if !t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			u := []int{2, 3, 6, 20, 100, 300, 1000}[seed%7]
			n := 1 + rng.IntN(120)
			var pre, recs []identity.Record
			for i := range rng.IntN(3) * rng.IntN(30) {
				pre = append(pre, BatchRecord(rng, fmt.Sprint("p", i), u))
			}
			for i := range n {
				id := fmt.Sprint("r", i)
				if rng.IntN(15) == 0 {
					id = fmt.Sprint("r", rng.IntN(i+1)) // repeated in the batch
				}
				if len(pre) > 0 && rng.IntN(20) == 0 {
					id = pre[rng.IntN(len(pre))].ID // replaces a stored record
				}
				recs = append(recs, BatchRecord(rng, id, u))
			}
			chunk := []int{1, 2, 7, 30, identity.BatchChunk}[rng.IntN(5)]
			CheckIngestBatch(t, newStore(t), newStore(t), pre, recs, chunk)
		}) {
			return
		}
	}
}

// CheckIngestBatch ingests pre into both stores one by one, then recs into
// seqStore with Ingest in a loop and into batStore with one IngestBatch
// (chunks of chunk records), and compares as RunIngestBatch says.
func CheckIngestBatch(t *testing.T, seqStore, batStore identity.Store, pre, recs []identity.Record, chunk int) {
	t.Helper()
	ctx := context.Background()
	seq := identity.NewResolver(seqStore, nil)
	bat := identity.NewResolver(batStore, &identity.Options{BatchChunk: chunk})
	for _, x := range pre {
		_, err1 := seq.Ingest(ctx, x)
		_, err2 := bat.Ingest(ctx, x)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("pre-fill differs: %v, %v", err1, err2)
		}
	}
	type outcome struct {
		res identity.Result
		err error
	}
	want := make([]outcome, len(recs))
	for i, x := range recs {
		res, err := seq.Ingest(ctx, x)
		want[i] = outcome{res, err}
	}
	got := make([]outcome, len(recs))
	calls := make([]int, len(recs))
	if err := bat.IngestBatch(ctx, recs, func(i int, res identity.Result, err error) {
		calls[i]++
		got[i] = outcome{res, err}
	}); err != nil {
		t.Fatal(err)
	}
	ren := renaming{}
	for i := range recs {
		if calls[i] != 1 {
			t.Fatalf("record %d: reported %d times", i, calls[i])
		}
		w, g := want[i], got[i]
		if fmt.Sprint(w.err) != fmt.Sprint(g.err) || errors.Is(w.err, identity.ErrNoIdentifier) != errors.Is(g.err, identity.ErrNoIdentifier) {
			t.Fatalf("record %d: error %v, want %v", i, g.err, w.err)
		}
		if w.res.Outcome != g.res.Outcome || !slices.Equal(w.res.Via, g.res.Via) || w.res.Flags != g.res.Flags ||
			fmt.Sprint(w.res.Skipped) != fmt.Sprint(g.res.Skipped) {
			t.Fatalf("record %d: %+v, want %+v", i, g.res, w.res)
		}
		if !ren.same(w.res.CustomerID, g.res.CustomerID) || !ren.sameSet(w.res.Changed, g.res.Changed) || !ren.sameSet(w.res.Removed, g.res.Removed) {
			t.Fatalf("record %d: customers differ: %+v, want %+v", i, g.res, w.res)
		}
		// (Events come in customer id order, which differs.)
		if a, b := eventShapes(w.res.Events), eventShapes(g.res.Events); a != b {
			t.Fatalf("record %d: events\n%s\nwant\n%s", i, b, a)
		}
	}
	var ids []string
	for _, x := range slices.Concat(pre, recs) {
		ids = append(ids, x.ID)
	}
	if a, b := StoredPartition(t, seqStore, ids), StoredPartition(t, batStore, ids); a != b {
		t.Fatalf("stored partition\n%s\nwant\n%s", b, a)
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

// eventShapes renders events without ids (kind, record, the record sets
// before and after, how many reasons), sorted.
func eventShapes(es []identity.Event) string {
	sets := func(es []identity.CustomerEntry) string {
		var out []string
		for _, c := range es {
			out = append(out, strings.Join(c.Records, "+"))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s [%s] -> [%s] %d", e.Kind, e.Record, sets(e.Before), sets(e.After), len(e.Reasons)))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// StoredPartition reads the customers of the records with the given ids
// and renders them with PartitionString.
func StoredPartition(t testing.TB, st identity.Store, ids []string) string {
	t.Helper()
	recs, err := st.IdentityRecords(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	by := map[uuid.UUID][]string{}
	for _, r := range recs {
		by[r.CustomerID] = append(by[r.CustomerID], r.ID)
	}
	var cs [][]string
	for _, c := range by {
		cs = append(cs, c)
	}
	return PartitionString(cs)
}
