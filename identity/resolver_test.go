package identity_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/google/uuid"
)

var ctx = context.Background()

func mustIngest(t *testing.T, r *identity.Resolver, rec identity.Record) identity.Result {
	t.Helper()
	res, err := r.Ingest(ctx, rec)
	if err != nil {
		t.Fatalf("ingest %s: %v", rec.ID, err)
	}
	return res
}

// snapshot maps every record id to its customer.
func snapshot(t *testing.T, st identity.Store, ids []string) map[string]uuid.UUID {
	t.Helper()
	recs, err := st.IdentityRecords(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]uuid.UUID{}
	for _, r := range recs {
		m[r.ID] = r.CustomerID
	}
	return m
}

func TestIngestOutcomes(t *testing.T) {
	r, _ := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	if a.Outcome != identity.Created {
		t.Fatalf("first record: %s, want created", a.Outcome)
	}
	b := mustIngest(t, r, rec("b", t0, "phone", "+86 138-1234-5678", "email", "z@qq.com"))
	if b.Outcome != identity.Matched || b.CustomerID != a.CustomerID {
		t.Fatalf("same phone: %s %v, want matched %v", b.Outcome, b.CustomerID, a.CustomerID)
	}
	if s := b.Summary(); s != "matched by phone" {
		t.Errorf("summary %q, want %q", s, "matched by phone")
	}
	c := mustIngest(t, r, rec("c", t0, "member_id", "M1", "device", "d9"))
	d := mustIngest(t, r, rec("d", t0, "email", "Z@QQ.COM", "member_id", "m1"))
	if d.Outcome != identity.Merged || len(d.Events) != 1 || d.Events[0].Kind != identity.EventMerge {
		t.Fatalf("bridging record: %s with %d events, want merged", d.Outcome, len(d.Events))
	}
	if d.CustomerID != a.CustomerID || len(d.Removed) != 1 || d.Removed[0] != c.CustomerID {
		t.Fatalf("survivor %v removed %v; want the older customer %v to survive and %v removed", d.CustomerID, d.Removed, a.CustomerID, c.CustomerID)
	}
	if s := d.Summary(); s != "merged 2 customers: member_id, email" {
		t.Errorf("summary %q", s)
	}
	if ev := d.Events[0]; len(ev.Reasons) == 0 || ev.Before[0].ID != a.CustomerID {
		t.Fatalf("merge event without reasons or survivor first: %+v", ev)
	}
	again := mustIngest(t, r, rec("d", t0, "email", "Z@QQ.COM", "member_id", "m1"))
	if again.Outcome != identity.Matched || len(again.Events) != 0 {
		t.Fatalf("re-ingest: %s %d events, want matched and nothing new", again.Outcome, len(again.Events))
	}
}

func TestIngestSplitsWhenDeviceBecomesShared(t *testing.T) {
	r, st := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678", "device", "tablet-1"))
	x := mustIngest(t, r, rec("x", t0.Add(time.Hour), "device", "tablet-1"))
	if x.CustomerID != a.CustomerID {
		t.Fatal("device-only record did not attach to the device's customer")
	}
	b := mustIngest(t, r, rec("b", t0.Add(2*time.Hour), "phone", "13912345678", "device", "tablet-1"))
	if b.Outcome != identity.Split || len(b.Events) != 1 || b.Events[0].Kind != identity.EventSplit {
		t.Fatalf("second phone on the tablet: %s with %+v, want a split", b.Outcome, b.Events)
	}
	snap := snapshot(t, st, []string{"a", "b", "x"})
	if snap["a"] == snap["x"] || snap["a"] == snap["b"] || snap["b"] == snap["x"] || snap["a"] != a.CustomerID {
		t.Fatalf("after the device became shared: %v; want a (same id), b and x apart", snap)
	}
	if ev := b.Events[0]; len(ev.Reasons) == 0 || ev.Reasons[0].Rule != identity.EdgeShared {
		t.Fatalf("split reasons %+v; want the shared-device rule", ev.Reasons)
	}
}

func TestUnmergeRestoresAndHolds(t *testing.T) {
	r, st := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	b := mustIngest(t, r, rec("b", t0, "email", "z@qq.com"))
	ids := []string{"a", "b", "c"}
	before := snapshot(t, st, ids)
	c := mustIngest(t, r, rec("c", t0, "phone", "13812345678", "email", "z@qq.com"))
	if c.Outcome != identity.Merged {
		t.Fatalf("outcome %s, want merged", c.Outcome)
	}
	ev, err := r.Unmerge(ctx, c.Events[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != identity.EventUnmerge || ev.Undoes != c.Events[0].ID || ev.Constraint == "" {
		t.Fatalf("unmerge event %+v", ev)
	}
	after := snapshot(t, st, ids)
	if after["a"] != a.CustomerID || after["b"] != b.CustomerID || before["a"] != after["a"] || before["b"] != after["b"] {
		t.Fatalf("unmerge did not restore the customers: before %v after %v", before, after)
	}
	// Re-ingesting the bridging record respects the operator's decision.
	again := mustIngest(t, r, rec("c", t0, "phone", "13812345678", "email", "z@qq.com"))
	if again.Outcome == identity.Merged {
		t.Fatal("re-ingest silently undid the unmerge")
	}
	if x := snapshot(t, st, ids); x["a"] == x["b"] {
		t.Fatal("a and b merged again")
	}
	if _, err := r.Unmerge(ctx, uuid.New()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("unknown merge: %v, want ErrNotFound", err)
	}
}

// TestMergeUnmergeProperty: for random pairs of customers, Merge then
// Unmerge leaves every record on exactly the customer it was on.
func TestMergeUnmergeProperty(t *testing.T) {
	d, err := synth.Generate(synth.Config{Customers: 150, Orders: 1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	r, st := newResolver(t)
	var ids []string
	for _, x := range d.Records {
		if _, err := r.Ingest(ctx, fromSynth(x)); err == nil {
			ids = append(ids, x.ID)
		}
	}
	rnd := rand.New(rand.NewPCG(9, 9))
	for i := range 10 {
		before := snapshot(t, st, ids)
		a, b := before[ids[rnd.IntN(len(ids))]], before[ids[rnd.IntN(len(ids))]]
		if a == b {
			continue
		}
		ev, err := r.Merge(ctx, a, b, "same person per phone call")
		if err != nil {
			if errors.Is(err, identity.ErrInvalid) {
				continue // two member ids: unique rule forbids it
			}
			t.Fatal(err)
		}
		mid := snapshot(t, st, ids)
		for _, id := range ids {
			if (before[id] == a || before[id] == b) && mid[id] != ev.Survivor() {
				t.Fatalf("round %d: record %s not on the survivor after merge", i, id)
			}
		}
		if _, err := r.Unmerge(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, st, ids)
		for _, id := range ids {
			if after[id] != before[id] {
				t.Fatalf("round %d: record %s on %v after unmerge, %v before", i, id, after[id], before[id])
			}
		}
	}
}

func TestMergeOverridesCannotLink(t *testing.T) {
	r, st := newResolver(t)
	mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	mustIngest(t, r, rec("b", t0, "email", "z@qq.com"))
	c := mustIngest(t, r, rec("c", t0, "phone", "13812345678", "email", "z@qq.com"))
	if _, err := r.Unmerge(ctx, c.Events[0].ID); err != nil {
		t.Fatal(err)
	}
	s := snapshot(t, st, []string{"a", "b"})
	ev, err := r.Merge(ctx, s["a"], s["b"], "agent confirmed")
	if err != nil || ev.Kind != identity.EventManualMerge {
		t.Fatalf("manual merge: %+v %v", ev, err)
	}
	mustIngest(t, r, rec("d", t0, "email", "z@qq.com"))
	if x := snapshot(t, st, []string{"a", "b", "c", "d"}); x["a"] != x["b"] || x["a"] != x["c"] || x["a"] != x["d"] {
		t.Fatalf("after a manual merge and a later ingest: %v; want one customer", x)
	}
	mustIngest(t, r, rec("e", t0, "member_id", "M1", "phone", "13700000001"))
	mustIngest(t, r, rec("f", t0, "member_id", "M2", "phone", "13700000002"))
	s = snapshot(t, st, []string{"e", "f"})
	if _, err := r.Merge(ctx, s["e"], s["f"], ""); !errors.Is(err, identity.ErrInvalid) {
		t.Fatalf("merging two member ids: %v, want ErrInvalid", err)
	}
}

func TestExplainMasksPII(t *testing.T) {
	r, _ := newResolver(t)
	mustIngest(t, r, identity.Record{ID: "a", Channel: "store_pos", At: t0, Fields: map[string]string{"name": "张三丰"},
		Identifiers: []identity.Identifier{{identity.KindPhone, "13812345678"}, {identity.KindName, "张三丰"}}})
	res := mustIngest(t, r, identity.Record{ID: "b", Channel: "app", At: t0.Add(time.Hour), Fields: map[string]string{"name": "张三"},
		Identifiers: []identity.Identifier{{identity.KindPhone, "138 1234 5678"}, {identity.KindDevice, "dev-abcdef"}}})
	x, err := r.Explain(ctx, res.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	text := x.String()
	for _, want := range []string{"record a", "record b", "phone +86 138****5678", "by phone: linked", "name = 张**"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	for _, pii := range []string{"13812345678", "张三丰", "dev-abcdef"} {
		if strings.Contains(text, pii) {
			t.Errorf("explanation leaks %q:\n%s", pii, text)
		}
	}
	if x.Golden["name"].Value != "张三丰" || x.Golden["name"].Record != "a" {
		t.Errorf("golden name %+v; want the store_pos (most trusted) value", x.Golden["name"])
	}
	if _, err := r.Explain(ctx, uuid.New()); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("unknown customer: %v, want ErrNotFound", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	r, st := newResolver(t)
	recs := []identity.Record{
		rec("a", t0, "phone", "13812345678", "device", "tablet"),
		rec("b", t0, "phone", "13912345678", "device", "tablet"),
	}
	for _, x := range recs {
		mustIngest(t, r, x)
	}
	before := snapshot(t, st, []string{"a", "b"})
	rules := identity.DefaultRules()
	for i := range rules {
		if rules[i].Kind == identity.KindDevice {
			rules[i].MaxCustomers = 3
		}
	}
	nr, err := identity.NewRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.DryRun(ctx, nr, recs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if rep.CustomersBefore != 2 || rep.CustomersAfter != 1 || len(rep.Merges) != 1 || len(rep.Splits) != 0 {
		t.Fatalf("dry run %+v; want one merge of two customers", rep)
	}
	if after := snapshot(t, st, []string{"a", "b"}); after["a"] != before["a"] || after["b"] != before["b"] {
		t.Fatal("dry run wrote")
	}
}

func TestLookupAnyFormat(t *testing.T) {
	r, _ := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	for _, raw := range []string{"+86 138 1234 5678", "0086-13812345678", "１３８１２３４５６７８"} {
		got, err := r.Lookup(ctx, identity.KindPhone, raw)
		if err != nil || got != a.CustomerID {
			t.Errorf("Lookup(%q) = %v, %v; want %v", raw, got, err, a.CustomerID)
		}
	}
	if _, err := r.Lookup(ctx, identity.KindPhone, "13912345678"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("unknown phone: %v, want ErrNotFound", err)
	}
	if _, err := r.Lookup(ctx, identity.KindPhone, "13800138000"); !errors.Is(err, identity.ErrBlocked) {
		t.Errorf("placeholder phone: %v, want ErrBlocked", err)
	}
	if _, err := r.Lookup(ctx, "shoe_size", "42"); !errors.Is(err, identity.ErrUnknownKind) {
		t.Errorf("unknown kind: %v, want ErrUnknownKind", err)
	}
}

func TestBadInput(t *testing.T) {
	r, _ := newResolver(t)
	long := strings.Repeat("9", 300)
	cases := []struct {
		name string
		rec  identity.Record
		want []error
	}{
		{"nothing", rec("a", t0), []error{identity.ErrNoIdentifier}},
		{"placeholder only", rec("a", t0, "phone", "13800138000"), []error{identity.ErrNoIdentifier, identity.ErrBlocked}},
		{"blocklisted device", rec("a", t0, "device", "00000000-0000-0000-0000-000000000000"), []error{identity.ErrNoIdentifier, identity.ErrBlocked}},
		{"unknown device word", rec("a", t0, "device", "Unknown"), []error{identity.ErrNoIdentifier, identity.ErrBlocked}},
		{"oversize", rec("a", t0, "phone", long), []error{identity.ErrNoIdentifier, identity.ErrTooLong}},
		{"masked only", rec("a", t0, "phone", "138****5678"), []error{identity.ErrNoIdentifier}},
		{"unknown kind", rec("a", t0, "shoe_size", "42"), []error{identity.ErrUnknownKind}},
		{"no id", rec("", t0, "phone", "13812345678"), []error{identity.ErrInvalid}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Ingest(ctx, tc.rec)
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v; want it to wrap %v", err, w)
				}
			}
			for _, id := range tc.rec.Identifiers {
				if len(id.Value) > 3 && err != nil && strings.Contains(err.Error(), id.Value) {
					t.Errorf("error string holds the value: %v", err)
				}
			}
		})
	}
	// A usable identifier next to a bad one: ingested, the bad one reported.
	res, err := r.Ingest(ctx, rec("ok", t0, "phone", "13800138000", "email", "a@qq.com"))
	if err != nil || len(res.Skipped) != 1 || !errors.Is(res.Skipped[0], identity.ErrBlocked) {
		t.Fatalf("partly usable record: %+v %v", res, err)
	}
}

func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "138****5678", "13800138000", "x@qq.com", "000000", "", "\x00\xff", "张三"} {
		for _, k := range []string{"phone", "email", "device", "name", "id_card", "member_id", "nope"} {
			f.Add(k, s)
		}
	}
	r, _ := newResolver(f)
	f.Fuzz(func(t *testing.T, kind, value string) {
		sr, _, _, err := r.Prepare(ctx, rec("x", t0, kind, value))
		if err != nil {
			if !errors.Is(err, identity.ErrNoIdentifier) && !errors.Is(err, identity.ErrUnknownKind) {
				t.Fatalf("untyped error %v", err)
			}
			if len(value) > 6 && strings.Contains(err.Error(), value) {
				t.Fatalf("error holds the value: %v", err)
			}
			return
		}
		if len(sr.Keys) == 0 || len(sr.Display) != len(sr.Keys)+len(sr.Evidence) {
			t.Fatalf("prepared record without keys or display: %+v", sr)
		}
	})
}
