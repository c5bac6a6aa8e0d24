package tagging

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeClock) Set(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

type recorder struct {
	mu   sync.Mutex
	got  []Notification
	fail error
}

func (r *recorder) Notify(_ context.Context, n Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, n)
	return nil
}

type consent map[string]bool

func (c consent) Allowed(_ context.Context, id, purpose string) (bool, error) {
	if id == "broken" {
		return false, errors.New("consent store down")
	}
	return c[id+"/"+purpose], nil
}

// randomHistory returns a customer's activities in time order between
// start and end.
func randomHistory(rng *rand.Rand, start time.Time, n int) (events []Event, orders []Order) {
	cats := []string{"seafood", "tea", "fruit"}
	types := []string{"view", "cart", "login"}
	t := start
	for range n {
		t = t.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
		if rng.IntN(3) == 0 {
			orders = append(orders, Order{Time: t, Amount: int64(rng.IntN(50000)), Categories: []string{cats[rng.IntN(3)]}})
		} else {
			events = append(events, Event{Type: types[rng.IntN(3)], Time: t, Properties: map[string]string{"category": cats[rng.IntN(3)]}})
		}
	}
	return events, orders
}

// TestBatchEqualsIncremental feeds each customer's history one activity at
// a time through OnEvent/OnOrder and compares the final tag set with
// EvaluateAll over the full history at the same instant.
func TestBatchEqualsIncremental(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const customers = 200
	var full []*Customer
	var incr []Result
	eng := NewEngine(rs, nil)
	ctx := context.Background()
	var final time.Time
	for i := range customers {
		events, orders := randomHistory(rng, start, rng.IntN(40))
		base := Customer{
			ID:           string(rune('a' + i%26)),
			RegisteredAt: start.Add(time.Duration(rng.IntN(300)) * 24 * time.Hour),
			BirthDate:    time.Date(1980+rng.IntN(20), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
		}
		if rng.IntN(4) == 0 {
			base.Tags = []TagValue{{Name: "vip", Weight: 1, Source: "manual"}}
		}
		clk := &fakeClock{}
		eng.opts.Clock = clk.Now
		cur := base
		ei, oi := 0, 0
		var r Result
		for ei < len(events) || oi < len(orders) {
			var err error
			if oi == len(orders) || (ei < len(events) && !events[ei].Time.After(orders[oi].Time)) {
				advance(clk, events[ei].Time.Add(time.Duration(rng.IntN(3600))*time.Second))
				r, err = eng.OnEvent(ctx, &cur, events[ei])
				cur.Events = append(cur.Events, events[ei])
				ei++
			} else {
				advance(clk, orders[oi].Time.Add(time.Duration(rng.IntN(3600))*time.Second))
				r, err = eng.OnOrder(ctx, &cur, orders[oi])
				cur.Orders = append(cur.Orders, orders[oi])
				oi++
			}
			if err != nil {
				t.Fatal(err)
			}
			cur.Tags, cur.Weights = r.Tags, r.Weights
		}
		if ei+oi == 0 {
			continue
		}
		// the last incremental step happened at the final clock reading
		c := base
		c.Events, c.Orders = events, orders
		final = clk.Now()
		batchEng := NewEngine(rs, &Options{Clock: func() time.Time { return final }})
		for br, err := range batchEng.EvaluateAll(ctx, slices.Values([]*Customer{&c})) {
			if err != nil {
				t.Fatal(err)
			}
			compareResults(t, i, br, r)
		}
		full = append(full, &c)
		incr = append(incr, r)
	}
	if len(full) < customers/2 {
		t.Fatalf("only %d customers with history", len(full))
	}
}

// advance moves the clock forward to t; a clock never goes back.
func advance(clk *fakeClock, t time.Time) {
	if t.After(clk.Now()) {
		clk.Set(t)
	}
}

func compareResults(t *testing.T, i int, batch, incr Result) {
	t.Helper()
	if len(batch.Tags) != len(incr.Tags) {
		t.Fatalf("customer %d: batch %v incremental %v", i, names(batch.Tags), names(incr.Tags))
	}
	for k := range batch.Tags {
		b, n := batch.Tags[k], incr.Tags[k]
		if b.Name != n.Name || math.Abs(b.Weight-n.Weight) > 1e-9 {
			t.Fatalf("customer %d: batch %+v incremental %+v", i, b, n)
		}
	}
}

func names(tags []TagValue) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

func TestTriggers(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	clk := &fakeClock{now: sampleNow}
	rec := &recorder{}
	cons := consent{"c1/marketing": true}
	eng := NewEngine(rs, &Options{Clock: clk.Now, Notifier: rec, Consent: cons})
	ctx := context.Background()

	active := Customer{ID: "c1", Orders: []Order{{Time: daysAgo(59)}}, Tags: []TagValue{{Name: "active", Weight: 1}}}
	r, err := eng.Evaluate(ctx, &active)
	if err != nil || len(r.Entered)+len(r.Left) != 0 || len(rec.got) != 0 {
		t.Fatalf("no transition expected: %+v %v %v", r, err, rec.got)
	}
	// two days later the customer is sleeping: winback (enter sleeping) and
	// goodbye (leave active) fire
	clk.Set(sampleNow.Add(48 * time.Hour))
	r, err = eng.Evaluate(ctx, &active)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Entered, []string{"sleeping"}) || !slices.Equal(r.Left, []string{"active"}) {
		t.Fatalf("entered %v left %v", r.Entered, r.Left)
	}
	if len(rec.got) != 2 || rec.got[0].Trigger != "winback" || rec.got[1].Trigger != "goodbye" {
		t.Fatalf("notifications %+v", rec.got)
	}
	key := rec.got[0].Key
	// same transition again in the same window: nothing
	r, _ = eng.Evaluate(ctx, &active)
	if len(rec.got) != 2 {
		t.Fatalf("fired twice in a window: %+v", rec.got)
	}
	// the goodbye window (7 days) has passed, the winback window (30) not
	clk.Set(sampleNow.Add(10 * 24 * time.Hour))
	eng.Evaluate(ctx, &active)
	if len(rec.got) != 3 || rec.got[2].Trigger != "goodbye" {
		t.Fatalf("notifications %+v", rec.got)
	}
	// a second engine computes the same idempotency key
	eng2 := NewEngine(rs, &Options{Clock: func() time.Time { return sampleNow.Add(48 * time.Hour) }, Notifier: rec, Consent: cons})
	eng2.Evaluate(ctx, &active)
	if rec.got[3].Key != key {
		t.Fatalf("idempotency key not stable: %s vs %s", rec.got[3].Key, key)
	}

	// no consent: winback suppressed, goodbye (no purpose) still sent
	rec.got = nil
	other := active
	other.ID = "c2"
	eng.Evaluate(ctx, &other)
	if len(rec.got) != 1 || rec.got[0].Trigger != "goodbye" {
		t.Fatalf("consent not applied: %+v", rec.got)
	}
	// consent error: returned, nothing marked so it fires when fixed
	broken := active
	broken.ID = "broken"
	rec.got = nil
	if _, err := eng.Evaluate(ctx, &broken); err == nil {
		t.Fatal("consent error not returned")
	}
	if len(rec.got) != 1 || rec.got[0].Trigger != "goodbye" {
		t.Fatalf("trigger without purpose must not need consent: %+v", rec.got)
	}
	rec.got = nil
	// notifier failure releases the reservation
	rec.fail = errors.New("queue down")
	c3 := active
	c3.ID = "c1"
	clk.Set(sampleNow.Add(100 * 24 * time.Hour))
	if _, err := eng.Evaluate(ctx, &c3); err == nil {
		t.Fatal("notifier error not returned")
	}
	rec.fail = nil
	eng.Evaluate(ctx, &c3)
	if len(rec.got) != 2 || rec.got[0].CustomerID != "c1" || rec.got[0].Trigger != "winback" {
		t.Fatalf("retry after failure: %+v", rec.got)
	}
}

func TestTriggersConcurrentAtMostOnce(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	rec := &recorder{}
	eng := NewEngine(rs, &Options{Clock: func() time.Time { return sampleNow }, Notifier: rec})
	c := Customer{ID: "c9", Orders: []Order{{Time: daysAgo(90)}}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			eng.Evaluate(context.Background(), &c)
		}()
	}
	wg.Wait()
	if len(rec.got) != 1 {
		t.Fatalf("%d notifications, want 1", len(rec.got))
	}
}

func TestEvaluateAllCancel(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	eng := NewEngine(rs, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := []*Customer{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	n := 0
	var last error
	for _, err := range eng.EvaluateAll(ctx, slices.Values(cs)) {
		n++
		last = err
		cancel()
	}
	if n != 2 || !errors.Is(last, context.Canceled) {
		t.Fatalf("n=%d err=%v", n, last)
	}
}

// TestConcurrentEvaluation shares one compiled rule and rule set between
// goroutines; run under -race it checks they are immutable.
func TestConcurrentEvaluation(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	rule, err := CompileJSON([]byte(benchRuleJSON), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sampleCustomer()
	want := rs.Evaluate(&c, sampleNow)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if !rule.Eval(&c, sampleNow) {
					t.Error("rule false")
					return
				}
				r := rs.Evaluate(&c, sampleNow)
				if !slices.Equal(names(r.Tags), names(want.Tags)) {
					t.Errorf("got %v want %v", names(r.Tags), names(want.Tags))
					return
				}
			}
		}()
	}
	wg.Wait()
}
