package rfm

import (
	"fmt"
	"time"
)

// Lines is purchases in columnar integer form, the input of the hot path:
// customers already numbered, days already computed, money already in minor
// units. All per-line slices have the same length.
type Lines struct {
	Customers []string // customer ids; Customer[i] indexes this
	Customer  []int32  // per line: customer number
	// Order, per line, numbers the order the line belongs to (0..n-1); lines
	// with one number are one order and must share the customer. nil means
	// every line is a whole order.
	Order []int32
	Day   []Day   // per line: calendar day
	Minor []int64 // per line: amount in minor units
	Scale int32   // decimal places of the minor unit
	// Location is the location the days were computed in (nil: UTC).
	Location *time.Location
}

// Aggregate computes per-customer RFM values as of day asOf. opts may be nil.
func (l *Lines) Aggregate(asOf Day, opts *Options) (*Aggregates, error) {
	n := len(l.Customer)
	if len(l.Day) != n || len(l.Minor) != n || (l.Order != nil && len(l.Order) != n) {
		return nil, invalid("lines", "columns of different lengths", "")
	}
	loc := l.Location
	if loc == nil {
		loc = time.UTC
	}
	_, since, err := prepare(asOf.Time(loc), opts, loc)
	if err != nil {
		return nil, err
	}
	nc := int32(len(l.Customers))
	for _, c := range l.Customer {
		if uint32(c) >= uint32(nc) {
			return nil, invalid("customer", "number out of range", "")
		}
	}
	rep := Report{Lines: n}
	acc := newAccum(len(l.Customers), asOf, since)
	switch {
	case l.Order == nil:
		for i, c := range l.Customer {
			acc.add(c, l.Day[i], l.Minor[i])
		}
	case ordersInRuns(l.Order):
		if err := acc.addRuns(l); err != nil {
			return nil, err
		}
	default:
		cust, day, minor, err := collapseOrders(l)
		if err != nil {
			return nil, err
		}
		for i, c := range cust {
			acc.add(c, day[i], minor[i])
		}
	}
	out := acc.finish(l.Customers, &rep)
	finish(out, opts, l.Scale, loc)
	return out, nil
}

func collapseOrders(l *Lines) ([]int32, []Day, []int64, error) {
	no := int32(0)
	for _, o := range l.Order {
		if o < 0 {
			return nil, nil, nil, invalid("order", "negative number", "")
		}
		no = max(no, o+1)
	}
	cust := make([]int32, no)
	for i := range cust {
		cust[i] = -1
	}
	day := make([]Day, no)
	minor := make([]int64, no)
	for i, o := range l.Order {
		c := l.Customer[i]
		switch cust[o] {
		case -1:
			cust[o] = c
			day[o] = l.Day[i]
		case c:
			day[o] = min(day[o], l.Day[i])
		default:
			return nil, nil, nil, fmt.Errorf("%w: order number %d used by two customers", ErrInvalid, o)
		}
		minor[o] += l.Minor[i]
	}
	// Unused order numbers: compact them away.
	k := 0
	for o := range cust {
		if cust[o] >= 0 {
			cust[k], day[k], minor[k] = cust[o], day[o], minor[o]
			k++
		}
	}
	return cust[:k], day[:k], minor[:k], nil
}

// ordersInRuns reports whether order numbers never decrease, so every order's
// lines are adjacent: the common layout of exports, summed in one stream.
func ordersInRuns(order []int32) bool {
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			return false
		}
	}
	return len(order) == 0 || order[0] >= 0
}

// addRuns sums each run of lines with one order number into one order.
func (s *accum) addRuns(l *Lines) error {
	n := len(l.Order)
	for i := 0; i < n; {
		o, c, d, m := l.Order[i], l.Customer[i], l.Day[i], l.Minor[i]
		j := i + 1
		for ; j < n && l.Order[j] == o; j++ {
			if l.Customer[j] != c {
				return fmt.Errorf("%w: order number %d used by two customers", ErrInvalid, o)
			}
			d = min(d, l.Day[j])
			m += l.Minor[j]
		}
		s.add(c, d, m)
		i = j
	}
	return nil
}
