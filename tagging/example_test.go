package tagging_test

import (
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
