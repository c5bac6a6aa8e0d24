package tagging

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

const lifecycleRules = `{
 "name": "default",
 "tags": [
  {"name": "vip", "kind": "static"},
  {"name": "new", "kind": "dynamic", "group": "lifecycle", "priority": 4,
   "rule": {"withinDays": {"field": "registered_at", "days": 30}}},
  {"name": "active", "kind": "dynamic", "group": "lifecycle", "priority": 3,
   "rule": {"withinDays": {"field": "last_order_at", "days": 60}}},
  {"name": "sleeping", "kind": "dynamic", "group": "lifecycle", "priority": 2,
   "rule": {"olderThanDays": {"field": "last_order_at", "days": 60}}},
  {"name": "churned", "kind": "dynamic", "group": "lifecycle", "priority": 5,
   "rule": {"olderThanDays": {"field": "last_order_at", "days": 180}}},
  {"name": "vip_sleeping", "kind": "dynamic",
   "rule": {"all": [{"hasTag": "sleeping"}, {"hasTag": "vip"}]}},
  {"name": "seafood_fan", "kind": "dynamic",
   "rule": {"all": [{"gte": {"field": "tag.likes_seafood", "value": 0.5}}, {"not": {"hasTag": "churned"}}]}},
  {"name": "likes_seafood", "kind": "weighted", "halfLifeDays": 30, "threshold": 0.2,
   "sources": [{"on": "order", "category": "seafood", "increment": 0.4},
               {"on": "event", "type": "view", "category": "seafood", "increment": 0.05}]},
  {"name": "birthday_week", "kind": "dynamic",
   "rule": {"anniversaryWithinDays": {"field": "birth_date", "days": 6}}}
 ],
 "triggers": [
  {"name": "winback", "tag": "sleeping", "on": "enter", "action": "coupon", "purpose": "marketing", "windowDays": 30},
  {"name": "goodbye", "tag": "active", "on": "leave", "action": "survey", "windowDays": 7}
 ]
}`

func mustRuleSet(t testing.TB, src string) *RuleSet {
	t.Helper()
	rs, err := ParseRuleSet([]byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestRuleSetRoundTrip(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	out, _ := rs.MarshalJSON()
	rs2, err := ParseRuleSet(out, nil)
	if err != nil {
		t.Fatalf("canonical form does not parse: %v\n%s", err, out)
	}
	out2, _ := rs2.MarshalJSON()
	if string(out) != string(out2) {
		t.Fatalf("not stable:\n%s\n%s", out, out2)
	}
	if !strings.Contains(string(out), `{"name":"new","kind":"dynamic","group":"lifecycle","priority":4,"rule":{"withinDays":{"field":"registered_at","days":30}}}`) {
		t.Fatalf("unexpected canonical form: %s", out)
	}
}

func TestRuleSetErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"cycle", `{"tags":[
			{"name":"a","kind":"dynamic","rule":{"hasTag":"b"}},
			{"name":"b","kind":"dynamic","rule":{"gt":{"field":"tag.c","value":0}}},
			{"name":"c","kind":"dynamic","rule":{"not":{"hasTag":"a"}}}]}`,
			`$.tags[2].rule: tag reference cycle: "a" -> "b" -> "c" -> "a"`},
		{"self", `{"tags":[{"name":"a","kind":"dynamic","rule":{"hasTag":"a"}}]}`,
			`$.tags[0].rule: tag reference cycle: "a" -> "a"`},
		{"own group", `{"tags":[
			{"name":"a","kind":"dynamic","group":"g","rule":{"hasTag":"b"}},
			{"name":"b","kind":"dynamic","group":"g","rule":{"all":[]}}]}`,
			`$.tags[0].rule: tag reference cycle: "a" -> "a"`},
		{"rule paths", `{"tags":[{"name":"a","kind":"dynamic","rule":{"all":[{"gt":{"field":"orders.total_30d","value":1}}]}},
			{"name":"b","kind":"dynamic","rule":{"foo":1}}]}`,
			"$.tags[0].rule.all[0].gt: unknown field \"orders.total_30d\"\n$.tags[1].rule.foo: unknown operator \"foo\""},
		{"compile paths", `{"tags":[{"name":"a","kind":"dynamic","rule":{"all":[{"hasTag":"x"},{"gt":{"field":"orders.total_30d","value":1}}]}}]}`,
			`$.tags[0].rule.all[1].gt: unknown field "orders.total_30d"`},
		{"duplicate", `{"tags":[{"name":"a","kind":"static"},{"name":"a","kind":"static"}]}`,
			`$.tags[1].name: duplicate tag name, first defined at $.tags[0]`},
		{"shapes", `{"tags":[{"name":"a","kind":"dynamic"},{"name":"w","kind":"weighted","halfLifeDays":0,"threshold":2,"sources":[{"on":"click","increment":0}]},{"kind":"x"}],"extra":1}`,
			"$: unknown key \"extra\"\n" +
				"$.tags[0]: dynamic tag needs \"rule\"\n" +
				"$.tags[1].halfLifeDays: must be a number in (0, 36600]\n" +
				"$.tags[1].threshold: must be a number in (0, 1]\n" +
				"$.tags[1].sources[0].on: on must be \"event\" or \"order\"\n" +
				"$.tags[1].sources[0].increment: must be a number in (0, 1]\n" +
				"$.tags[2].kind: kind must be \"static\", \"dynamic\" or \"weighted\"\n" +
				"$.tags[2]: missing \"name\""},
		{"trigger", `{"tags":[],"triggers":[{"name":"t","tag":"nope","on":"enter","action":"x","windowDays":1}]}`,
			`$.triggers[0].tag: unknown tag "nope"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRuleSet([]byte(tc.in), nil)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			if err.Error() != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestRuleSetEvaluate(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	now := sampleNow
	seafood := func(d float64) Order {
		return Order{Time: daysAgo(d), Amount: 100, Categories: []string{"seafood"}}
	}
	cases := []struct {
		name string
		c    Customer
		want string
	}{
		{"new and active: new wins", Customer{RegisteredAt: daysAgo(10), Orders: []Order{seafood(5)}}, "likes_seafood,new"},
		{"active", Customer{RegisteredAt: daysAgo(100), Orders: []Order{{Time: daysAgo(5)}}}, "active"},
		{"churned beats sleeping", Customer{Orders: []Order{{Time: daysAgo(200)}}}, "churned"},
		{"vip sleeping", Customer{Orders: []Order{{Time: daysAgo(90)}}, Tags: []TagValue{{Name: "vip", Weight: 1, Source: "manual"}}}, "sleeping,vip,vip_sleeping"},
		{"expired vip", Customer{Orders: []Order{{Time: daysAgo(90)}}, Tags: []TagValue{{Name: "vip", Weight: 1, ExpiresAt: daysAgo(1)}}}, "sleeping"},
		{"seafood fan", Customer{Orders: []Order{seafood(1), seafood(2)}}, "active,likes_seafood,seafood_fan"},
		{"old seafood decays", Customer{Orders: []Order{seafood(70), seafood(71)}}, "sleeping"},
		{"birthday", Customer{BirthDate: time.Date(1992, 11, 29, 0, 0, 0, 0, time.UTC)}, "birthday_week"},
		{"stale computed tags are recomputed", Customer{Tags: []TagValue{{Name: "active", Weight: 1}, {Name: "host_tag", Weight: 1}}}, "host_tag"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rs.Evaluate(&tc.c, now)
			var names []string
			for _, tv := range r.Tags {
				names = append(names, tv.Name)
			}
			if got := strings.Join(names, ","); got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
}

// TestWeightedOracle checks weights against the closed form
// sum(inc * 0.5^(age/halfLife)) computed with math.Pow.
func TestWeightedOracle(t *testing.T) {
	rs := mustRuleSet(t, lifecycleRules)
	c := Customer{
		Orders: []Order{
			{Time: daysAgo(0), Categories: []string{"seafood"}},
			{Time: daysAgo(30), Categories: []string{"seafood", "x"}},
			{Time: daysAgo(45), Categories: []string{"tea"}},
			{Time: daysAgo(-1), Categories: []string{"seafood"}}, // future: ignored
		},
		Events: []Event{
			{Type: "view", Time: daysAgo(15), Properties: map[string]string{"category": "seafood"}},
			{Type: "cart", Time: daysAgo(15), Properties: map[string]string{"category": "seafood"}},
			{Type: "view", Time: daysAgo(15), Properties: map[string]string{"category": "tea"}},
		},
	}
	want := 0.4 + 0.4*math.Pow(0.5, 1) + 0.05*math.Pow(0.5, 0.5)
	r := rs.Evaluate(&c, sampleNow)
	var got float64
	for _, tv := range r.Tags {
		if tv.Name == "likes_seafood" {
			got = tv.Weight
		}
	}
	if math.Abs(got-want) > 1e-12 {
		t.Fatalf("weight %v want %v", got, want)
	}
	// capped at 1
	for range 5 {
		c.Orders = append(c.Orders, Order{Time: daysAgo(1), Categories: []string{"seafood"}})
	}
	r = rs.Evaluate(&c, sampleNow)
	if !r.Has("likes_seafood") || r.Tags[len(r.Tags)-1].Name != "seafood_fan" {
		t.Fatalf("tags %+v", r.Tags)
	}
	for _, tv := range r.Tags {
		if tv.Name == "likes_seafood" && tv.Weight != 1 {
			t.Fatalf("weight %v, want capped 1", tv.Weight)
		}
	}
	if r.Weights[0].Score <= 1 {
		t.Fatalf("state score %v should stay uncapped", r.Weights[0].Score)
	}
}

func FuzzParseRuleSet(f *testing.F) {
	f.Add([]byte(lifecycleRules))
	f.Add([]byte(`{"tags":[{"name":"a","kind":"dynamic","rule":{"hasTag":"b"}},{"name":"b","kind":"dynamic","rule":{"hasTag":"a"}}]}`))
	f.Add([]byte(`{"tags":[{"name":"w","kind":"weighted","halfLifeDays":1,"threshold":0.5,"sources":[{"on":"event","increment":1}]}]}`))
	f.Add([]byte(`{"tags":[],"triggers":[{"name":"t","tag":"x","on":"enter","action":"a","windowDays":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRuleSet(data, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		out, _ := rs.MarshalJSON()
		rs2, err := ParseRuleSet(out, nil)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, out)
		}
		if out2, _ := rs2.MarshalJSON(); string(out2) != string(out) {
			t.Fatalf("canonical form not stable:\n%s\n%s", out, out2)
		}
		c := sampleCustomer()
		rs.Evaluate(&c, sampleNow)
		rs.Evaluate(&Customer{}, sampleNow)
	})
}

func TestTransitionsWithUnsortedPreviousTags(t *testing.T) {
	rs := mustRuleSet(t, `{"tags":[{"name":"x","kind":"dynamic","rule":{"all":[]}},{"name":"y","kind":"dynamic","rule":{"any":[]}}]}`)
	c := Customer{Tags: []TagValue{
		{Name: "m", Weight: 1, ExpiresAt: daysAgo(1)},
		{Name: "y", Weight: 1},
		{Name: "a", Weight: 1},
		{Name: "m", Weight: 1, ExpiresAt: daysAgo(1)},
	}}
	before := slices.Clone(c.Tags)
	r := rs.Evaluate(&c, sampleNow)
	if got := names(r.Tags); !slices.Equal(got, []string{"a", "x"}) {
		t.Fatalf("tags %v", got)
	}
	if !slices.Equal(r.Entered, []string{"x"}) || !slices.Equal(r.Left, []string{"m", "y"}) {
		t.Fatalf("entered %v left %v", r.Entered, r.Left)
	}
	if !slices.EqualFunc(c.Tags, before, func(a, b TagValue) bool { return a.Name == b.Name }) {
		t.Fatalf("input tags modified: %v", names(c.Tags))
	}
}
