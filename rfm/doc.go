// Package rfm computes recency, frequency and monetary (RFM) values and
// scores, segments customers with tables held as data, summarises the
// population, and fits the BG/NBD and Gamma-Gamma models for probability
// alive, expected purchases and customer lifetime value.
//
// It is pure computation over its own small input type, Purchase, and does
// not depend on any store. Definitions follow R's rfm package and Python's
// lifetimes where those are standard:
//
//   - recency is whole calendar days from the day of the last positive order
//     to the as-of day;
//   - rows sharing a customer and an order id are one order; an order counts
//     in frequency when its total is positive; refunds (negative totals under
//     their own order id) reduce monetary but are not orders;
//   - customers without a positive order are left out and listed in the
//     Report, as are counts of zero, refund, future and out-of-window orders.
//
// Lifetime value follows lifetimes: Aggregator.Lifetimes builds (frequency,
// recency, T, monetary) summaries per day or week, FitBGNBD and
// FitGammaGamma estimate the models by maximum likelihood (Nelder-Mead on
// log-parameters, with convergence reported in Fit), and CLV discounts the
// expected spend month by month. RiskTable turns P(alive) into churn-risk
// levels held as data.
//
// For large inputs, ReadCSV and Lines are the columnar hot path: ids
// interned once, days and integer minor units computed once.
//
// Aggregators merge exactly, so partitions of the input (shards, machines)
// can be aggregated apart and merged. Money is decimal.Decimal at the API and
// int64 minor units inside.
//
// Smallest use:
//
//	g := rfm.NewAggregator(nil)
//	for _, p := range purchases {
//		if err := g.Add(p); err != nil { ... }
//	}
//	agg, _ := g.Aggregate(asOf, nil)
//	scores, _ := rfm.Score(agg, rfm.ScoreOptions{Bins: 5})
//	seg, _ := rfm.DefaultTable().Assign(scores)
package rfm
