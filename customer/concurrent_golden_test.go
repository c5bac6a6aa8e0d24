package customer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// TestConcurrentIngestProfilesCurrent: after four goroutines ingest
// overlapping people at once, every stored profile is already what
// recomputing it from its records gives (no update lost to a race), and
// every customer with records has a profile.
func TestConcurrentIngestProfilesCurrent(t *testing.T) {
	ctx := context.Background()
	names := []string{"张三", "李四", "王五"}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 31))
		var srcs []customer.SourceRecord
		for i := range 32 {
			s := customer.SourceRecord{ID: fmt.Sprintf("s%02d", i), Channel: customer.ChannelApp,
				At: ingestT0.Add(time.Duration(rng.IntN(300)) * time.Hour), Name: names[rng.IntN(len(names))],
				Phone: fmt.Sprintf("1381234000%d", rng.IntN(4))}
			if rng.IntN(2) == 0 {
				s.Device = fmt.Sprintf("dev-%d-abcdef", rng.IntN(3))
			}
			srcs = append(srcs, s)
		}
		svc, _ := newConcurrentService()
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(srcs); i += 4 {
					if _, err := svc.Ingest(ctx, srcs[i]); err != nil && !errors.Is(err, identity.ErrNoIdentifier) {
						t.Errorf("seed %d: ingest %s: %v", seed, srcs[i].ID, err)
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for c, err := range svc.Customers(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Reproject(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			again, err := svc.Get(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			c.Version, c.UpdatedAt, again.Version, again.UpdatedAt = 0, time.Time{}, 0, time.Time{}
			if !reflect.DeepEqual(c, again) {
				t.Fatalf("seed %d: profile %v was stale after concurrent ingest", seed, c.ID)
			}
			recs, err := svc.Resolver().Records(ctx, c.ID)
			if err != nil {
				t.Fatalf("seed %d: profile %v has no records: %v", seed, c.ID, err)
			}
			for _, r := range recs {
				seen[r.ID] = true
			}
		}
		for _, s := range srcs {
			if !seen[s.ID] {
				t.Fatalf("seed %d: record %s belongs to no profile", seed, s.ID)
			}
		}
	}
}

// newConcurrentService is newIngestService with an id generator safe for
// concurrent use.
func newConcurrentService() (*customer.Service, *memstore.Store) {
	st := memstore.New()
	var n atomic.Int64
	return customer.New(st, &customer.Options{
		Now:   func() time.Time { return ingestT0 },
		NewID: func() uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "conc/%d", n.Add(1))) },
	}), st
}
