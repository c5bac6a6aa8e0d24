package access

import (
	"context"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

var _ customer.ViewFilter = (*Guard)(nil)

// FilterView returns a copy of a 360° view filtered for the actor in ctx:
// the profile as Filter does; the order summary kept only with a plain
// view of orders; events, tickets and feedback by the interactions group
// (plain as stored, masked without their free text, none removed); the
// customer ids they carry as the pseudonymous_id group says. It implements
// customer.ViewFilter, so customer.Service.View applies it.
func (g *Guard) FilterView(ctx context.Context, v customer.View) (customer.View, error) {
	p := g.Policy()
	views, _, err := g.views(ctx, p)
	if err != nil {
		return customer.View{}, err
	}
	out := customer.View{Profile: g.apply(p, v.Profile, views)}
	if pv := views[GroupPseudonymousID]; pv == ViewPlain || pv == ViewPseudonymous {
		for _, m := range v.MergedIDs {
			out.MergedIDs = append(out.MergedIDs, g.customerID(m, pv))
		}
	}
	if views[GroupOrders] == ViewPlain {
		out.Orders = v.Orders
		out.Orders.TopCategories = append([]customer.Share(nil), v.Orders.TopCategories...)
		out.Orders.PaymentMix = append([]customer.Share(nil), v.Orders.PaymentMix...)
	}
	iv := views[GroupInteractions]
	if iv != ViewPlain && iv != ViewMasked {
		return out, nil
	}
	masked := iv == ViewMasked
	id := func(c uuid.UUID) uuid.UUID { return g.customerID(c, views[GroupPseudonymousID]) }
	for _, e := range v.RecentEvents {
		e = e.Clone()
		e.CustomerID = id(e.CustomerID)
		if masked {
			e.Keyword, e.Properties = "", nil
		}
		out.RecentEvents = append(out.RecentEvents, e)
	}
	for _, t := range v.OpenTickets {
		t = t.Clone()
		t.CustomerID = id(t.CustomerID)
		if masked {
			t.Resolution = ""
			for i := range t.History {
				t.History[i].Note = ""
			}
		}
		out.OpenTickets = append(out.OpenTickets, t)
	}
	if v.LatestNPS != nil {
		f := *v.LatestNPS
		f.CustomerID = id(f.CustomerID)
		if masked {
			f.Comment = ""
		}
		out.LatestNPS = &f
	}
	return out, nil
}

// customerID shows a customer id as the pseudonymous_id view allows.
func (g *Guard) customerID(id uuid.UUID, v View) uuid.UUID {
	switch v {
	case ViewPlain:
		return id
	case ViewPseudonymous:
		return g.Pseudonym(id)
	}
	return uuid.Nil
}
