package identity_test

import (
	"context"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/identity/match"
	"github.com/cimkit/cimkit/internal/corrupt"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// probFields are the profile fields the test model compares.
var probFields = []string{"given_name", "surname", "date_of_birth", "postcode", "address_1"}

var (
	modelOnce sync.Once
	testModel *match.Model
	modelErr  error
)

// probModel trains a model on generated people (once per test binary).
func probModel(t testing.TB) *match.Model {
	t.Helper()
	modelOnce.Do(func() {
		miss, cor := corrupt.DefaultRates()
		people, err := corrupt.Generate(corrupt.Config{Originals: 400, DuplicateShare: 0.5, Chinese: 0.3,
			Missing: miss, Corrupt: cor, Seed: 7})
		if err != nil {
			modelErr = err
			return
		}
		col := map[string]int{}
		for i, f := range corrupt.Fields {
			col[f] = i
		}
		var recs []match.Record
		for _, p := range people {
			vals := make([]string, len(probFields))
			for i, f := range probFields {
				vals[i] = p.Values[col[f]]
			}
			recs = append(recs, match.Record{ID: p.RecordID, Values: vals})
		}
		var comps []match.Comparison
		for _, f := range probFields {
			comps = append(comps, match.DefaultComparison(f, ""))
		}
		testModel, _, modelErr = match.Train(context.Background(), match.Settings{Fields: probFields, Comparisons: comps,
			Blocking: []match.Rule{{Columns: []string{"surname"}}, {Columns: []string{"date_of_birth"}}}, Seed: 1}, recs, nil)
	})
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	return testModel
}

func probResolver(t testing.TB, st identity.Store, threshold, review float64) *identity.Resolver {
	return identity.NewResolver(st, &identity.Options{NewID: seqIDs(t.Name()), Now: func() time.Time { return t0 },
		Probable: &identity.ProbableOptions{Model: probModel(t), Threshold: threshold, Review: review}})
}

// person is a record with profile fields and one identifier.
func person(id, kind, value, given, surname, dob, postcode, street string) identity.Record {
	r := rec(id, t0, kind, value)
	r.Fields = map[string]string{"given_name": given, "surname": surname, "date_of_birth": dob, "postcode": postcode, "address_1": street}
	return r
}

// The pair the tests merge: no identifier in common, same person.
var (
	recA = person("a", "phone", "13812345678", "mary", "jones", "1980-03-04", "2600", "kirkpatrick street")
	recB = person("b", "device", "dev-0001", "mary", "jones", "1980-03-04", "2600", "kirkpatrick st")
	recC = person("c", "phone", "13912345678", "peter", "jones", "1955-11-20", "4000", "hay road")
)

func pairProbability(t *testing.T, a, b identity.Record) match.Result {
	m := probModel(t)
	val := func(r identity.Record) match.Record {
		var v []string
		for _, f := range probFields {
			v = append(v, r.Fields[f])
		}
		return match.Record{ID: r.ID, Values: v}
	}
	return m.Score(val(a), val(b))
}

func ingestAll(t *testing.T, r *identity.Resolver, recs ...identity.Record) {
	t.Helper()
	for _, x := range recs {
		if _, err := r.Ingest(context.Background(), x); err != nil {
			t.Fatal(err)
		}
	}
}

func TestProbableOff(t *testing.T) {
	ctx := context.Background()
	r, st := newResolver(t)
	ingestAll(t, r, recA, recB, recC)
	if _, err := r.ScanProbable(ctx, []string{"a", "b", "c"}); !errors.Is(err, identity.ErrInvalid) {
		t.Fatalf("scan without model: %v, want ErrInvalid", err)
	}
	if _, _, err := r.LinkProbable(ctx, "a", "b"); !errors.Is(err, identity.ErrInvalid) {
		t.Fatalf("link without model: %v, want ErrInvalid", err)
	}
	if got := storedPartition(t, st, []string{"a", "b", "c"}); got != "a | b | c" {
		t.Fatalf("partition %q", got)
	}
}

func TestProbableOptionsInvalid(t *testing.T) {
	m := probModel(t)
	for _, o := range []identity.ProbableOptions{
		{Model: nil, Threshold: 0.9},
		{Model: m, Threshold: 0},
		{Model: m, Threshold: 1.5},
		{Model: m, Threshold: 0.9, Review: 0.95},
		{Model: m, Threshold: 0.9, Fields: []string{"x"}},
	} {
		r := identity.NewResolver(memstore.New(), &identity.Options{Probable: &o})
		if _, err := r.ScanProbable(context.Background(), nil); !errors.Is(err, identity.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", o, err)
		}
	}
}

func TestProbableThreshold(t *testing.T) {
	ctx := context.Background()
	want := pairProbability(t, recA, recB)
	pc := pairProbability(t, recA, recC).Probability
	if want.Probability < 0.9 || pc > 0.5 {
		t.Fatalf("test data: p(a,b)=%v p(a,c)=%v; want a clear match and a clear non-match", want.Probability, pc)
	}
	// Just above the pair's probability: a suggestion, no merge.
	above := (1 + want.Probability) / 2
	if above == want.Probability {
		t.Skip("probability rounds to 1")
	}
	st := memstore.New()
	r := probResolver(t, st, above, 0.5)
	ingestAll(t, r, recA, recB, recC)
	rep, err := r.ScanProbable(ctx, []string{"c", "b", "a", "zz"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Merges) != 0 || len(rep.Suggestions) != 1 || rep.Suggestions[0].A != "a" || rep.Suggestions[0].B != "b" {
		t.Fatalf("above threshold: %+v", rep)
	}
	if s := rep.Suggestions[0]; s.Probability != want.Probability || s.CustomerA == s.CustomerB {
		t.Fatalf("suggestion %+v, want probability %v", s, want.Probability)
	}
	if got := storedPartition(t, st, []string{"a", "b", "c"}); got != "a | b | c" {
		t.Fatalf("partition %q", got)
	}
	if _, p, err := r.LinkProbable(ctx, "b", "a"); !errors.Is(err, identity.ErrBelowThreshold) || p.Probability != want.Probability {
		t.Fatalf("link below threshold: %v %+v", err, p)
	}

	// At the pair's probability: merged.
	st = memstore.New()
	r = probResolver(t, st, want.Probability, 0)
	ingestAll(t, r, recA, recB, recC)
	rep, err = r.ScanProbable(ctx, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Merges) != 1 || len(rep.Suggestions) != 0 {
		t.Fatalf("at threshold: %+v", rep)
	}
	if got := storedPartition(t, st, []string{"a", "b", "c"}); got != "a,b | c" {
		t.Fatalf("partition %q", got)
	}
	ev := rep.Merges[0]
	if ev.Kind != identity.EventProbableMerge || ev.Constraint == "" || len(ev.Before) != 2 {
		t.Fatalf("event %+v", ev)
	}
	i := slices.IndexFunc(ev.Reasons, func(e identity.Edge) bool { return e.Kind == identity.KindProbable })
	if i < 0 {
		t.Fatalf("no probable reason in %+v", ev.Reasons)
	}
	if e := ev.Reasons[i]; e.Probability != want.Probability || e.Weight != want.Weight || !e.Linked() {
		t.Fatalf("reason %+v, want p=%v w=%v", e, want.Probability, want.Weight)
	}
	// The merge log holds it with its weight.
	logged, err := st.IdentityEvent(ctx, ev.ID)
	if err != nil || logged.Reasons[i].Weight != want.Weight {
		t.Fatalf("logged %+v %v", logged, err)
	}
	// Scanning again changes nothing.
	rep, err = r.ScanProbable(ctx, []string{"a", "b", "c"})
	if err != nil || len(rep.Merges) != 0 {
		t.Fatalf("rescan: %+v %v", rep, err)
	}
	if _, _, err := r.LinkProbable(ctx, "a", "b"); !errors.Is(err, identity.ErrSameCustomer) {
		t.Fatalf("link joined: %v", err)
	}
	if _, _, err := r.LinkProbable(ctx, "a", "nobody"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("link unknown: %v", err)
	}
}

func TestProbableExplainUnmerge(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	r := probResolver(t, st, 0.9, 0)
	// b2 joins b deterministically (same device), so the merge moves two
	// records.
	b2 := rec("b2", t0.Add(time.Hour), "device", "dev-0001")
	ingestAll(t, r, recA, recB, recC, b2)
	ids := []string{"a", "b", "b2", "c"}
	before := snapshot(t, st, ids)
	evs, p, err := r.LinkProbable(ctx, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	ev := evs[0]
	if len(evs) != 1 || ev.Kind != identity.EventProbableMerge {
		t.Fatalf("events %+v", evs)
	}
	if len(p.Evidence) != len(probFields) {
		t.Fatalf("evidence %+v", p.Evidence)
	}
	if got := storedPartition(t, st, ids); got != "a,b,b2 | c" {
		t.Fatalf("partition %q", got)
	}
	x, err := r.Explain(ctx, ev.Survivor())
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Probable) != 1 || x.Probable[0].Probability != p.Probability || len(x.Probable[0].Evidence) != len(probFields) {
		t.Fatalf("explanation probable links %+v", x.Probable)
	}
	sum := 0.0
	for _, f := range x.Probable[0].Evidence {
		sum += f.Weight
	}
	// The waterfall adds up to the weight: prior plus every field.
	if prior := pairProbability(t, recA, recB).PriorWeight; math.Abs(prior+sum-p.Weight) > 1e-9 {
		t.Fatalf("evidence sums to %v + prior %v, weight %v", sum, prior, p.Weight)
	}
	text := x.String()
	for _, want := range []string{"by probable: linked (p=", "probable: linked", "probable link a — b: p=", "postcode exact", "probable_merge", "date_of_birth"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	for _, pii := range []string{"jones", "1980-03-04", "kirkpatrick", "13812345678"} {
		if strings.Contains(strings.ToLower(text), pii) {
			t.Errorf("explanation shows %q:\n%s", pii, text)
		}
	}
	un, err := r.Unmerge(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if un.Undoes != ev.ID {
		t.Fatalf("unmerge %+v", un)
	}
	if after := snapshot(t, st, ids); !maps.Equal(before, after) {
		t.Fatalf("unmerge: %v, want %v", after, before)
	}
	// The unmerge is a cannot-link: later scans keep the pair apart.
	rep, err := r.ScanProbable(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Merges) != 0 || len(rep.KeptApart) != 1 || rep.KeptApart[0].A != "a" || rep.KeptApart[0].B != "b" {
		t.Fatalf("rescan after unmerge: %+v", rep)
	}
	if _, _, err := r.LinkProbable(ctx, "a", "b"); !errors.Is(err, identity.ErrKeptApart) {
		t.Fatalf("link after unmerge: %v", err)
	}
	// Re-ingesting the records respects it too.
	ingestAll(t, r, recA, recB, b2)
	if after := snapshot(t, st, ids); !maps.Equal(before, after) {
		t.Fatalf("re-ingest: %v, want %v", after, before)
	}
}

// TestProbableOrderIndependent: ingesting and scanning the same records
// in any order gives the same partition.
func TestProbableOrderIndependent(t *testing.T) {
	ctx := context.Background()
	recs := []identity.Record{recA, recB, recC,
		rec("b2", t0.Add(time.Hour), "device", "dev-0001", "phone", "13700000001"),
		person("d", "email", "li.wang@qq.com", "li", "wang", "1990-01-02", "100000", "chaoyang road"),
		person("e", "phone", "13700000002", "lei", "wang", "1990-01-02", "100000", "chaoyang rd"),
		person("f", "phone", "13700000001", "peter", "jones", "1955-11-20", "4000", "hay rd"),
		person("g", "member_id", "M-1", "anna", "smith", "1971-07-07", "3000", "collins street"),
	}
	var ids []string
	for _, x := range recs {
		ids = append(ids, x.ID)
	}
	var want string
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 12 {
		st := memstore.New()
		r := probResolver(t, st, 0.9, 0)
		perm := slices.Clone(recs)
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		ingestAll(t, r, perm...)
		scan := slices.Clone(ids)
		rng.Shuffle(len(scan), func(i, j int) { scan[i], scan[j] = scan[j], scan[i] })
		rep, err := r.ScanProbable(ctx, scan)
		if err != nil {
			t.Fatal(err)
		}
		// b had joined b2 and f by the device; linking it to a makes the
		// device shared, which splits b off: reported with the merges.
		if len(rep.Merges) != 3 || !slices.ContainsFunc(rep.Events, func(e identity.Event) bool { return e.Kind == identity.EventSplit }) {
			t.Fatalf("trial %d: merges %d, events %+v", trial, len(rep.Merges), rep.Events)
		}
		got := storedPartition(t, st, ids)
		if trial == 0 {
			want = got
			t.Logf("partition %s", got)
			// By hand: a-b, c-f and d-e are probable matches; b2 shares
			// a phone with f and a device with b, and a device (at most
			// one customer) carried by two anchored customers links none.
			if got != "a,b | b2,c,f | d,e | g" {
				t.Fatalf("partition %s", got)
			}
		} else if got != want {
			t.Fatalf("trial %d: %s, want %s", trial, got, want)
		}
	}
}

// TestResolveProbableConstraint: Resolve treats a probable constraint as a
// must-link and traces it with its score.
func TestResolveProbableConstraint(t *testing.T) {
	rules, _ := identity.NewRules(nil)
	ns := []identity.Node{{ID: "x", At: t0}, {ID: "y", At: t0}}
	k := identity.Constraint{ID: "probable:x|y", Kind: identity.MustLink, A: []string{"x"}, B: []string{"y"},
		Probability: 0.97, Weight: 5, Evidence: []identity.FieldWeight{{Field: "surname", Level: "exact", Weight: 4}}}
	p := identity.Resolve(ns, rules, []identity.Constraint{k}, true)
	if clusters(p.Clusters) != "x,y" || len(p.Edges) != 1 {
		t.Fatalf("%+v", p)
	}
	e := p.Edges[0]
	if e.Kind != identity.KindProbable || e.Probability != 0.97 || e.Weight != 5 || e.Detail != "p=0.9700, 5.0 bits: surname exact +4.00" {
		t.Fatalf("edge %+v", e)
	}
	// Without a score it is an operator's must-link.
	k.Probability = 0
	if e := identity.Resolve(ns, rules, []identity.Constraint{k}, true).Edges[0]; e.Kind != "" || e.Rule != identity.EdgeMustLink {
		t.Fatalf("edge %+v", e)
	}
}

func TestProbableKindReserved(t *testing.T) {
	if _, err := identity.NewRules([]identity.Rule{{Kind: identity.KindProbable}}); !errors.Is(err, identity.ErrInvalid) {
		t.Fatalf("%v, want ErrInvalid", err)
	}
}

// TestProbableSourceIDKind: a record without any identifier is stored
// through a host kind for its source id (as the package doc shows) and
// joined by the model only.
func TestProbableSourceIDKind(t *testing.T) {
	ctx := context.Background()
	rules, err := identity.NewRules(append(identity.DefaultRules(), identity.Rule{Kind: "source_id", Priority: 1}))
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	r := identity.NewResolver(st, &identity.Options{Rules: rules, NewID: seqIDs(t.Name()), Now: func() time.Time { return t0 },
		Probable: &identity.ProbableOptions{Model: probModel(t), Threshold: 0.9, Review: 0.5}})
	store := person("store-7", "source_id", "store-7", "mary", "jones", "1980-03-04", "2600", "kirkpatrick st")
	other := person("store-8", "source_id", "store-8", "mary", "jonas", "1980-03-04", "2911", "")
	ingestAll(t, r, recA, recC, store, other)
	rep, err := r.ScanProbable(ctx, []string{"a", "c", "store-7", "store-8"})
	if err != nil {
		t.Fatal(err)
	}
	if got := storedPartition(t, st, []string{"a", "c", "store-7", "store-8"}); got != "a,store-7 | c | store-8" {
		t.Fatalf("partition %s; report %+v", got, rep)
	}
}

// TestProbableFieldMapping: Fields name the record keys feeding each model
// field.
func TestProbableFieldMapping(t *testing.T) {
	ctx := context.Background()
	rename := func(r identity.Record) identity.Record {
		r.Fields = map[string]string{"first": r.Fields["given_name"], "last": r.Fields["surname"],
			"dob": r.Fields["date_of_birth"], "zip": r.Fields["postcode"], "street": r.Fields["address_1"]}
		return r
	}
	for _, mapped := range []bool{false, true} {
		st := memstore.New()
		o := &identity.ProbableOptions{Model: probModel(t), Threshold: 0.9}
		if mapped {
			o.Fields = []string{"first", "last", "dob", "zip", "street"}
		}
		r := identity.NewResolver(st, &identity.Options{Probable: o})
		ingestAll(t, r, rename(recA), rename(recB))
		rep, err := r.ScanProbable(ctx, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		// Unmapped, the model reads absent keys: no candidate pairs.
		if got := len(rep.Merges); got != map[bool]int{false: 0, true: 1}[mapped] {
			t.Fatalf("mapped=%v: %d merges", mapped, got)
		}
	}
}

// A customer absorbed by a probable merge is a former id of the survivor
// (so erasure, export and the 360° view follow it) and leads to the
// survivor (CurrentID); after an unmerge it is itself again.
func TestProbableMergeFormerIDs(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	r := probResolver(t, st, pairProbability(t, recA, recB).Probability, 0)
	ingestAll(t, r, recA, recB, recC)
	rep, err := r.ScanProbable(ctx, []string{"a", "b", "c"})
	if err != nil || len(rep.Merges) != 1 {
		t.Fatalf("scan: %+v %v", rep, err)
	}
	ev := rep.Merges[0]
	surv := ev.Survivor()
	var gone uuid.UUID
	for _, b := range ev.Before {
		if b.ID != surv {
			gone = b.ID
		}
	}
	former, err := r.FormerIDs(ctx, surv)
	if err != nil || !slices.Equal(former, []uuid.UUID{gone}) {
		t.Fatalf("FormerIDs(survivor) = %v, %v; want [%v]", former, err, gone)
	}
	for _, id := range []uuid.UUID{surv, gone} {
		if cur, err := r.CurrentID(ctx, id); err != nil || cur != surv {
			t.Fatalf("CurrentID(%v) = %v, %v; want the survivor", id, cur, err)
		}
	}
	if _, err := r.CurrentID(ctx, uuid.New()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("CurrentID(unknown): %v", err)
	}
	if _, err := r.Unmerge(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	if former, err := r.FormerIDs(ctx, surv); err != nil || len(former) != 0 {
		t.Fatalf("FormerIDs after unmerge = %v, %v", former, err)
	}
	if cur, err := r.CurrentID(ctx, gone); err != nil || cur != gone {
		t.Fatalf("CurrentID(unmerged) = %v, %v; want itself", cur, err)
	}
}

// ScanProbableOpened scores the opened records, and refuses an opener that
// loses or reorders them.
func TestScanProbableOpened(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	r := probResolver(t, st, pairProbability(t, recA, recB).Probability, 0)
	ingestAll(t, r, recA, recB, recC)
	ids := []string{"a", "b", "c"}
	// An opener that blanks every field: nothing left to match on.
	blank := func(_ context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
		out := slices.Clone(recs)
		for i := range out {
			out[i].Fields = nil
		}
		return out, nil
	}
	if rep, err := r.ScanProbableOpened(ctx, ids, blank); err != nil || len(rep.Merges) != 0 {
		t.Fatalf("blank opener: %d merges, %v", len(rep.Merges), err)
	}
	for name, bad := range map[string]identity.RecordOpener{
		"drops one": func(_ context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
			return recs[1:], nil
		},
		"reorders": func(_ context.Context, recs []identity.StoredRecord) ([]identity.StoredRecord, error) {
			return append(slices.Clone(recs[1:]), recs[0]), nil
		},
	} {
		if _, err := r.ScanProbableOpened(ctx, ids, bad); !errors.Is(err, identity.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	boom := errors.New("vault unavailable")
	if _, err := r.ScanProbableOpened(ctx, ids, func(context.Context, []identity.StoredRecord) ([]identity.StoredRecord, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("opener error: %v", err)
	}
	if rep, err := r.ScanProbableOpened(ctx, ids, nil); err != nil || len(rep.Merges) != 1 {
		t.Fatalf("no opener: %d merges, %v; want 1", len(rep.Merges), err)
	}
}
