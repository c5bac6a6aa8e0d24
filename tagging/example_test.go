package tagging_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/tagging"
)

func ExampleCompileJSON() {
	rule, err := tagging.CompileJSON([]byte(`{"all": [
		{"gte": {"field": "rfm.m", "value": 4}},
		{"gt": {"sumOrders": {"category": "seafood", "withinDays": 90}, "value": 500}}
	]}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := tagging.Customer{
		ID:  "c1",
		RFM: tagging.RFM{R: 3, F: 4, M: 5},
		Orders: []tagging.Order{
			{Time: now.AddDate(0, 0, -10), Amount: 42000, Categories: []string{"seafood"}},
			{Time: now.AddDate(0, 0, -20), Amount: 18000, Categories: []string{"seafood"}},
		},
	}
	fmt.Println(rule.Eval(&c, now))
	out, _ := rule.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// true
	// {"all":[{"gte":{"field":"rfm.m","value":4}},{"gt":{"sumOrders":{"category":"seafood","withinDays":90},"value":500}}]}
}

func ExampleParse_errors() {
	_, err := tagging.CompileJSON([]byte(`{"all": [
		{"gte": {"field": "rfm.m", "value": 4}},
		{"eq": {"field": "gender", "value": 1}},
		{"gt": {"field": "orders.total_30d", "value": 100}}
	]}`), nil)
	fmt.Println(err)
	// Output:
	// $.all[1].eq: type mismatch: field "gender" is string, value is number
	// $.all[2].gt: unknown field "orders.total_30d"
}

type printNotifier struct{}

func (printNotifier) Notify(_ context.Context, n tagging.Notification) error {
	fmt.Printf("notify %s: %s %s -> %s\n", n.Trigger, n.Transition, n.Tag, n.Action)
	return nil
}

func ExampleEngine() {
	rs, err := tagging.ParseRuleSet([]byte(`{"name": "lifecycle", "tags": [
		{"name": "active", "kind": "dynamic", "group": "stage", "priority": 2,
		 "rule": {"withinDays": {"field": "last_order_at", "days": 60}}},
		{"name": "sleeping", "kind": "dynamic", "group": "stage", "priority": 1,
		 "rule": {"olderThanDays": {"field": "last_order_at", "days": 60}}},
		{"name": "likes_seafood", "kind": "weighted", "halfLifeDays": 30, "threshold": 0.3,
		 "sources": [{"on": "order", "category": "seafood", "increment": 0.5}]}],
	 "triggers": [{"name": "winback", "tag": "sleeping", "on": "enter",
		 "action": "send_coupon", "windowDays": 30}]}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	eng := tagging.NewEngine(rs, &tagging.Options{
		Clock:    func() time.Time { return now },
		Notifier: printNotifier{},
	})
	c := tagging.Customer{
		ID:     "c1",
		Tags:   []tagging.TagValue{{Name: "active", Weight: 1}},
		Orders: []tagging.Order{{Time: now.AddDate(0, 0, -90), Amount: 9900, Categories: []string{"seafood"}}},
	}
	r, _ := eng.Evaluate(context.Background(), &c)
	for _, t := range r.Tags {
		fmt.Printf("%s %.3f\n", t.Name, t.Weight)
	}
	// Output:
	// notify winback: enter sleeping -> send_coupon
	// sleeping 1.000
}

func ExampleParseRuleSet() {
	_, err := tagging.ParseRuleSet([]byte(`{"tags": [
		{"name": "a", "kind": "dynamic", "rule": {"hasTag": "b"}},
		{"name": "b", "kind": "dynamic", "rule": {"all": [{"hasTag": "a"}, {"gt": {"field": "points", "value": "many"}}]}},
		{"name": "w", "kind": "weighted", "halfLifeDays": 30, "threshold": 0.3, "sources": [{"on": "order", "increment": 2}]}
	]}`), nil)
	fmt.Println(err)

	rs, _ := tagging.ParseRuleSet([]byte(`{"tags": [
		{"name": "sleeping", "kind": "dynamic",
		 "rule": {"olderThanDays": {"days": 60, "field": "last_order_at"}}}]}`), nil)
	out, _ := rs.MarshalJSON()
	fmt.Println(string(out))
	// Output:
	// $.tags[1].rule: tag reference cycle: "a" -> "b" -> "a"
	// $.tags[1].rule.all[1].gt: type mismatch: field "points" is number, value is string
	// $.tags[2].sources[0].increment: must be a number in (0, 1]
	// {"tags":[{"name":"sleeping","kind":"dynamic","rule":{"olderThanDays":{"field":"last_order_at","days":60}}}]}
}
