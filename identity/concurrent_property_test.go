package identity_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/identity"
)

// TestConcurrentIngestPartition: tiny-universe records ingested by four
// goroutines at once (each record once, some twice) end in the partition
// batch Resolve gives: optimistic retries and the fast paths keep the
// result a function of the records, not of the interleaving.
func TestConcurrentIngestPartition(t *testing.T) {
	seeds := 150
	if raceEnabled {
		seeds = 25
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 29))
		var recs []identity.Record
		var ids []string
		for i := range 24 {
			recs = append(recs, tinyRecord(rng, fmt.Sprintf("r%02d", i)))
			ids = append(ids, recs[i].ID)
		}
		r, st := newResolver(t)
		var wg sync.WaitGroup
		errs := make(chan error, len(recs)*2)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(recs); i += 4 {
					for range 1 + i%3/2 { // every third record twice
						if _, err := r.Ingest(ctx, recs[i]); err != nil && !isNoID(err) {
							errs <- err
						}
					}
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
			t.Fatalf("seed %d: concurrent ingest gives\n %s\nbatch Resolve\n %s", seed, got, want)
		}
	}
}
