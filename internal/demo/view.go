package demo

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/privacy"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Totals prints the number of customers and orders and net revenue.
func Totals(ctx context.Context, svc *customer.Service, out io.Writer) error {
	customers, orders := 0, 0
	revenue := decimal.Zero
	for c, err := range svc.Customers(ctx) {
		if err != nil {
			return err
		}
		customers++
		for o, err := range svc.Orders(ctx, c.ID) {
			if err != nil {
				return err
			}
			orders++
			if o.Status != customer.OrderCancelled {
				revenue = revenue.Add(o.Total.Sub(o.Refunded))
			}
		}
	}
	fmt.Fprintf(out, "    customers %d, orders %d, net revenue CNY %s\n", customers, orders, revenue.StringFixed(2))
	return nil
}

// Busiest returns the customer with the most orders (ties: smallest id).
func Busiest(ds *synth.Dataset, ids map[string]uuid.UUID) uuid.UUID {
	count := map[uuid.UUID]int{}
	for _, o := range ds.Orders {
		count[ids[o.RecordID]]++
	}
	custs := make([]uuid.UUID, 0, len(count))
	for id := range count {
		custs = append(custs, id)
	}
	slices.SortFunc(custs, func(a, b uuid.UUID) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
	if len(custs) == 0 {
		return ids[ds.Records[0].ID]
	}
	return custs[0]
}

// PrintView prints a 360-degree view with personal data masked.
func PrintView(out io.Writer, v customer.View) {
	p := printer{out}
	c := v.Profile
	p.printf("    customer %s  name %s  registered via %s\n", c.ID, privacy.Name(c.Name), c.RegistrationVia)
	for _, ph := range c.Phones {
		p.printf("    phone %s (%s)\n", privacy.Phone(cmp.Or(ph.Value, ph.Raw)), ph.Channel)
	}
	s := v.Orders
	p.printf("    orders %d (+%d cancelled)  spend %s %s  AOV %s  refund rate %.1f%%\n",
		s.Count, s.Cancelled, s.Currency, s.TotalSpend.StringFixed(2), s.AverageOrderValue.StringFixed(2), 100*s.RefundRate)
	if s.Count > 0 {
		p.printf("    first %s  last %s  mean gap %.1f days\n", s.FirstOrder.Format("2006-01-02"), s.LastOrder.Format("2006-01-02"), s.MeanPurchaseGap.Hours()/24)
	}
	var cats, pays []string
	for _, sh := range s.TopCategories {
		cats = append(cats, fmt.Sprintf("%s %.0f%%", sh.Name, 100*sh.Share))
	}
	for _, sh := range s.PaymentMix {
		pays = append(pays, fmt.Sprintf("%s %.0f%%", sh.Name, 100*sh.Share))
	}
	p.printf("    top categories: %s\n", strings.Join(cats, ", "))
	p.printf("    payment mix: %s\n", strings.Join(pays, ", "))
	p.printf("    recent events:")
	for _, ev := range v.RecentEvents[:min(5, len(v.RecentEvents))] {
		p.printf(" %s@%s", ev.Type, ev.At.Format("01-02"))
	}
	p.printf("\n    open tickets %d", len(v.OpenTickets))
	if v.LatestNPS != nil {
		p.printf("  latest NPS %d (%s)", v.LatestNPS.NPS, v.LatestNPS.At.Format("2006-01-02"))
	}
	p.printf("\n")
}

type printer struct{ out io.Writer }

func (p printer) printf(format string, args ...any) { fmt.Fprintf(p.out, format, args...) }
