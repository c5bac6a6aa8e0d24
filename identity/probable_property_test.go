package identity_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/corrupt"
	"github.com/cimkit/cimkit/memstore"
)

// generated returns records of generated people; every other record has
// an email derived from its phone (so duplicates often share it unless the
// generator blanked or changed the phone); all carry their source id.
func generated(t *testing.T, n int, seed uint64) []identity.Record {
	t.Helper()
	miss, cor := corrupt.DefaultRates()
	people, err := corrupt.Generate(corrupt.Config{Originals: n, DuplicateShare: 0.5, Chinese: 0.3, Missing: miss, Corrupt: cor, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, f := range corrupt.Fields {
		col[f] = i
	}
	var out []identity.Record
	for i, p := range people {
		r := identity.Record{ID: p.RecordID, Channel: "import", At: t0.Add(time.Duration(i) * time.Minute), Fields: map[string]string{},
			Identifiers: []identity.Identifier{{Kind: "source_id", Value: p.RecordID}}}
		for _, f := range probFields {
			r.Fields[f] = p.Values[col[f]]
		}
		var digits strings.Builder
		for _, c := range p.Values[col["phone"]] {
			if c >= '0' && c <= '9' {
				digits.WriteRune(c)
			}
		}
		if digits.Len() >= 6 && i%2 == 0 {
			r.Identifiers = append(r.Identifiers, identity.Identifier{Kind: identity.KindEmail, Value: "p" + digits.String() + "@qq.com"})
		}
		out = append(out, r)
	}
	return out
}

// TestProbablePropertyGenerated: over generated people, any ingest and
// scan order gives the same partition, probable merges are mostly right,
// and unmerging every probable merge (newest first) restores the state
// before the scan exactly.
func TestProbablePropertyGenerated(t *testing.T) {
	ctx := context.Background()
	rules, err := identity.NewRules(append(identity.DefaultRules(), identity.Rule{Kind: "source_id", Priority: 1}))
	if err != nil {
		t.Fatal(err)
	}
	recs := generated(t, 60, 21)
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var want string
	for trial := range 4 {
		st := memstore.New()
		r := identity.NewResolver(st, &identity.Options{Rules: rules, NewID: seqIDs(t.Name()), Now: func() time.Time { return t0 },
			Probable: &identity.ProbableOptions{Model: probModel(t), Threshold: 0.95, Review: 0.5}})
		perm := slices.Clone(recs)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		ingestAll(t, r, perm...)
		before := snapshot(t, st, ids)
		scan := slices.Clone(ids)
		rng.Shuffle(len(scan), func(i, j int) { scan[i], scan[j] = scan[j], scan[i] })
		rep, err := r.ScanProbable(ctx, scan)
		if err != nil {
			t.Fatal(err)
		}
		got := storedPartition(t, st, ids)
		if trial == 0 {
			want = got
			// Score the probable merges against the truth
			// ("rec-<entity>-...").
			right := 0
			for _, ev := range rep.Merges {
				for _, e := range ev.Reasons {
					if e.Kind == identity.KindProbable && strings.Split(e.A, "-")[1] == strings.Split(e.B, "-")[1] {
						right++
					}
				}
			}
			t.Logf("%d probable merges, %d joining records of one person; %d suggestions", len(rep.Merges), right, len(rep.Suggestions))
			if len(rep.Merges) < 10 || float64(right) < 0.9*float64(len(rep.Merges)) {
				t.Fatalf("%d probable merges, %d right", len(rep.Merges), right)
			}
		} else if got != want {
			t.Fatalf("trial %d: partition differs:\n%s\nwant\n%s", trial, got, want)
		}
		if trial > 1 {
			continue
		}
		for i := len(rep.Merges) - 1; i >= 0; i-- {
			if _, err := r.Unmerge(ctx, rep.Merges[i].ID); err != nil {
				t.Fatalf("unmerge %d: %v", i, err)
			}
		}
		if after := snapshot(t, st, ids); !maps.Equal(before, after) {
			t.Fatalf("trial %d: unmerging every probable merge does not restore the state", trial)
		}
	}
}
