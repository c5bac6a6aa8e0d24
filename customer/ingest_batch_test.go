package customer_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
)

// TestIngestBatchMatchesIngest: Service.IngestBatch gives the profiles
// (keyed by their customers' records), outcome counts and failures that
// Service.Ingest in a loop gives, over random source records (small and
// large identifier universes, repeated record ids, records without an
// identifier, a bad channel, an iterator error), into an empty store or
// after a prefix ingested one by one; every eighth seed also sealed.
func TestIngestBatchMatchesIngest(t *testing.T) {
	ctx := context.Background()
	names := []string{"张三", "张三丰", "李四", "王五"}
	genders := []string{"男", "女", ""}
	seeds := 120
	if testing.Short() {
		seeds = 30
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 41))
		u := []int{3, 20, 500}[seed%3]
		var srcs []customer.SourceRecord
		for i := range 1 + rng.IntN(60) {
			id := fmt.Sprintf("s%02d", i)
			if rng.IntN(12) == 0 {
				id = fmt.Sprintf("s%02d", rng.IntN(i+1))
			}
			s := customer.SourceRecord{ID: id, Channel: customer.ChannelApp, At: ingestT0.Add(time.Duration(rng.IntN(900)) * time.Hour),
				Name: names[rng.IntN(len(names))], Gender: genders[rng.IntN(len(genders))], BirthDate: []string{"1990-05-17", ""}[rng.IntN(2)]}
			if rng.IntN(4) > 0 {
				s.Phone = fmt.Sprintf("1381234%04d", rng.IntN(u))
			}
			if rng.IntN(2) == 0 {
				s.Device = fmt.Sprintf("dev-%d-abcdef", rng.IntN(u))
			}
			if rng.IntN(3) == 0 {
				s.Email = fmt.Sprintf("u%d@mail.cn", rng.IntN(u))
			}
			if rng.IntN(30) == 0 {
				s.Channel = "teleport" // refused
			}
			srcs = append(srcs, s)
		}
		bad := rng.IntN(len(srcs) + 5) // the iterator fails here (if in range)
		pre := rng.IntN(len(srcs)+1) / 2
		type run struct {
			svc      *customer.Service
			failures []int
			counts   [4]int
		}
		var runs [2]run
		for k := range runs {
			svc, st := newIngestService()
			if seed%8 == 0 {
				svc = customer.New(st, &customer.Options{Now: func() time.Time { return ingestT0 },
					Sealer: customer.VaultSealer(newVault(t, st, t.TempDir()), tenant)})
			}
			r := &runs[k]
			r.svc = svc
			count := func(o identity.Outcome) {
				r.counts[slices.Index([]identity.Outcome{identity.Created, identity.Matched, identity.Merged, identity.Split}, o)]++
			}
			for i, s := range srcs {
				if k == 1 && i >= pre {
					break
				}
				if i == bad {
					r.failures = append(r.failures, i)
					continue
				}
				res, err := svc.Ingest(ctx, s)
				if err != nil {
					r.failures = append(r.failures, i)
					continue
				}
				count(res.Outcome)
			}
			if k == 0 {
				continue
			}
			rest := func(yield func(customer.SourceRecord, error) bool) {
				for i := pre; i < len(srcs); i++ {
					var err error
					if i == bad {
						err = errors.New("line: bad quoting")
					}
					if !yield(srcs[i], err) {
						return
					}
				}
			}
			done := 0
			rep, err := svc.IngestBatch(ctx, iter.Seq2[customer.SourceRecord, error](rest), func(n int) { done = n })
			if err != nil {
				t.Fatal(err)
			}
			if rep.Records != len(srcs)-pre || done != rep.Records {
				t.Fatalf("seed %d: %d records reported, progress %d, want %d", seed, rep.Records, done, len(srcs)-pre)
			}
			for _, f := range rep.Failures {
				if f.Record.ID != srcs[pre+f.Index].ID || f.RecordID != f.Record.ID {
					t.Fatalf("seed %d: failure %d names another record", seed, f.Index)
				}
				r.failures = append(r.failures, pre+f.Index)
			}
			r.counts[0] += rep.Created
			r.counts[1] += rep.Matched
			r.counts[2] += rep.Merged
			r.counts[3] += rep.Split
		}
		if !slices.Equal(runs[0].failures, runs[1].failures) {
			t.Fatalf("seed %d: failures %v, want %v", seed, runs[1].failures, runs[0].failures)
		}
		if runs[0].counts != runs[1].counts {
			t.Fatalf("seed %d: outcomes %v, want %v", seed, runs[1].counts, runs[0].counts)
		}
		compareViews(t, seed, profilesByRecords(t, runs[0].svc), profilesByRecords(t, runs[1].svc))
	}
}

// TestIngestBatchNoResolver: over a store without identity, every record
// is a failure wrapping ErrNoResolver, as with Ingest; nothing panics.
func TestIngestBatchNoResolver(t *testing.T) {
	_, st := newIngestService()
	svc := customer.New(struct{ customer.Store }{st}, nil)
	rep, err := svc.IngestBatch(context.Background(), func(yield func(customer.SourceRecord, error) bool) {
		for _, id := range []string{"a", "b"} {
			if !yield(customer.SourceRecord{ID: id, Channel: customer.ChannelApp, Phone: "13812345678"}, nil) {
				return
			}
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 2 || len(rep.Failures) != 2 || !errors.Is(rep.Failures[0].Err, customer.ErrNoResolver) || rep.Failures[1].Index != 1 {
		t.Fatalf("report %+v", rep)
	}
}
