package tagging

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/internal/cputime"
)

// bigRuleSet returns a rule set of n dynamic tags cycling through ten
// typical rule shapes: field comparisons, lists, time windows, aggregates,
// tag references and birthdays.
func bigRuleSet(n int) string {
	var tags []string
	for i := range n {
		var rule string
		switch i % 10 {
		case 0:
			rule = fmt.Sprintf(`{"gte":{"field":"rfm.m","value":%d}}`, 1+i%5)
		case 1:
			rule = `{"in":{"field":"membership_level","values":["gold","platinum","diamond"]}}`
		case 2:
			rule = fmt.Sprintf(`{"gt":{"field":"points","value":%d}}`, 100*i)
		case 3:
			rule = fmt.Sprintf(`{"withinDays":{"field":"last_order_at","days":%d}}`, 10+i)
		case 4:
			rule = fmt.Sprintf(`{"gte":{"countOrders":{"withinDays":%d},"value":2}}`, 30+i)
		case 5:
			rule = fmt.Sprintf(`{"gt":{"sumOrders":{"category":"seafood","withinDays":%d},"value":300}}`, 60+i)
		case 6:
			rule = fmt.Sprintf(`{"gte":{"countEvents":{"type":"view","withinDays":%d},"value":3}}`, 7+i)
		case 7:
			rule = `{"all":[{"eq":{"field":"gender","value":"f"}},{"between":{"field":"rfm.r","min":2,"max":4}}]}`
		case 8:
			rule = fmt.Sprintf(`{"any":[{"hasTag":"t%d"},{"startsWith":{"field":"attr.city","value":"S"}}]}`, i-1)
		case 9:
			rule = `{"anniversaryWithinDays":{"field":"birth_date","days":7}}`
		}
		tags = append(tags, fmt.Sprintf(`{"name":"t%d","kind":"dynamic","rule":%s}`, i, rule))
	}
	return `{"name":"bench","tags":[` + strings.Join(tags, ",") + `]}`
}

// benchCustomers returns n seeded customers with 5 orders and 10 events.
func benchCustomers(n int) []Customer {
	rng := rand.New(rand.NewPCG(7, 11))
	levels := []string{"", "silver", "gold", "platinum"}
	cities := []string{"Shanghai", "Beijing", "Shenzhen", "Hangzhou"}
	cats := []string{"seafood", "tea", "fruit"}
	out := make([]Customer, n)
	for i := range out {
		c := &out[i]
		c.ID = fmt.Sprintf("c%07d", i)
		c.Gender = []string{"f", "m", ""}[rng.IntN(3)]
		c.BirthDate = time.Date(1960+rng.IntN(45), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		c.RegisteredAt = daysAgo(float64(rng.IntN(1000)))
		c.MembershipLevel = levels[rng.IntN(4)]
		c.Points = int64(rng.IntN(20000))
		c.Attributes = map[string]string{"city": cities[rng.IntN(4)]}
		c.RFM = RFM{R: 1 + rng.IntN(5), F: 1 + rng.IntN(5), M: 1 + rng.IntN(5)}
		for range 5 {
			c.Orders = append(c.Orders, Order{Time: daysAgo(float64(rng.IntN(365))), Amount: int64(rng.IntN(50000)), Categories: []string{cats[rng.IntN(3)]}})
		}
		for range 10 {
			c.Events = append(c.Events, Event{Type: []string{"view", "cart"}[rng.IntN(2)], Time: daysAgo(float64(rng.IntN(60)))})
		}
	}
	return out
}

// cycle yields total customers by cycling through cs.
func cycle(cs []Customer, total int) iter.Seq[*Customer] {
	return func(yield func(*Customer) bool) {
		for i := range total {
			if !yield(&cs[i%len(cs)]) {
				return
			}
		}
	}
}

// BenchmarkRuleSet1Mx100 evaluates 1,000,000 customers (10,000 distinct,
// cycled) against 100 rules per iteration; run with -benchtime=1x -cpu=1.
// "core" measures rule evaluation only, "EvaluateAll" the public path that
// also builds each customer's Result.
func BenchmarkRuleSet1Mx100(b *testing.B) {
	rs := mustRuleSet(b, bigRuleSet(100))
	cs := benchCustomers(10000)
	const total = 1000000
	b.Run("core", func(b *testing.B) {
		b.ReportAllocs()
		ev := rs.newEvaluator()
		clk := newClock(sampleNow, rs.needDate)
		tagged := 0
		cpu0 := cpuNanos()
		for b.Loop() {
			for c := range cycle(cs, total) {
				ev.run(c, clk, nil)
				for _, p := range ev.st.present {
					if p {
						tagged++
					}
				}
			}
		}
		b.ReportMetric(float64(cpuNanos()-cpu0)/1e9/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(tagged)/float64(b.N)/total, "tags/customer")
	})
	b.Run("EvaluateAll", func(b *testing.B) {
		b.ReportAllocs()
		eng := NewEngine(rs, &Options{Clock: func() time.Time { return sampleNow }})
		tagged := 0
		cpu0 := cpuNanos()
		for b.Loop() {
			for r, err := range eng.EvaluateAll(context.Background(), cycle(cs, total)) {
				if err != nil {
					b.Fatal(err)
				}
				tagged += len(r.Tags)
			}
		}
		b.ReportMetric(float64(cpuNanos()-cpu0)/1e9/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(tagged)/float64(b.N)/total, "tags/customer")
	})
}

// cpuNanos is the process's CPU time so far in nanoseconds (0 where
// unknown).
func cpuNanos() int64 { d, _ := cputime.Process(); return int64(d) }
