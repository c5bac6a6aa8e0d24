package customer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// View is the 360-degree view of one customer.
//
// A customer that absorbed others by a merge keeps their orders, events,
// tickets and feedback under their old ids; the view includes them
// (MergedIDs lists those ids), so it stays whole however the records and
// the activity arrived. An unmerge gives them back.
type View struct {
	Profile Customer
	// MergedIDs are the customers merged into this one whose activity the
	// view includes (identity.Resolver.FormerIDs), sorted.
	MergedIDs    []uuid.UUID
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
	if v.MergedIDs, err = s.mergedIDs(ctx, id); err != nil {
		return View{}, fmt.Errorf("view: %w", err)
	}
	ids := append([]uuid.UUID{id}, v.MergedIDs...)
	var orders []Order
	for o, err := range s.ordersOf(ctx, ids) {
		if err != nil {
			return View{}, fmt.Errorf("view: orders: %w", err)
		}
		orders = append(orders, o)
	}
	v.Orders = Summarize(orders)
	var fbs []Feedback
	for _, cid := range ids {
		events, _, err := s.store.ListEvents(ctx, cid, true, "", nEvents)
		if err != nil {
			return View{}, fmt.Errorf("view: events: %w", err)
		}
		v.RecentEvents = append(v.RecentEvents, events...)
		for t, err := range s.Tickets(ctx, cid) {
			if err != nil {
				return View{}, fmt.Errorf("view: tickets: %w", err)
			}
			if t.Status == TicketOpen || t.Status == TicketPending {
				v.OpenTickets = append(v.OpenTickets, t)
			}
		}
		fb, _, err := s.store.ListFeedback(ctx, cid, "", 1)
		if err != nil {
			return View{}, fmt.Errorf("view: feedback: %w", err)
		}
		fbs = append(fbs, fb...)
	}
	// The stores' orders: by time, then id; newest first for events and
	// feedback, oldest first for tickets.
	slices.SortStableFunc(v.RecentEvents, func(a, b Event) int { return byTimeID(b.At, b.ID, a.At, a.ID) })
	if len(v.RecentEvents) > nEvents {
		v.RecentEvents = v.RecentEvents[:nEvents]
	}
	slices.SortStableFunc(v.OpenTickets, func(a, b Ticket) int { return byTimeID(a.OpenedAt, a.ID, b.OpenedAt, b.ID) })
	slices.SortStableFunc(fbs, func(a, b Feedback) int { return byTimeID(b.At, b.ID, a.At, a.ID) })
	if len(fbs) > 0 {
		v.LatestNPS = &fbs[0]
	}
	if vf != nil {
		if v, err = vf.FilterView(ctx, v); err != nil {
			return View{}, fmt.Errorf("read filter: %w", err)
		}
	}
	return v, nil
}

// byTimeID orders by time, then by id bytes, as the stores page.
func byTimeID(ta time.Time, a uuid.UUID, tb time.Time, b uuid.UUID) int {
	return cmp.Or(ta.Compare(tb), bytes.Compare(a[:], b[:]))
}

// mergedIDs returns the customers merged into id (none without a
// resolver).
func (s *Service) mergedIDs(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	if s.resolver == nil {
		return nil, nil
	}
	ids, err := s.resolver.FormerIDs(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("merged customers: %w", err)
	}
	return ids, nil
}

// activityFor returns nil when id names a customer that activity
// (orders, events, tickets, feedback) may be recorded for: one with a
// profile, or one merged into another, whose activity the survivor's view
// then includes (and which takes it back if the merge is undone).
// Otherwise it returns the profile store's error (ErrNotFound for an
// unknown or erased id).
func (s *Service) activityFor(ctx context.Context, id uuid.UUID) error {
	_, err := s.store.GetCustomer(ctx, id)
	if !errors.Is(err, ErrNotFound) || s.resolver == nil {
		return err
	}
	cur, rerr := s.resolver.CurrentID(ctx, id)
	switch {
	case errors.Is(rerr, identity.ErrNotFound):
		return err
	case rerr != nil:
		return rerr
	case cur == id:
		return err // records but no profile: not projected yet
	}
	return nil
}

// OrdersWithMerged iterates over the orders of the customer and of every
// customer merged into it (View.MergedIDs): what its lifetime value and RFM
// scores should count. Each id's orders come in the store's order, the
// customer's own first.
func (s *Service) OrdersWithMerged(ctx context.Context, customerID uuid.UUID) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		merged, err := s.mergedIDs(ctx, customerID)
		if err != nil {
			yield(Order{}, err)
			return
		}
		for o, err := range s.ordersOf(ctx, append([]uuid.UUID{customerID}, merged...)) {
			if !yield(o, err) || err != nil {
				return
			}
		}
	}
}

// ordersOf iterates over the orders of each customer in turn.
func (s *Service) ordersOf(ctx context.Context, ids []uuid.UUID) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		for _, id := range ids {
			for o, err := range s.Orders(ctx, id) {
				if !yield(o, err) || err != nil {
					return
				}
			}
		}
	}
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
