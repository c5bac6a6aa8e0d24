package main

import (
	"context"
	"math"
	"strings"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/rfm"
	"github.com/cimkit/cimkit/segment"
)

// analysis holds what the RFM and segmentation stages computed, for later
// stages (tags) to use.
type analysis struct {
	agg     *rfm.Aggregates
	scores  *rfm.Scores
	segment []string // RFM segment name per customer, parallel to agg.ID
	cluster []int    // k-means cluster per customer
	names   []string // suggested name per cluster
}

// rfmStage scores every customer in the store by recency, frequency and
// monetary value and prints the 11-segment table with revenue shares.
func rfmStage(ctx context.Context, p *progress, e *env) (*analysis, error) {
	defer p.stage("RFM scores and segments (as of " + demo.Now.Format("2006-01-02") + ")")()
	g := rfm.NewAggregator(nil)
	for c, err := range e.svc.Customers(ctx) {
		if err != nil {
			return nil, err
		}
		for o, err := range e.svc.OrdersWithMerged(ctx, c.ID) {
			if err != nil {
				return nil, err
			}
			if o.Status == customer.OrderCancelled {
				continue
			}
			if err := g.Add(rfm.Purchase{Customer: c.ID.String(), Order: o.ID.String(), Time: o.PlacedAt, Amount: o.Total, Currency: o.Currency}); err != nil {
				return nil, err
			}
			if o.Refunded.IsPositive() {
				if err := g.Add(rfm.Purchase{Customer: c.ID.String(), Order: o.ID.String() + "/refund", Time: o.PlacedAt, Amount: o.Refunded.Neg(), Currency: o.Currency}); err != nil {
					return nil, err
				}
			}
		}
	}
	agg, err := g.Aggregate(demo.Now, nil)
	if err != nil {
		return nil, err
	}
	scores, err := rfm.Score(agg, rfm.ScoreOptions{Bins: 5})
	if err != nil {
		return nil, err
	}
	table := rfm.DefaultTable()
	seg, err := table.Assign(scores)
	if err != nil {
		return nil, err
	}
	a := &analysis{agg: agg, scores: scores, segment: make([]string, len(seg))}
	names := table.Segments()
	for i, s := range seg {
		a.segment[i] = names[s]
	}
	m := rfm.Summarize(agg, table, seg)
	p.printf("    %d customers with orders; repurchase rate %.1f%%, AOV %s, mean purchase interval %.1f days, refund rate %.1f%%\n",
		m.Customers, 100*m.RepurchaseRate, m.AverageOrderValue.StringFixed(2), m.MeanPurchaseIntervalDays, 100*m.RefundRate)
	p.printf("    %-20s %9s %9s\n", "segment", "customers", "revenue")
	for _, s := range m.Segments {
		p.printf("    %-20s %9d %8.1f%%\n", s.Segment, s.Customers, 100*s.RevenueShare)
	}
	return a, nil
}

// segmentStage clusters customers by log-scaled recency, orders and spend
// with k-means and describes each cluster in words.
func segmentStage(p *progress, a *analysis) error {
	defer p.stage("K-means segments on recency, orders and spend (k = 5)")()
	n := a.agg.Len()
	if n < 5 {
		p.printf("    too few customers to cluster\n")
		return nil
	}
	unit := math.Pow10(int(a.agg.Scale)) // minor units per yuan
	data := make([]float64, 0, 3*n)
	for i := range n {
		data = append(data, float64(a.agg.Recency[i]), float64(a.agg.FrequencyValue(i)), a.agg.MonetaryValue(i)/unit)
	}
	x, err := segment.NewMatrix(data, n, 3)
	if err != nil {
		return err
	}
	scaler, err := segment.FitScaler(x, segment.ScaleSpec{Method: segment.ScaleZScore, Log1p: []int{1, 2}})
	if err != nil {
		return err
	}
	scaled, err := scaler.Transform(x)
	if err != nil {
		return err
	}
	model, err := segment.KMeans{NClusters: 5, NInit: 4, RandomState: 1}.Fit(scaled, nil)
	if err != nil {
		return err
	}
	a.cluster = model.Labels
	profiles, err := segment.Describe(x, model.Labels, segment.DescribeOptions{Columns: []string{"recency_days", "orders", "spend"}, Seed: 1})
	if err != nil {
		return err
	}
	a.names = make([]string, len(profiles))
	p.printf("    inertia %.1f after %d iterations\n", model.Inertia, model.NIter)
	for _, pr := range profiles {
		a.names[pr.Cluster] = pr.Name
		rule := ""
		if len(pr.Rules) > 0 {
			rule = pr.Rules[0].Text
		}
		p.printf("    cluster %d  %5d customers (%4.1f%%)  recency %5.0f d  orders %5.1f  spend %8.0f  %-18s %s\n",
			pr.Cluster, pr.Size, 100*pr.Share, pr.Center[0], pr.Center[1], pr.Center[2], pr.Name, strings.TrimSpace(rule))
	}
	return nil
}
