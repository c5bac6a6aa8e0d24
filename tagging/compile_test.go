package tagging

import (
	"errors"
	"testing"
	"time"
)

var sampleNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func daysAgo(d float64) time.Time {
	return sampleNow.Add(-time.Duration(d * 24 * float64(time.Hour)))
}

func sampleCustomer() Customer {
	return Customer{
		ID:              "c1",
		Gender:          "f",
		BirthDate:       time.Date(1990, 11, 27, 0, 0, 0, 0, time.UTC),
		RegisteredAt:    daysAgo(400),
		MembershipLevel: "gold",
		Points:          1500,
		Attributes:      map[string]string{"city": "Shanghai", "email_domain": "qq.com", "age": "34", "bad": "3x"},
		RFM:             RFM{R: 5, F: 4, M: 4, Segment: "champions"},
		Tags:            []TagValue{{Name: "vip", Weight: 1}, {Name: "old", Weight: 1, ExpiresAt: daysAgo(1)}, {Name: "likes_tea", Weight: 0.4}},
		Orders: []Order{
			{Time: daysAgo(5), Amount: 12050, Categories: []string{"seafood", "frozen"}},
			{Time: daysAgo(40), Amount: 30000, Categories: []string{"seafood"}},
			{Time: daysAgo(100), Amount: 9999, Categories: []string{"tea"}},
		},
		Events: []Event{
			{Type: "view", Time: daysAgo(1)},
			{Type: "view", Time: daysAgo(3)},
			{Type: "view", Time: daysAgo(10)},
			{Type: "cart", Time: daysAgo(2)},
			{Type: "view", Time: sampleNow.Add(time.Hour)}, // future: outside every window
		},
	}
}

func TestEval(t *testing.T) {
	cases := []struct {
		rule string
		want bool
	}{
		{`{"eq":{"field":"gender","value":"f"}}`, true},
		{`{"ne":{"field":"gender","value":"f"}}`, false},
		{`{"ne":{"field":"attr.missing","value":"f"}}`, false},
		{`{"gt":{"field":"points","value":1500}}`, false},
		{`{"gte":{"field":"points","value":1500}}`, true},
		{`{"lt":{"field":"rfm.r","value":5}}`, false},
		{`{"lte":{"field":"rfm.r","value":5}}`, true},
		{`{"between":{"field":"rfm.m","min":3,"max":4}}`, true},
		{`{"in":{"field":"membership_level","values":["silver","gold"]}}`, true},
		{`{"in":{"field":"membership_level","values":["a","b","c","d","e","f","g","h","i","gold"]}}`, true},
		{`{"in":{"field":"membership_level","values":["a","b","c","d","e","f","g","h","i","j"]}}`, false},
		{`{"in":{"field":"rfm.f","values":[1,4]}}`, true},
		{`{"eq":{"field":"rfm.segment","value":"champions"}}`, true},
		{`{"contains":{"field":"attr.city","value":"hai"}}`, true},
		{`{"startsWith":{"field":"attr.city","value":"hai"}}`, false},
		{`{"matches":{"field":"attr.email_domain","pattern":"^(qq|163)\\.com$"}}`, true},
		{`{"exists":{"field":"attr.city"}}`, true},
		{`{"exists":{"field":"attr.nope"}}`, false},
		{`{"exists":{"field":"birth_date"}}`, true},
		{`{"exists":{"field":"last_order_at"}}`, true},
		{`{"withinDays":{"field":"last_order_at","days":5}}`, true},
		{`{"withinDays":{"field":"last_order_at","days":4}}`, false},
		{`{"olderThanDays":{"field":"last_order_at","days":4}}`, true},
		{`{"olderThanDays":{"field":"registered_at","days":400}}`, false},
		{`{"withinDays":{"field":"last_event_at","days":1}}`, false}, // latest event is in the future
		{`{"anniversaryWithinDays":{"field":"birth_date","days":4}}`, true},
		{`{"anniversaryWithinDays":{"field":"birth_date","days":3}}`, false},
		{`{"eq":{"countEvents":{"type":"view","withinDays":3},"value":2}}`, true},
		{`{"eq":{"countEvents":{"type":"view","withinDays":30},"value":3}}`, true},
		{`{"eq":{"countOrders":{"category":"seafood","withinDays":90},"value":2}}`, true},
		{`{"eq":{"countOrders":{"withinDays":365},"value":3}}`, true},
		{`{"eq":{"sumOrders":{"withinDays":90},"value":420.5}}`, true},
		{`{"eq":{"sumOrders":{"category":"tea","withinDays":90},"value":0}}`, true},
		{`{"hasTag":"vip"}`, true},
		{`{"hasTag":"old"}`, false},
		{`{"gt":{"field":"tag.likes_tea","value":0.3}}`, true},
		{`{"gt":{"field":"attr.age","value":30}}`, true},
		{`{"exists":{"field":"attr.bad"}}`, false}, // declared number, does not parse
		{`{"all":[]}`, true},
		{`{"any":[]}`, false},
		{`{"not":{"any":[{"hasTag":"nope"},{"eq":{"field":"gender","value":"m"}}]}}`, true},
		{`{"all":[{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"nope"}]}`, false},
		{`{"all":[{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"vip"}]}`, true},
		{`{"all":[{"hasTag":"vip"},{"hasTag":"vip"},{"hasTag":"nope"}]}`, false},
	}
	s := DefaultSchema()
	s.Attributes = map[string]Type{"age": Number, "bad": Number}
	c := sampleCustomer()
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			r, err := CompileJSON([]byte(tc.rule), s)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Eval(&c, sampleNow); got != tc.want {
				t.Fatalf("got %v want %v", got, tc.want)
			}
		})
	}
	// a numeric attribute that does not parse is missing
	r, _ := CompileJSON([]byte(`{"gt":{"field":"attr.bad","value":0}}`), s)
	if r.Eval(&c, sampleNow) {
		t.Fatal("unparsable numeric attribute compared as present")
	}
	// an empty customer satisfies no comparison
	empty := Customer{}
	for _, tc := range cases[:27] {
		r, _ := CompileJSON([]byte(tc.rule), s)
		if r.Eval(&empty, sampleNow) {
			t.Errorf("%s: true for empty customer", tc.rule)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	s := DefaultSchema()
	s.StrictAttributes = true
	s.Attributes = map[string]Type{"city": String}
	cases := []struct{ in, want string }{
		{`{"all":[{"hasTag":"a"},{"hasTag":"b"},{"gt":{"field":"orders.total_30d","value":1}}]}`,
			`$.all[2].gt: unknown field "orders.total_30d"`},
		{`{"eq":{"field":"gender","value":3}}`, `$.eq: type mismatch: field "gender" is string, value is number`},
		{`{"gt":{"field":"gender","value":"a"}}`, `$.gt: gt needs a number subject, field "gender" is string`},
		{`{"in":{"field":"points","values":[1,"2"]}}`, `$.in: type mismatch: field "points" is number, value is string`},
		{`{"withinDays":{"field":"points","days":3}}`, `$.withinDays: withinDays needs a time subject, field "points" is number`},
		{`{"contains":{"countEvents":{"type":"v","withinDays":3},"value":"x"}}`, `$.contains: contains needs a string subject, aggregate countEvents is number`},
		{`{"exists":{"sumOrders":{"withinDays":3}}}`, `$.exists: exists needs a field, not an aggregate`},
		{`{"exists":{"field":"attr.undeclared"}}`, `$.exists: unknown field "attr.undeclared"`},
		{`{"matches":{"field":"attr.city","pattern":"(a"}}`, `$.matches.pattern: invalid pattern: missing closing )`},
		{`{"matches":{"field":"attr.city","pattern":"((((a{100}){10}){10}){10})"}}`, `$.matches.pattern: invalid pattern: invalid repeat count`},
		{`{"matches":{"field":"attr.city","pattern":"[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}[a-z]{1000}"}}`, `$.matches.pattern: pattern too large: 6002 instructions, limit 5000`},
		{`{"between":{"field":"points","min":3,"max":1}}`, `$.between: between needs min <= max`},
		{`{"anniversaryWithinDays":{"field":"birth_date","days":400}}`, `$.anniversaryWithinDays.days: anniversaryWithinDays needs days in 0..366`},
		{`{"all":[{"gt":{"field":"nope","value":1}},{"foo":{}},{"not":{"eq":{"field":"gender","value":1}}},{"in":{"field":"points"}}]}`,
			"$.all[0].gt: unknown field \"nope\"\n$.all[1].foo: unknown operator \"foo\"\n" +
				"$.all[2].not.eq: type mismatch: field \"gender\" is string, value is number\n$.all[3].in: missing \"values\""},
		{`{"any":[{"eq":{"field":"nope","value":1}},{"gt":{"field":"gender","value":1}}]}`,
			"$.any[0].eq: unknown field \"nope\"\n$.any[1].gt: gt needs a number subject, field \"gender\" is string"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			_, err := CompileJSON([]byte(tc.in), s)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			if err.Error() != tc.want {
				t.Fatalf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

// TestAnniversaryBruteForce checks daysToAnniversary against stepping day
// by day with the time package.
func TestAnniversaryBruteForce(t *testing.T) {
	births := []time.Time{
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	start := time.Date(2023, 1, 1, 15, 0, 0, 0, time.UTC)
	for day := 0; day < 3*366+2; day++ {
		now := start.AddDate(0, 0, day)
		clk := newClock(now, true)
		for _, b := range births {
			want := -1
			for k := 0; k <= 366; k++ {
				d := now.AddDate(0, 0, k)
				bm, bd := b.Month(), b.Day()
				if bm == 2 && bd == 29 && !isLeap(d.Year()) {
					bd = 28
				}
				if d.Month() == bm && d.Day() == bd {
					want = k
					break
				}
			}
			if got := daysToAnniversary(clk, int(b.Month()), b.Day()); got != int64(want) {
				t.Fatalf("now %s birth %s: got %d want %d", now.Format(time.DateOnly), b.Format(time.DateOnly), got, want)
			}
		}
	}
}

func TestCivilDays(t *testing.T) {
	for d := int64(-800000); d < 800000; d += 7 {
		tm := time.Unix(d*secondsPerDay, 0).UTC()
		if got := daysFromCivil(tm.Year(), int(tm.Month()), tm.Day()); got != d {
			t.Fatalf("daysFromCivil(%s) = %d want %d", tm, got, d)
		}
		y, m, dd := civilFromDays(d)
		if y != tm.Year() || m != int(tm.Month()) || dd != tm.Day() {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d want %s", d, y, m, dd, tm)
		}
	}
}

func TestEvalNoAllocs(t *testing.T) {
	rules := []string{
		benchRuleJSON,
		`{"matches":{"field":"attr.email_domain","pattern":"^(qq|163)\\.com$"}}`,
		`{"any":[{"gt":{"sumOrders":{"withinDays":90},"value":1}},{"anniversaryWithinDays":{"field":"birth_date","days":7}},{"gt":{"field":"attr.age","value":3}}]}`,
		`{"all":[{"hasTag":"vip"},{"gt":{"field":"tag.likes_tea","value":0.1}},{"in":{"field":"id","values":["a","b","c","d","e","f","g","h","i","c1"]}}]}`,
	}
	s := DefaultSchema()
	s.Attributes = map[string]Type{"age": Number}
	c := sampleCustomer()
	for _, src := range rules {
		r, err := CompileJSON([]byte(src), s)
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(100, func() { r.Eval(&c, sampleNow) }); a != 0 {
			t.Errorf("%s: %v allocs", src, a)
		}
	}
}

// benchRuleJSON is the 4-predicate rule of BenchmarkRule and of the peer
// benchmarks in bench/tagging.
const benchRuleJSON = `{"all":[{"gte":{"field":"rfm.m","value":4}},{"in":{"field":"membership_level","values":["gold","platinum"]}},{"gt":{"field":"points","value":1000}},{"eq":{"field":"gender","value":"f"}}]}`

func BenchmarkRule(b *testing.B) {
	r, err := CompileJSON([]byte(benchRuleJSON), nil)
	if err != nil {
		b.Fatal(err)
	}
	c := sampleCustomer()
	b.ReportAllocs()
	cpu0 := cpuNanos()
	for b.Loop() {
		if !r.Eval(&c, sampleNow) {
			b.Fatal("rule false")
		}
	}
	if cpu0 > 0 {
		b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/op")
	}
}
