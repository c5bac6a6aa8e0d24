package synth

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

func cents(c int64) decimal.Decimal { return decimal.New(c, -2) }

func (g *gen) orders(d *Dataset) {
	d.Orders = make([]Order, 0, g.cfg.Orders)
	for range g.cfg.Orders {
		p := g.weightedPerson()
		recs := g.byPerson[p]
		ri := recs[g.r.IntN(len(recs))]
		rec := &d.Records[ri]
		// Recent times are likelier: customers who joined buy more later.
		span := g.cfg.End.Sub(rec.RegisteredAt)
		at := rec.RegisteredAt.Add(time.Duration(float64(span) * math.Sqrt(g.r.Float64()))).Truncate(time.Second)
		d.Orders = append(d.Orders, g.order(rec, at))
	}
	slices.SortStableFunc(d.Orders, func(a, b Order) int { return a.PlacedAt.Compare(b.PlacedAt) })
	for i := range d.Orders {
		d.Orders[i].ID = fmt.Sprintf("o%08d", i+1)
	}
}

func (g *gen) order(rec *Record, at time.Time) Order {
	o := Order{RecordID: rec.ID, PersonID: rec.PersonID, Channel: rec.Channel, PlacedAt: at, Currency: "CNY"}
	if o.Channel == "import" || o.Channel == "call_centre" {
		o.Channel = []string{"app", "mini_program", "web", "store_pos"}[g.r.IntN(4)]
	}
	o.PaymentMethod = paymentMethods[g.pick(paymentWeights)]
	var sum int64
	for range 1 + g.r.IntN(5) {
		cw := make([]int, len(categories))
		for i, c := range categories {
			cw[i] = c.weight
		}
		cat := categories[g.pick(cw)]
		pr := cat.products[g.r.IntN(len(cat.products))]
		halves := int64(2 * (1 + g.r.IntN(3))) // whole units
		if pr.byWeight {
			halves = int64(1 + g.r.IntN(5)) // 0.5 to 2.5 kg
		}
		o.Items = append(o.Items, Item{
			SKU: pr.sku, Name: pr.name, Category: cat.name,
			Quantity: decimal.New(halves*5, -1), UnitPrice: cents(pr.cents),
		})
		sum += pr.cents * halves / 2
	}
	var disc, ship int64
	if g.chance(0.15) {
		disc = min(sum, []int64{500, 1000, 2000}[g.r.IntN(3)])
	}
	if sum < 5900 && o.Channel != "store_pos" {
		ship = 600
	}
	total := sum - disc + ship
	o.Discount, o.Shipping, o.Total, o.Refunded = cents(disc), cents(ship), cents(total), decimal.Zero
	g.lifecycle(&o, total)
	return o
}

// lifecycle walks the order through its statuses; an order placed near the
// end of the period is still under way.
func (g *gen) lifecycle(o *Order, total int64) {
	steps := []StatusAt{{"placed", o.PlacedAt}}
	add := func(status string, after time.Duration) bool {
		at := steps[len(steps)-1].At.Add(after)
		if at.After(g.cfg.End) {
			return false
		}
		steps = append(steps, StatusAt{status, at})
		return true
	}
	switch x := g.r.Float64(); {
	case x < 0.04:
		add("cancelled", 10*time.Minute)
	case x < 0.06:
		if add("paid", 2*time.Minute) {
			add("cancelled", time.Hour)
		}
	default:
		ok := add("paid", 2*time.Minute) && add("shipped", 5*time.Hour) && add("delivered", 20*time.Hour)
		switch y := g.r.Float64(); {
		case !ok:
		case y < 0.03:
			if add("refunded", 24*time.Hour) {
				o.Refunded = o.Total
			}
		case y < 0.05 && total > 100:
			if add("partially_refunded", 24*time.Hour) {
				o.Refunded = cents(total / 4)
			}
		default:
			add("completed", 72*time.Hour)
		}
	}
	o.History = steps
	o.Status = steps[len(steps)-1].Status
}

var eventTypes = []string{"view", "search", "add_to_cart", "coupon_use", "login"}
var eventWeights = []int{55, 15, 18, 4, 8}

func (g *gen) events(d *Dataset) {
	d.Events = make([]Event, 0, g.cfg.Events)
	for range g.cfg.Events {
		p := g.weightedPerson()
		recs := g.byPerson[p]
		rec := &d.Records[recs[g.r.IntN(len(recs))]]
		e := Event{RecordID: rec.ID, Channel: rec.Channel, Type: eventTypes[g.pick(eventWeights)],
			At: g.between(rec.RegisteredAt, g.cfg.End)}
		if e.Channel == "store_pos" || e.Channel == "call_centre" || e.Channel == "import" {
			e.Channel = "app"
		}
		switch e.Type {
		case "search":
			e.Keyword = searchKeywords[g.r.IntN(len(searchKeywords))]
		case "view", "add_to_cart":
			cat := categories[g.r.IntN(len(categories))]
			e.SKU = cat.products[g.r.IntN(len(cat.products))].sku
		}
		d.Events = append(d.Events, e)
	}
	slices.SortStableFunc(d.Events, func(a, b Event) int { return a.At.Compare(b.At) })
	for i := range d.Events {
		d.Events[i].ID = fmt.Sprintf("e%08d", i+1)
	}
}

func (g *gen) service(d *Dataset) {
	for i := range g.cfg.Tickets {
		rec := &d.Records[g.r.IntN(len(d.Records))]
		t := Ticket{
			ID: fmt.Sprintf("t%07d", i+1), RecordID: rec.ID,
			Channel:  []string{"call_centre", "app", "mini_program", "web"}[g.r.IntN(4)],
			Category: ticketCategories[g.r.IntN(len(ticketCategories))],
			Priority: []string{"low", "normal", "normal", "normal", "high", "urgent"}[g.r.IntN(6)],
			OpenedAt: g.between(rec.RegisteredAt, g.cfg.End),
			Status:   []string{"open", "pending", "resolved", "closed", "closed"}[g.r.IntN(5)],
		}
		if t.Status == "resolved" || t.Status == "closed" {
			t.Satisfaction = 1 + g.r.IntN(5)
		}
		d.Tickets = append(d.Tickets, t)
	}
	for i := range g.cfg.Feedback {
		rec := &d.Records[g.r.IntN(len(d.Records))]
		// NPS skews positive, as grocery surveys do.
		nps := min(10, max(0, int(math.Round(8+g.r.NormFloat64()*2.2))))
		d.Feedback = append(d.Feedback, Feedback{
			ID: fmt.Sprintf("f%07d", i+1), RecordID: rec.ID, NPS: nps,
			Comment: feedbackComments[g.r.IntN(len(feedbackComments))], At: g.between(rec.RegisteredAt, g.cfg.End),
		})
	}
}
