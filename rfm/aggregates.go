package rfm

import (
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// FrequencyMode selects what the F of RFM counts.
type FrequencyMode int

const (
	// Orders counts orders with a positive total (the default).
	Orders FrequencyMode = iota
	// RepeatOrders counts orders after the first: Orders minus one.
	RepeatOrders
)

// MonetaryMode selects what the M of RFM measures.
type MonetaryMode int

const (
	// Total is the net amount (orders minus refunds) in the window (the default).
	Total MonetaryMode = iota
	// MeanPerOrder is Total divided by the number of positive orders.
	MeanPerOrder
)

// Options controls aggregation. The zero value aggregates every purchase up to
// the as-of date, counts all orders and sums money.
type Options struct {
	// Since, when not zero, leaves out orders dated before this calendar day
	// (in the aggregation's location); they are counted in Report.BeforeWindow.
	Since time.Time
	// Frequency chooses orders or repeat orders.
	Frequency FrequencyMode
	// Monetary chooses total or mean per order.
	Monetary MonetaryMode
}

// Report accounts for every order that did not become part of a customer's
// RFM values, so nothing is dropped silently.
type Report struct {
	Lines        int   // purchase rows read
	Orders       int   // orders with a positive total, counted in frequency
	RefundOrders int   // orders with a negative total: reduce monetary, not counted
	ZeroOrders   int   // orders totalling zero: neither counted nor money
	FutureOrders int   // orders dated after the as-of day: left out
	BeforeWindow int   // orders dated before Options.Since: left out
	GrossMinor   int64 // sum of positive order totals, minor units
	RefundMinor  int64 // sum of negative order totals (<= 0), minor units
	// Excluded lists, sorted, every customer seen in the input but left out
	// because no positive order of theirs falls in the window (only refunds,
	// zero orders, or orders outside the window). Their money is not in
	// GrossMinor or RefundMinor.
	Excluded []string
}

// Aggregates holds the per-customer RFM values in columns, one entry per
// customer with at least one positive order, in first-seen order. Money is in
// integer minor units (Scale decimal places).
type Aggregates struct {
	AsOf      Day
	Scale     int32
	Frequency FrequencyMode
	Monetary  MonetaryMode
	Location  *time.Location

	ID       []string
	Recency  []int32 // whole calendar days from the last positive order to AsOf
	Orders   []int32 // positive orders
	NetMinor []int64 // orders minus refunds, minor units
	First    []Day   // day of the first positive order
	Last     []Day   // day of the last positive order

	Report Report
}

// Len returns the number of customers.
func (a *Aggregates) Len() int { return len(a.ID) }

// FrequencyValue returns customer i's F under the chosen FrequencyMode.
func (a *Aggregates) FrequencyValue(i int) int {
	if a.Frequency == RepeatOrders {
		return int(a.Orders[i]) - 1
	}
	return int(a.Orders[i])
}

// MonetaryValue returns customer i's M in minor units as used for scoring.
func (a *Aggregates) MonetaryValue(i int) float64 {
	if a.Monetary == MeanPerOrder {
		return float64(a.NetMinor[i]) / float64(a.Orders[i])
	}
	return float64(a.NetMinor[i])
}

// Customer is one customer's RFM values in API form.
type Customer struct {
	ID          string
	RecencyDays int
	Frequency   int             // per the FrequencyMode
	Orders      int             // positive orders
	Monetary    decimal.Decimal // per the MonetaryMode (mean rounded to Scale+4 places)
	Net         decimal.Decimal // orders minus refunds
	First       time.Time       // midnight of the first positive order's day
	Last        time.Time       // midnight of the last positive order's day
	TenureDays  int             // days from First to the as-of day
}

// Customer returns customer i in API form.
func (a *Aggregates) Customer(i int) Customer {
	net := decimal.New(a.NetMinor[i], -a.Scale)
	m := net
	if a.Monetary == MeanPerOrder {
		m = net.DivRound(decimal.NewFromInt(int64(a.Orders[i])), a.Scale+4)
	}
	return Customer{
		ID:          a.ID[i],
		RecencyDays: int(a.Recency[i]),
		Frequency:   a.FrequencyValue(i),
		Orders:      int(a.Orders[i]),
		Monetary:    m,
		Net:         net,
		First:       a.First[i].Time(a.Location),
		Last:        a.Last[i].Time(a.Location),
		TenureDays:  int(a.AsOf - a.First[i]),
	}
}

type custAcc struct {
	net   int64
	cnt   int32
	first Day
	last  Day
}

// accum is the hot loop's state: one accumulator per customer and the
// counts of orders that do not enter any customer's values.
type accum struct {
	acc                              []custAcc
	asOf, since                      Day
	refundN, zeroN, futureN, beforeN int
	refundSum                        int64 // negative totals in the window, all customers
}

func newAccum(n int, asOf, since Day) *accum {
	acc := make([]custAcc, n)
	for i := range acc {
		acc[i].first = math.MaxInt32
		acc[i].last = math.MinInt32
	}
	return &accum{acc: acc, asOf: asOf, since: since}
}

// add records one whole order.
func (s *accum) add(c int32, d Day, m int64) {
	if d > s.asOf || d < s.since {
		if d > s.asOf {
			s.futureN++
		} else {
			s.beforeN++
		}
		return
	}
	a := &s.acc[c]
	a.net += m
	if m > 0 {
		a.cnt++
		a.first = min(a.first, d)
		a.last = max(a.last, d)
		return
	}
	if m < 0 {
		s.refundN++
		s.refundSum += m
	} else {
		s.zeroN++
	}
}

// aggregateOrders runs the hot loop over whole orders.
func aggregateOrders(ids []string, cust []int32, day []Day, minor []int64, asOf, since Day, rep *Report) (*Aggregates, error) {
	s := newAccum(len(ids), asOf, since)
	for i, c := range cust {
		s.add(c, day[i], minor[i])
	}
	return s.finish(ids, rep), nil
}

// finish compacts the accumulators into Aggregates.
func (s *accum) finish(ids []string, rep *Report) *Aggregates {
	rep.RefundOrders += s.refundN
	rep.ZeroOrders += s.zeroN
	rep.FutureOrders += s.futureN
	rep.BeforeWindow += s.beforeN
	n := 0
	for i := range s.acc {
		if s.acc[i].cnt > 0 {
			n++
		}
	}
	out := &Aggregates{
		AsOf:     s.asOf,
		ID:       make([]string, 0, n),
		Recency:  make([]int32, 0, n),
		Orders:   make([]int32, 0, n),
		NetMinor: make([]int64, 0, n),
		First:    make([]Day, 0, n),
		Last:     make([]Day, 0, n),
	}
	// An excluded customer has no positive order, so its net is the sum of
	// its refunds: take those out of the population's refunds.
	refunds := s.refundSum
	var net int64
	for i := range s.acc {
		a := &s.acc[i]
		if a.cnt == 0 {
			rep.Excluded = append(rep.Excluded, ids[i])
			refunds -= a.net
			continue
		}
		net += a.net
		out.ID = append(out.ID, ids[i])
		out.Recency = append(out.Recency, int32(s.asOf-a.last))
		out.Orders = append(out.Orders, a.cnt)
		out.NetMinor = append(out.NetMinor, a.net)
		out.First = append(out.First, a.first)
		out.Last = append(out.Last, a.last)
		rep.Orders += int(a.cnt)
	}
	rep.RefundMinor += refunds
	rep.GrossMinor += net - refunds
	slices.Sort(rep.Excluded)
	out.Report = *rep
	return out
}
