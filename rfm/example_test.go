package rfm_test

import (
	"fmt"
	"time"

	"github.com/cimkit/cimkit/rfm"
	"github.com/shopspring/decimal"
)

func Example() {
	g := rfm.NewAggregator(nil) // cents, UTC days
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, p := range []rfm.Purchase{
		{Customer: "alice", Order: "A1", Time: day("2026-01-05"), Amount: decimal.RequireFromString("120.00")},
		{Customer: "alice", Order: "A2", Time: day("2026-03-28"), Amount: decimal.RequireFromString("80.00")},
		{Customer: "bob", Order: "B1", Time: day("2025-11-02"), Amount: decimal.RequireFromString("15.50")},
		{Customer: "bob", Order: "B1-refund", Time: day("2025-11-09"), Amount: decimal.RequireFromString("-15.50")},
		{Customer: "carol", Order: "C1", Time: day("2026-03-30"), Amount: decimal.RequireFromString("9.99")},
	} {
		if err := g.Add(p); err != nil {
			panic(err)
		}
	}
	agg, _ := g.Aggregate(day("2026-03-31"), nil)
	scores, _ := rfm.Score(agg, rfm.ScoreOptions{Bins: 3, Method: rfm.Quantile})
	table := rfm.CN8Table()
	seg, _ := table.Assign(scores)
	for i := range agg.Len() {
		c := agg.Customer(i)
		fmt.Println(c.ID, c.RecencyDays, c.Frequency, c.Monetary, scores.R[i], scores.F[i], scores.M[i], table.Segments()[seg[i]])
	}
	// Output:
	// alice 3 2 200 2 3 3 重要保持客户
	// bob 149 1 0 1 1 1 一般挽留客户
	// carol 1 1 9.99 3 1 2 一般发展客户
}

// The CDNOW estimates of Fader, Hardie and Lee (weeks), applied to their
// customer 1: two repeat purchases, the last in week 30.43 of 38.86.
func ExampleBGNBD() {
	m := rfm.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	fmt.Printf("P(alive) %.3f\n", m.PAlive(2, 30.43, 38.86))
	fmt.Printf("expected purchases in the next 39 weeks %.3f\n", m.ExpectedPurchases(39, 2, 30.43, 38.86))
	fmt.Println(rfm.DefaultRisk().Level(m.PAlive(2, 30.43, 38.86)))
	// Output:
	// P(alive) 0.727
	// expected purchases in the next 39 weeks 1.226
	// low
}
