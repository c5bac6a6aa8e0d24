package identity_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
)

// TestDryRunMatchesRealRun: over tiny-universe records, DryRun under
// changed rules writes nothing, reports no change under the same rules,
// and predicts exactly the partition that ingesting the same records
// under the new rules into an empty store produces.
func TestDryRunMatchesRealRun(t *testing.T) {
	changes := map[string]func([]identity.Rule){
		"device never shared": func(rs []identity.Rule) { set(rs, identity.KindDevice, func(r *identity.Rule) { r.MaxCustomers = 0 }) },
		"device shared by 3":  func(rs []identity.Rule) { set(rs, identity.KindDevice, func(r *identity.Rule) { r.MaxCustomers = 3 }) },
		"phones never expire": func(rs []identity.Rule) {
			set(rs, identity.KindPhone, func(r *identity.Rule) { r.OwnershipExpiry = 0 })
		},
		"phone expiry 30 days": func(rs []identity.Rule) {
			set(rs, identity.KindPhone, func(r *identity.Rule) { r.OwnershipExpiry = 30 * 24 * time.Hour })
		},
		"a phone blocklisted": func(rs []identity.Rule) {
			set(rs, identity.KindPhone, func(r *identity.Rule) { r.Blocklist = append(r.Blocklist, "+8613812340001") })
		},
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range changes {
			if !yield(k) {
				return
			}
		}
	})
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 19))
		var recs []identity.Record
		for i := range 14 {
			recs = append(recs, tinyRecord(rng, fmt.Sprintf("r%02d", i)))
		}
		r, st := newResolver(t)
		for _, x := range recs {
			if _, err := r.Ingest(ctx, x); err != nil && !isNoID(err) {
				t.Fatal(err)
			}
		}
		var ids []string
		for _, x := range recs {
			ids = append(ids, x.ID)
		}
		stored := storedPartition(t, st, ids)
		same, err := r.DryRun(ctx, r.Rules(), recs)
		if err != nil || len(same.Merges)+len(same.Splits) != 0 || same.CustomersBefore != same.CustomersAfter {
			t.Fatalf("seed %d: dry run under the same rules: %+v %v", seed, same, err)
		}
		for _, name := range names {
			rs := identity.DefaultRules()
			changes[name](rs)
			newRules, err := identity.NewRules(rs)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := r.DryRun(ctx, newRules, recs)
			if err != nil {
				t.Fatal(err)
			}
			if got := storedPartition(t, st, ids); got != stored {
				t.Fatalf("seed %d %s: the dry run wrote", seed, name)
			}
			freshSt := memstore.New()
			fresh := identity.NewResolver(freshSt, &identity.Options{Rules: newRules})
			var kept []string
			for _, x := range recs {
				if _, err := fresh.Ingest(ctx, x); err == nil {
					kept = append(kept, x.ID)
				} else if !isNoID(err) {
					t.Fatal(err)
				}
			}
			want := storedPartition(t, freshSt, kept)
			if got := applyDryRun(t, st, kept, rep); got != want {
				t.Fatalf("seed %d %s: dry run predicts\n %s\nreal run gives\n %s", seed, name, got, want)
			}
		}
	}
}

// set applies f to the rule of kind k.
func set(rs []identity.Rule, k identity.Kind, f func(*identity.Rule)) {
	for i := range rs {
		if rs[i].Kind == k {
			f(&rs[i])
		}
	}
}

// applyDryRun returns the partition of ids after the dry run's changes:
// a record in a cluster the report names (a merge's or a split's new
// cluster) is in that cluster, any other stays in its current customer.
func applyDryRun(t *testing.T, st identity.Store, ids []string, rep identity.DryRunReport) string {
	t.Helper()
	recs, err := st.IdentityRecords(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	group := map[string]string{}
	for _, x := range recs {
		group[x.ID] = "c:" + x.CustomerID.String()
	}
	for i, ch := range append(slices.Clone(rep.Merges), rep.Splits...) {
		for j, cl := range ch.After {
			for _, id := range cl {
				group[id] = fmt.Sprintf("n:%d:%d:%s", i, j, slices.Min(cl))
			}
		}
	}
	// A new cluster may be named by a merge and a split both: name it by
	// its smallest record id.
	byName := map[string][]string{}
	for _, id := range ids {
		if g, ok := group[id]; ok {
			byName[g] = append(byName[g], id)
		}
	}
	merged := map[string][]string{}
	for g, cl := range byName {
		key := g
		if len(g) > 2 && g[:2] == "n:" {
			key = "n:" + g[strings.LastIndexByte(g, ':')+1:]
		}
		merged[key] = append(merged[key], cl...)
	}
	var cs [][]string
	for _, cl := range merged {
		cs = append(cs, cl)
	}
	return clusters(cs)
}
