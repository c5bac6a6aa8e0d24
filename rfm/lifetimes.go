package rfm

import (
	"slices"
	"time"
)

// Period is the time unit of lifetimes summaries.
type Period int

const (
	// Days: purchases on one calendar day count once.
	Days Period = iota
	// Weeks: purchases in one Monday-Sunday week count once (pandas period
	// "W", which lifetimes uses for freq="W"); a week is 7 days.
	Weeks
)

// ParsePeriod parses "day" or "week".
func ParsePeriod(s string) (Period, error) {
	switch s {
	case "day":
		return Days, nil
	case "week":
		return Weeks, nil
	}
	return 0, invalid("period", `not "day" or "week"`, s)
}

func (p Period) of(d Day) int64 {
	if p == Weeks {
		// 1969-12-29, day -3, was a Monday.
		v := int64(d) + 3
		if v < 0 {
			return (v - 6) / 7
		}
		return v / 7
	}
	return int64(d)
}

// monthLen is the length of a month in the period, as lifetimes'
// customer_lifetime_value takes it: 30 days or 4.345 weeks.
func (p Period) monthLen() float64 {
	if p == Weeks {
		return 4.345
	}
	return 30
}

// RFT holds per-customer (frequency, recency, T, monetary) summaries built
// the way lifetimes' summary_data_from_transaction_data builds them, from
// positive orders on or before the as-of day: purchases in one period count
// once (their values summed), frequency is the number of periods with a
// purchase after the first, recency is last minus first period, T is the
// as-of period minus the first, and Monetary is the mean value of the repeat
// periods in major units (0 without repeats). Refunds do not enter.
type RFT struct {
	Period    Period
	ID        []string
	Frequency []float64
	Recency   []float64
	T         []float64
	Monetary  []float64
}

// Len returns the number of customers.
func (s *RFT) Len() int { return len(s.ID) }

// Lifetimes builds the lifetimes summaries as of the calendar day of asOf.
func (g *Aggregator) Lifetimes(asOf time.Time, period Period) (*RFT, error) {
	if asOf.IsZero() {
		return nil, invalid("asof", "zero", "")
	}
	return buildRFT(g.custs.strings(), g.ords.owner, g.ordDay, g.ordAmt, DayOf(asOf, g.loc), period, g.scale), nil
}

// Lifetimes builds the lifetimes summaries as of day asOf.
func (l *Lines) Lifetimes(asOf Day, period Period) (*RFT, error) {
	cust, day, minor := l.Customer, l.Day, l.Minor
	if l.Order != nil {
		var err error
		cust, day, minor, err = collapseOrders(l)
		if err != nil {
			return nil, err
		}
	}
	return buildRFT(l.Customers, cust, day, minor, asOf, period, l.Scale), nil
}

func buildRFT(ids []string, cust []int32, day []Day, minor []int64, asOf Day, period Period, scale int32) *RFT {
	// Counting sort of positive, non-future orders by customer.
	start := make([]int32, len(ids)+1)
	for i, c := range cust {
		if minor[i] > 0 && day[i] <= asOf {
			start[c+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	type po struct {
		p int64
		m int64
	}
	buf := make([]po, start[len(ids)])
	next := slices.Clone(start[:len(ids)])
	for i, c := range cust {
		if minor[i] > 0 && day[i] <= asOf {
			buf[next[c]] = po{period.of(day[i]), minor[i]}
			next[c]++
		}
	}
	unit := 1.0
	for range scale {
		unit *= 10
	}
	now := period.of(asOf)
	out := &RFT{Period: period}
	for c := range ids {
		os := buf[start[c]:start[c+1]]
		if len(os) == 0 {
			continue
		}
		slices.SortFunc(os, func(a, b po) int { return int(a.p - b.p) })
		first, last := os[0].p, os[len(os)-1].p
		var periods int
		var repeatSum int64
		for i := range os {
			if i == 0 || os[i].p != os[i-1].p {
				periods++
			}
			if os[i].p != first {
				repeatSum += os[i].m
			}
		}
		f := float64(periods - 1)
		mon := 0.0
		if f > 0 {
			mon = float64(repeatSum) / unit / f
		}
		out.ID = append(out.ID, ids[c])
		out.Frequency = append(out.Frequency, f)
		out.Recency = append(out.Recency, float64(last-first))
		out.T = append(out.T, float64(now-first))
		out.Monetary = append(out.Monetary, mon)
	}
	return out
}
