package rfm

import "github.com/shopspring/decimal"

// Metrics summarises a population of customers.
type Metrics struct {
	Customers int
	Orders    int // positive orders
	// RepurchaseRate is the share of customers with two or more orders.
	RepurchaseRate float64
	// AverageOrderValue is gross positive order value per positive order,
	// rounded to Scale+2 places.
	AverageOrderValue decimal.Decimal
	// MeanPurchaseIntervalDays pools repeat customers: the sum of their
	// (last - first) days over the sum of their (orders - 1).
	// Zero when nobody repeated.
	MeanPurchaseIntervalDays float64
	// RefundRate is refunded value over gross positive value.
	RefundRate float64
	// Segments gives, per segment in table order, its customers and share
	// of net revenue (zero shares when net revenue is zero).
	Segments []SegmentShare
}

// SegmentShare is one segment's size and revenue share.
type SegmentShare struct {
	Segment      string
	Customers    int
	Net          decimal.Decimal
	RevenueShare float64
}

// Summarize computes population metrics. t and seg may be nil (no segment
// shares); otherwise seg is the output of t.Assign for these customers.
func Summarize(a *Aggregates, t *Table, seg []uint8) Metrics {
	m := Metrics{Customers: a.Len()}
	var repeaters, spanDays, gaps int
	var net int64
	for i := range a.Len() {
		o := int(a.Orders[i])
		m.Orders += o
		net += a.NetMinor[i]
		if o >= 2 {
			repeaters++
			spanDays += int(a.Last[i] - a.First[i])
			gaps += o - 1
		}
	}
	if m.Customers > 0 {
		m.RepurchaseRate = float64(repeaters) / float64(m.Customers)
	}
	if m.Orders > 0 {
		m.AverageOrderValue = decimal.New(a.Report.GrossMinor, -a.Scale).
			DivRound(decimal.NewFromInt(int64(m.Orders)), a.Scale+2)
	}
	if gaps > 0 {
		m.MeanPurchaseIntervalDays = float64(spanDays) / float64(gaps)
	}
	if a.Report.GrossMinor > 0 {
		m.RefundRate = float64(-a.Report.RefundMinor) / float64(a.Report.GrossMinor)
	}
	if t != nil && len(seg) == a.Len() {
		names := t.Segments()
		cnt := make([]int, len(names))
		sum := make([]int64, len(names))
		for i, s := range seg {
			cnt[s]++
			sum[s] += a.NetMinor[i]
		}
		for k, name := range names {
			sh := SegmentShare{Segment: name, Customers: cnt[k], Net: decimal.New(sum[k], -a.Scale)}
			if net != 0 {
				sh.RevenueShare = float64(sum[k]) / float64(net)
			}
			m.Segments = append(m.Segments, sh)
		}
	}
	return m
}
