package rfm

import (
	"fmt"
	"hash/maphash"
	"math"
	"time"

	"github.com/shopspring/decimal"
)

// Purchase is one purchase row: an order line, a whole order, or a refund
// (negative amount, under its own order id). Rows sharing Customer and Order
// are one order.
type Purchase struct {
	Customer string
	Order    string
	Time     time.Time
	Amount   decimal.Decimal
	// Currency is optional; when set, every purchase in one Aggregator must
	// carry the same currency (ErrMixedCurrency otherwise). Empty means
	// "the aggregation's currency".
	Currency string
}

// AggregatorOptions configures an Aggregator. nil means defaults.
type AggregatorOptions struct {
	// Scale is the number of decimal places of the currency's minor unit
	// (2 for cents, 0 for yen). Amounts with more places are rejected.
	// Zero means 2; use NoMinorUnit for 0.
	Scale int32
	// Location decides calendar days. nil means UTC.
	Location *time.Location
}

// NoMinorUnit is the Scale for currencies without a minor unit (JPY, KRW).
const NoMinorUnit int32 = -1

func (o *AggregatorOptions) scale() int32 {
	if o == nil || o.Scale == 0 {
		return 2
	}
	if o.Scale < 0 {
		return 0
	}
	return o.Scale
}

// Aggregator accumulates purchases into per-order partial totals, keyed by
// customer and order id. Two Aggregators fed disjoint parts of the same input
// merge into exactly the Aggregator fed the whole, whatever the split, even
// when rows of one order fall in different parts. It is not safe for
// concurrent use; give each goroutine its own and Merge.
type Aggregator struct {
	scale    int32
	loc      *time.Location
	currency string
	lines    int

	custs  *idTable // customer ids
	ords   *idTable // order ids, scoped by customer number
	ordDay []Day
	ordAmt []int64
}

// NewAggregator returns an empty Aggregator.
func NewAggregator(opts *AggregatorOptions) *Aggregator {
	loc := time.UTC
	if opts != nil && opts.Location != nil {
		loc = opts.Location
	}
	seed := maphash.MakeSeed()
	return &Aggregator{
		scale: opts.scale(),
		loc:   loc,
		custs: newIDTable(seed),
		ords:  newIDTable(seed),
	}
}

// ToMinor converts amount to integer minor units with scale decimal places.
// Amounts with more places, or too large for int64, are ErrInvalid.
func ToMinor(amount decimal.Decimal, scale int32) (int64, error) {
	s := amount.Shift(scale)
	if !s.Equal(s.Truncate(0)) {
		return 0, invalid("amount", fmt.Sprintf("more than %d decimal places", scale), amount.String())
	}
	bi := s.BigInt()
	if !bi.IsInt64() || bi.Int64() == math.MinInt64 {
		return 0, invalid("amount", "out of range", amount.String())
	}
	return bi.Int64(), nil
}

// Add records one purchase.
func (g *Aggregator) Add(p Purchase) error {
	if p.Customer == "" {
		return invalid("customer", "empty", "")
	}
	if p.Order == "" {
		return invalid("order", "empty", "")
	}
	if p.Time.IsZero() {
		return invalid("time", "zero", "")
	}
	if err := g.setCurrency(p.Currency); err != nil {
		return err
	}
	m, err := ToMinor(p.Amount, g.scale)
	if err != nil {
		return err
	}
	return g.addMinor(p.Customer, p.Order, DayOf(p.Time, g.loc), m, 1)
}

func (g *Aggregator) setCurrency(c string) error {
	switch {
	case c == "" || c == g.currency:
		return nil
	case g.currency == "":
		g.currency = c
		return nil
	}
	return &InputError{Field: "currency", Reason: "differs from earlier purchases", Raw: c, Err: ErrMixedCurrency}
}

func (g *Aggregator) addMinor(cust, order string, d Day, m int64, lines int) error {
	ci := g.custs.internString(0, false, cust)
	return g.addOrder(ci, g.ords.internString(ci, true, order), d, m, lines)
}

func (g *Aggregator) addOrder(ci, oi int32, d Day, m int64, lines int) error {
	if int(oi) == len(g.ordDay) {
		g.ordDay = append(g.ordDay, d)
		g.ordAmt = append(g.ordAmt, 0)
	}
	s := g.ordAmt[oi] + m
	if (m > 0 && s < g.ordAmt[oi]) || (m < 0 && s > g.ordAmt[oi]) {
		return invalid("amount", "order total overflows", "")
	}
	g.ordAmt[oi] = s
	g.ordDay[oi] = min(g.ordDay[oi], d)
	g.lines += lines
	return nil
}

// Merge adds everything o has accumulated into g. o is not changed. The
// scale and location must match and the currencies must agree.
func (g *Aggregator) Merge(o *Aggregator) error {
	if g == o {
		return fmt.Errorf("%w: merge of an aggregator into itself", ErrInvalid)
	}
	if g.scale != o.scale || g.loc.String() != o.loc.String() {
		return fmt.Errorf("%w: merge of aggregators with different scale or location", ErrInvalid)
	}
	if err := g.setCurrency(o.currency); err != nil {
		return err
	}
	for i := range o.ords.len() {
		ci := g.custs.intern(0, false, o.custs.id(o.ords.owner[i]))
		oi := g.ords.intern(ci, true, o.ords.id(int32(i)))
		if err := g.addOrder(ci, oi, o.ordDay[i], o.ordAmt[i], 0); err != nil {
			return err
		}
	}
	g.lines += o.lines
	return nil
}

// Currency returns the currency seen, or "" if purchases carried none.
func (g *Aggregator) Currency() string { return g.currency }

// Aggregate computes the per-customer RFM values as of the calendar day of
// asOf. opts may be nil.
func (g *Aggregator) Aggregate(asOf time.Time, opts *Options) (*Aggregates, error) {
	a, since, err := prepare(asOf, opts, g.loc)
	if err != nil {
		return nil, err
	}
	rep := Report{Lines: g.lines}
	out, err := aggregateOrders(g.custs.strings(), g.ords.owner, g.ordDay, g.ordAmt, a, since, &rep)
	if err != nil {
		return nil, err
	}
	finish(out, opts, g.scale, g.loc)
	return out, nil
}

func prepare(asOf time.Time, opts *Options, loc *time.Location) (Day, Day, error) {
	if asOf.IsZero() {
		return 0, 0, invalid("asof", "zero", "")
	}
	since := Day(math.MinInt32)
	if opts != nil {
		if opts.Frequency != Orders && opts.Frequency != RepeatOrders {
			return 0, 0, invalid("frequency", "unknown mode", "")
		}
		if opts.Monetary != Total && opts.Monetary != MeanPerOrder {
			return 0, 0, invalid("monetary", "unknown mode", "")
		}
		if !opts.Since.IsZero() {
			since = DayOf(opts.Since, loc)
		}
	}
	a := DayOf(asOf, loc)
	if since > a {
		return 0, 0, invalid("since", "after the as-of day", "")
	}
	return a, since, nil
}

func finish(out *Aggregates, opts *Options, scale int32, loc *time.Location) {
	out.Scale = scale
	out.Location = loc
	if opts != nil {
		out.Frequency = opts.Frequency
		out.Monetary = opts.Monetary
	}
}
