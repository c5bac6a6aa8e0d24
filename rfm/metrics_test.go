package rfm

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestSummarize(t *testing.T) {
	day := func(d int) time.Time { return asOf.AddDate(0, 0, -d) }
	g := NewAggregator(nil)
	add := func(c, o string, d int, amt string) {
		if err := g.Add(Purchase{Customer: c, Order: o, Time: day(d), Amount: decimal.RequireFromString(amt)}); err != nil {
			t.Fatal(err)
		}
	}
	add("a", "1", 30, "100")
	add("a", "2", 20, "50")
	add("a", "3", 0, "30")
	add("a", "r", 0, "-20")
	add("b", "4", 5, "20")
	add("c", "5", 100, "10")
	add("c", "6", 40, "10")
	a, _ := g.Aggregate(asOf, nil)
	s, _ := Score(a, ScoreOptions{Bins: 3})
	tb := CN8Table()
	seg, _ := tb.Assign(s)
	m := Summarize(a, tb, seg)
	// 3 customers, 6 orders, 2 repeaters; gross 220, refunds 20.
	if m.Customers != 3 || m.Orders != 6 || math.Abs(m.RepurchaseRate-2.0/3) > 1e-15 {
		t.Fatalf("%+v", m)
	}
	if m.AverageOrderValue.String() != "36.6667" {
		t.Fatalf("aov %s", m.AverageOrderValue)
	}
	// spans: a 30 days over 2 gaps, c 60 over 1: 90/3.
	if m.MeanPurchaseIntervalDays != 30 || math.Abs(m.RefundRate-20.0/220) > 1e-15 {
		t.Fatalf("%+v", m)
	}
	var share float64
	var cust int
	for _, sh := range m.Segments {
		share += sh.RevenueShare
		cust += sh.Customers
	}
	if math.Abs(share-1) > 1e-12 || cust != 3 || len(m.Segments) != 8 {
		t.Fatalf("segments %+v", m.Segments)
	}
}
