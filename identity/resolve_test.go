package identity_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
)

func defaultRules(t testing.TB) *identity.Rules {
	rs, err := identity.NewRules(nil)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestResolveRules(t *testing.T) {
	d := 24 * time.Hour
	cases := []struct {
		name string
		recs []identity.Record
		cons []identity.Constraint
		want string
	}{
		{"phone formats link", []identity.Record{
			rec("a", t0, "phone", "138 1234 5678"), rec("b", t0, "phone", "+86-138-1234-5678"), rec("c", t0, "phone", "13912345678")},
			nil, "a,b | c"},
		{"transitive via email", []identity.Record{
			rec("a", t0, "phone", "13812345678"), rec("b", t0, "phone", "13812345678", "email", "X@qq.com"), rec("c", t0, "email", "x@qq.com")},
			nil, "a,b,c"},
		{"two member ids never merge", []identity.Record{
			rec("a", t0, "phone", "13812345678", "member_id", "M1"), rec("b", t0, "phone", "13812345678", "member_id", "M2")},
			nil, "a | b"},
		{"same member id merges", []identity.Record{
			rec("a", t0, "phone", "13812345678", "member_id", "m1"), rec("b", t0, "member_id", "M1")},
			nil, "a,b"},
		{"device attaches device-only record", []identity.Record{
			rec("a", t0, "phone", "13812345678", "device", "dev-1"), rec("b", t0.Add(d), "device", "DEV-1")},
			nil, "a,b"},
		{"shared device links nothing", []identity.Record{
			rec("a", t0, "phone", "13812345678", "device", "dev-1"), rec("b", t0.Add(d), "phone", "13912345678", "device", "dev-1"),
			rec("c", t0.Add(2*d), "device", "dev-1")},
			nil, "a | b | c"},
		{"device shared over all time by default", []identity.Record{
			rec("a", t0, "phone", "13812345678", "device", "dev-1"), rec("b", t0.Add(100*d), "phone", "13912345678", "device", "dev-1")},
			nil, "a | b"},
		{"recycled phone starts a new owner", []identity.Record{
			rec("a", t0, "phone", "13812345678", "name", "张三", "device", "d1"), rec("b", t0.Add(400*d), "phone", "13812345678", "name", "李四", "device", "d2")},
			nil, "a | b"},
		{"long gap same surname is same owner", []identity.Record{
			rec("a", t0, "phone", "13812345678", "name", "张三"), rec("b", t0.Add(400*d), "phone", "13812345678", "name", "张先生")},
			nil, "a,b"},
		{"masked phone is weak", []identity.Record{
			rec("a", t0, "phone", "138****5678", "device", "d1"), rec("b", t0, "phone", "138****5678", "device", "d2")},
			nil, "a | b"},
		{"cannot-link keeps apart", []identity.Record{
			rec("a", t0, "phone", "13812345678"), rec("b", t0, "phone", "13812345678")},
			[]identity.Constraint{{ID: "k1", Kind: identity.CannotLink, A: []string{"a"}, B: []string{"b"}}}, "a | b"},
		{"must-link joins", []identity.Record{
			rec("a", t0, "phone", "13812345678"), rec("b", t0, "phone", "13912345678")},
			[]identity.Constraint{{ID: "k1", Kind: identity.MustLink, A: []string{"a"}, B: []string{"b"}}}, "a,b"},
	}
	r, _ := newResolver(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := identity.Resolve(nodes(t, r, tc.recs), r.Rules(), tc.cons, true)
			if got := clusters(p.Clusters); got != tc.want {
				t.Errorf("got %s, want %s; edges %+v", got, tc.want, p.Edges)
			}
		})
	}
}

func TestResolveWindow(t *testing.T) {
	d := 24 * time.Hour
	rules := identity.DefaultRules()
	for i := range rules {
		if rules[i].Kind == identity.KindDevice {
			rules[i].MaxCustomers, rules[i].Window = 2, 30*d
		}
	}
	rs, err := identity.NewRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := newResolver(t)
	recs := []identity.Record{
		rec("a", t0, "phone", "13812345678", "device", "dev-1"),
		rec("b", t0.Add(10*d), "phone", "13912345678", "device", "dev-1"),
		rec("c", t0.Add(100*d), "phone", "13712345678", "device", "dev-1"),
	}
	// Two customers within 30 days are within the limit of 2: linked.
	if got := clusters(identity.Resolve(nodes(t, r, recs), rs, nil, false).Clusters); got != "a,b,c" {
		t.Errorf("got %s, want a,b,c", got)
	}
	// A third customer within the window makes the device shared.
	recs = append(recs, rec("e", t0.Add(5*d), "phone", "13612345678", "device", "dev-1"))
	if got := clusters(identity.Resolve(nodes(t, r, recs), rs, nil, false).Clusters); got != "a | b | c | e" {
		t.Errorf("got %s, want a | b | c | e", got)
	}
}

func TestNewRulesInvalid(t *testing.T) {
	for name, rules := range map[string][]identity.Rule{
		"bad kind":  {{Kind: "Phone!"}},
		"duplicate": {{Kind: "x"}, {Kind: "x"}},
		"negative":  {{Kind: "x", MaxCustomers: -1}},
		"canon":     {{Kind: "x", Canon: 99}},
	} {
		if _, err := identity.NewRules(rules); !errors.Is(err, identity.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

// TestResolveOrderIndependent: the same records in any order give the same
// partition (and the same edges decide it).
func TestResolveOrderIndependent(t *testing.T) {
	d, err := synth.Generate(synth.Config{Customers: 400, Orders: 1, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := newResolver(t)
	var recs []identity.Record
	for _, x := range d.Records {
		recs = append(recs, fromSynth(x))
	}
	ns := nodes(t, r, recs)
	cons := []identity.Constraint{{ID: "c1", Kind: identity.CannotLink, A: []string{ns[3].ID}, B: []string{ns[4].ID}}}
	want := clusters(identity.Resolve(ns, r.Rules(), cons, false).Clusters)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 10 {
		rnd.Shuffle(len(ns), func(a, b int) { ns[a], ns[b] = ns[b], ns[a] })
		if got := clusters(identity.Resolve(ns, r.Rules(), cons, false).Clusters); got != want {
			t.Fatalf("permutation %d: partition differs", i)
		}
	}
}

// TestIncrementalEqualsBatch: ingesting one by one, in any order, ends in
// the batch partition.
func TestIncrementalEqualsBatch(t *testing.T) {
	d, err := synth.Generate(synth.Config{Customers: 300, Orders: 1, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	var recs []identity.Record
	var ids []string
	for _, x := range d.Records {
		recs = append(recs, fromSynth(x))
		ids = append(ids, x.ID)
	}
	r0, _ := newResolver(t)
	want := clusters(identity.Resolve(nodes(t, r0, recs), r0.Rules(), nil, false).Clusters)
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := range 3 {
		rnd.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		r, st := newResolver(t)
		for _, x := range recs {
			if _, err := r.Ingest(context.Background(), x); err != nil && !isNoID(err) {
				t.Fatal(err)
			}
		}
		if got := storedPartition(t, st, ids); got != want {
			t.Fatalf("order %d: incremental partition differs from batch", i)
		}
	}
}

func TestHostRegisteredKind(t *testing.T) {
	rules := append(identity.DefaultRules(), identity.Rule{Kind: "alipay_uid", Priority: 85, UniquePerCustomer: true, Canon: identity.CanonLower})
	rs, err := identity.NewRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	r := identity.NewResolver(memstoreNew(), &identity.Options{Rules: rs, NewID: seqIDs(t.Name())})
	a := mustIngest(t, r, rec("a", t0, "alipay_uid", "2088ABC"))
	b := mustIngest(t, r, rec("b", t0, "alipay_uid", " 2088abc ", "phone", "13812345678"))
	c := mustIngest(t, r, rec("c", t0, "alipay_uid", "2088xyz", "phone", "13812345678"))
	if b.CustomerID != a.CustomerID || c.CustomerID == a.CustomerID {
		t.Fatalf("host kind: a=%v b=%v c=%v; want a=b (same uid) and c apart (a second uid)", a.CustomerID, b.CustomerID, c.CustomerID)
	}
	if k := rs.Kinds(); k[0] != identity.KindIDCard && k[0] != identity.KindMemberID {
		t.Fatalf("kinds not ordered by priority: %v", k)
	}
}

// TestFastPathChangesNothing: with and without the matched-record fast
// path, every ingest gives the same customer and outcome, and the final
// partition equals the batch one.
func TestFastPathChangesNothing(t *testing.T) {
	n := 1500
	if raceEnabled {
		n = 700
	}
	for _, seed := range []uint64{21, 22, 23} {
		d, err := synth.Generate(synth.Config{Customers: n, Orders: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var recs []identity.Record
		for _, x := range d.Records {
			recs = append(recs, fromSynth(x))
		}
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		fastSlowAgree(t, seed, recs)
	}
}
