package customer

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// View is the 360-degree view of one customer.
type View struct {
	Profile      Customer
	Orders       OrderSummary
	RecentEvents []Event  // newest first, at most ViewOptions.RecentEvents
	OpenTickets  []Ticket // tickets not closed or resolved, oldest first
	LatestNPS    *Feedback
}

// OrderSummary aggregates a customer's orders. Money figures are in
// Currency, the currency of most of the customer's orders; orders in other
// currencies are counted in OtherCurrencyOrders only.
type OrderSummary struct {
	Count               int // orders in Currency, cancelled ones excluded
	Cancelled           int
	OtherCurrencyOrders int
	Currency            string
	TotalSpend          decimal.Decimal // totals minus refunds
	AverageOrderValue   decimal.Decimal // TotalSpend / Count, rounded to 2 places
	FirstOrder          time.Time
	LastOrder           time.Time
	RefundRate          float64       // share of counted orders refunded fully or in part
	TopCategories       []Share       // by spend, largest first, at most 5
	PaymentMix          []Share       // by number of orders, largest first
	MeanPurchaseGap     time.Duration // mean time between consecutive orders
}

// Share is one entry of a breakdown: a name, an amount and its share of the
// whole (0..1).
type Share struct {
	Name   string
	Amount decimal.Decimal
	Share  float64
}

// ViewOptions tune View. Nil means defaults.
type ViewOptions struct {
	RecentEvents int // default 20
}

// View assembles the 360-degree view of the customer. With a ReadFilter
// the profile is filtered as Get filters it; a ReadFilter that is also a
// ViewFilter (*access.Guard) filters the whole view, events, tickets,
// feedback and order summary included.
func (s *Service) View(ctx context.Context, id uuid.UUID, opts *ViewOptions) (View, error) {
	nEvents := 20
	if opts != nil && opts.RecentEvents > 0 {
		nEvents = opts.RecentEvents
	}
	// A ViewFilter filters the whole view at the end (the profile
	// included); otherwise the profile is filtered as Get does.
	vf, _ := s.filter.(ViewFilter)
	get := s.Get
	if vf != nil {
		get = s.getOpened
	}
	c, err := get(ctx, id)
	if err != nil {
		return View{}, err
	}
	v := View{Profile: c}
	var orders []Order
	for o, err := range s.Orders(ctx, id) {
		if err != nil {
			return View{}, fmt.Errorf("view: orders: %w", err)
		}
		orders = append(orders, o)
	}
	v.Orders = Summarize(orders)
	events, _, err := s.store.ListEvents(ctx, id, true, "", nEvents)
	if err != nil {
		return View{}, fmt.Errorf("view: events: %w", err)
	}
	if len(events) > nEvents {
		events = events[:nEvents]
	}
	v.RecentEvents = events
	for t, err := range s.Tickets(ctx, id) {
		if err != nil {
			return View{}, fmt.Errorf("view: tickets: %w", err)
		}
		if t.Status == TicketOpen || t.Status == TicketPending {
			v.OpenTickets = append(v.OpenTickets, t)
		}
	}
	fb, _, err := s.store.ListFeedback(ctx, id, "", 1)
	if err != nil {
		return View{}, fmt.Errorf("view: feedback: %w", err)
	}
	if len(fb) > 0 {
		v.LatestNPS = &fb[0]
	}
	if vf != nil {
		if v, err = vf.FilterView(ctx, v); err != nil {
			return View{}, fmt.Errorf("read filter: %w", err)
		}
	}
	return v, nil
}

// Summarize computes the order summary of one customer's orders, given in
// any order.
func Summarize(orders []Order) OrderSummary {
	var sum OrderSummary
	byCur := map[string]int{}
	for _, o := range orders {
		if o.Status != OrderCancelled {
			byCur[o.Currency]++
		}
	}
	for _, c := range slices.Sorted(maps.Keys(byCur)) {
		if byCur[c] > byCur[sum.Currency] {
			sum.Currency = c
		}
	}
	sum.TotalSpend = decimal.Zero
	sum.AverageOrderValue = decimal.Zero
	cats := map[string]decimal.Decimal{}
	pays := map[string]decimal.Decimal{}
	var times []time.Time
	refunded := 0
	for _, o := range orders {
		if o.Status == OrderCancelled {
			sum.Cancelled++
			continue
		}
		if o.Currency != sum.Currency {
			sum.OtherCurrencyOrders++
			continue
		}
		sum.Count++
		net := o.Total.Sub(o.Refunded)
		sum.TotalSpend = sum.TotalSpend.Add(net)
		times = append(times, o.PlacedAt)
		if o.Refunded.IsPositive() {
			refunded++
		}
		for _, it := range o.Items {
			cats[it.Category] = cats[it.Category].Add(it.Amount())
		}
		pays[o.PaymentMethod] = pays[o.PaymentMethod].Add(decimal.NewFromInt(1))
	}
	if sum.Count == 0 {
		return sum
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	sum.FirstOrder, sum.LastOrder = times[0], times[len(times)-1]
	if len(times) > 1 {
		sum.MeanPurchaseGap = sum.LastOrder.Sub(sum.FirstOrder) / time.Duration(len(times)-1)
	}
	sum.AverageOrderValue = sum.TotalSpend.Div(decimal.NewFromInt(int64(sum.Count))).Round(2)
	sum.RefundRate = float64(refunded) / float64(sum.Count)
	sum.TopCategories = shares(cats, 5)
	sum.PaymentMix = shares(pays, 0)
	return sum
}

// shares turns amounts per name into shares, largest first (ties by name),
// keeping at most max entries (0 keeps all).
func shares(m map[string]decimal.Decimal, max int) []Share {
	total := decimal.Zero
	out := make([]Share, 0, len(m))
	for k, v := range m {
		total = total.Add(v)
		out = append(out, Share{Name: k, Amount: v})
	}
	slices.SortFunc(out, func(a, b Share) int {
		if c := b.Amount.Cmp(a.Amount); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	for i := range out {
		if total.IsPositive() {
			out[i].Share, _ = out[i].Amount.Div(total).Float64()
		}
	}
	return out
}
