package identity_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/cputime"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
	"github.com/google/uuid"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// seqIDs returns a deterministic id generator, safe for concurrent use.
func seqIDs(prefix string) func() uuid.UUID {
	var n atomic.Int64
	return func() uuid.UUID {
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", prefix, n.Add(1)))
	}
}

func newResolver(t testing.TB) (*identity.Resolver, *memstore.Store) {
	st := memstore.New()
	return identity.NewResolver(st, &identity.Options{NewID: seqIDs(t.Name()), Now: func() time.Time { return t0 }}), st
}

// fromSynth turns a synthetic record into an identity record.
func fromSynth(r synth.Record) identity.Record {
	rec := identity.Record{ID: r.ID, Channel: r.Channel, At: r.RegisteredAt, Fields: map[string]string{}}
	add := func(k identity.Kind, v string) {
		if v != "" {
			rec.Identifiers = append(rec.Identifiers, identity.Identifier{Kind: k, Value: v})
		}
	}
	add(identity.KindPhone, r.Phone)
	add(identity.KindDevice, r.Device)
	add(identity.KindEmail, r.Email)
	add(identity.KindMemberID, r.MemberID)
	add(identity.KindName, r.Name)
	if r.Name != "" {
		rec.Fields["name"] = r.Name
	}
	return rec
}

func rec(id string, at time.Time, kv ...string) identity.Record {
	r := identity.Record{ID: id, Channel: "app", At: at}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.Kind(kv[i]), Value: kv[i+1]})
	}
	return r
}

// nodes prepares records into Resolve input.
func nodes(t testing.TB, rs *identity.Resolver, recs []identity.Record) []identity.Node {
	var out []identity.Node
	for _, r := range recs {
		sr, _, _, err := rs.Prepare(context.Background(), r)
		if err != nil {
			continue
		}
		out = append(out, identity.Node{ID: sr.ID, At: sr.At, Keys: slices.Concat(sr.Keys, sr.Evidence)})
	}
	return out
}

// clusters renders a partition canonically.
func clusters(cs [][]string) string { return storetest.PartitionString(cs) }

// storedPartition reads the customers of the given records from the store.
func storedPartition(t testing.TB, st identity.Store, ids []string) string {
	return storetest.StoredPartition(t, st, ids)
}

func isNoID(err error) bool { return errors.Is(err, identity.ErrNoIdentifier) }

func memstoreNew() *memstore.Store { return memstore.New() }

// tinyRecord draws a record from storetest's tiny identifier universe.
func tinyRecord(rng *rand.Rand, id string) identity.Record { return storetest.TinyRecord(rng, id) }

// fastSlowAgree ingests recs, in order, through a Resolver with the
// matched-record fast path and one without: every ingest must give the
// same customer and outcome, and both final partitions must equal batch
// Resolve.
func fastSlowAgree(t *testing.T, seed uint64, recs []identity.Record) {
	t.Helper()
	var ids []string
	for _, x := range recs {
		ids = append(ids, x.ID)
	}
	fast, stFast := newResolver(t)
	slow, stSlow := newResolver(t)
	identity.SetFastMatch(slow, false)
	for _, x := range recs {
		a, errA := fast.Ingest(ctx, x)
		b, errB := slow.Ingest(ctx, x)
		if (errA == nil) != (errB == nil) || a.CustomerID != b.CustomerID || a.Outcome != b.Outcome || a.Summary() != b.Summary() {
			t.Fatalf("seed %d record %s: fast %v %s %v, slow %v %s %v", seed, x.ID, a.CustomerID, a.Summary(), errA, b.CustomerID, b.Summary(), errB)
		}
	}
	want := clusters(identity.Resolve(nodes(t, fast, recs), fast.Rules(), nil, false).Clusters)
	if got := storedPartition(t, stFast, ids); got != want {
		t.Fatalf("seed %d: fast-path partition differs from batch:\n got %s\nwant %s", seed, got, want)
	}
	if got := storedPartition(t, stSlow, ids); got != want {
		t.Fatalf("seed %d: slow-path partition differs from batch", seed)
	}
}

// cpuTime is the process's CPU time so far (0 where unknown).
func cpuTime() time.Duration { d, _ := cputime.Process(); return d }
