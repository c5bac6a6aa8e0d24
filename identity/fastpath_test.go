package identity_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
)

// TestFastPathSmallUniverse drives the fast paths into the corners the
// synthetic corpus rarely reaches: records drawn from a handful of phones,
// devices, member ids and names, hours to a year apart, so unique-kind
// conflicts, ownership expiry and shared devices happen on almost every
// record. With and without the matched-record fast path every ingest must
// give the same customer and outcome, and both final partitions must equal
// the batch one.
func TestFastPathSmallUniverse(t *testing.T) {
	seeds := 300
	if raceEnabled {
		seeds = 60
	}
	phones := []string{"13812340001", "13812340002", "13812340003"}
	names := []string{"张三", "李四", "王五"}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var recs []identity.Record
		var ids []string
		for i := range 12 {
			r := identity.Record{ID: fmt.Sprintf("r%02d", i), Channel: "app",
				At: t0.Add(time.Duration(rng.IntN(400*24)) * time.Hour)}
			add := func(k identity.Kind, v string) {
				r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: k, Value: v})
			}
			if rng.IntN(5) > 0 {
				add(identity.KindPhone, phones[rng.IntN(len(phones))])
			}
			if rng.IntN(2) == 0 {
				add(identity.KindDevice, fmt.Sprintf("dev-%d-abcdef", rng.IntN(3)))
			}
			for range 1 + rng.IntN(2) { // sometimes two member ids in one record
				if rng.IntN(3) == 0 {
					add(identity.KindMemberID, fmt.Sprintf("M%d", rng.IntN(3)))
				}
			}
			if rng.IntN(2) == 0 {
				add(identity.KindName, names[rng.IntN(len(names))])
			}
			recs = append(recs, r)
			ids = append(ids, r.ID)
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
}
