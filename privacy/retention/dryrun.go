package retention

import (
	"context"
	"time"

	"github.com/cimkit/cimkit/customer"
)

// Report is what a dry run found. Cutoffs are zero for limits the policy
// leaves at "keep".
type Report struct {
	PolicyVersion     string    `json:"policy_version"`
	Now               time.Time `json:"now"`
	EventCutoff       time.Time `json:"event_cutoff,omitzero"`
	CustomerCutoff    time.Time `json:"customer_cutoff,omitzero"`
	TicketCutoff      time.Time `json:"ticket_cutoff,omitzero"`
	Customers         int       `json:"customers"`          // customers scanned
	InactiveCustomers int       `json:"inactive_customers"` // would be removed
	Events            int       `json:"events"`             // events scanned
	ExpiredEvents     int       `json:"expired_events"`     // would be removed
	Tickets           int       `json:"tickets"`            // tickets scanned
	ExpiredTickets    int       `json:"expired_tickets"`    // would be removed
}

// DryRun counts what p would remove from s as of now, reading every
// customer with their events, orders and tickets. It never writes.
//
// A customer's last activity is the latest of its UpdatedAt, CreatedAt,
// and the times of its orders, events and tickets; a customer whose last
// activity is before the cutoff is inactive. A ticket expires when it is
// resolved or closed and its UpdatedAt is before the cutoff; open tickets
// never expire.
func DryRun(ctx context.Context, s customer.Store, p Policy, now time.Time) (Report, error) {
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	r := Report{PolicyVersion: p.Version, Now: now}
	if p.EventMaxAgeDays > 0 {
		r.EventCutoff = now.AddDate(0, 0, -p.EventMaxAgeDays)
	}
	if p.CustomerInactiveYears > 0 {
		r.CustomerCutoff = now.AddDate(-p.CustomerInactiveYears, 0, 0)
	}
	if p.TicketAfterMonths > 0 {
		r.TicketCutoff = now.AddDate(0, -p.TicketAfterMonths, 0)
	}
	tok := ""
	for {
		cs, next, err := s.ListCustomers(ctx, tok, 500)
		if err != nil {
			return Report{}, err
		}
		for _, c := range cs {
			if err := r.scan(ctx, s, c); err != nil {
				return Report{}, err
			}
		}
		if next == "" {
			return r, nil
		}
		tok = next
	}
}

func (r *Report) scan(ctx context.Context, s customer.Store, c customer.Customer) error {
	r.Customers++
	last := later(c.CreatedAt, c.UpdatedAt)
	err := each(func(tok string) ([]customer.Event, string, error) {
		return s.ListEvents(ctx, c.ID, false, tok, 500)
	}, func(e customer.Event) {
		r.Events++
		if !r.EventCutoff.IsZero() && e.At.Before(r.EventCutoff) {
			r.ExpiredEvents++
		}
		last = later(last, e.At)
	})
	if err != nil {
		return err
	}
	err = each(func(tok string) ([]customer.Order, string, error) {
		return s.ListOrders(ctx, c.ID, tok, 500)
	}, func(o customer.Order) { last = later(last, o.PlacedAt) })
	if err != nil {
		return err
	}
	err = each(func(tok string) ([]customer.Ticket, string, error) {
		return s.ListTickets(ctx, c.ID, tok, 500)
	}, func(t customer.Ticket) {
		r.Tickets++
		closed := t.Status == customer.TicketResolved || t.Status == customer.TicketClosed
		if closed && !r.TicketCutoff.IsZero() && t.UpdatedAt.Before(r.TicketCutoff) {
			r.ExpiredTickets++
		}
		last = later(last, t.UpdatedAt)
	})
	if err != nil {
		return err
	}
	if !r.CustomerCutoff.IsZero() && last.Before(r.CustomerCutoff) {
		r.InactiveCustomers++
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// each pages through a list and calls f on every item.
func each[T any](list func(tok string) ([]T, string, error), f func(T)) error {
	tok := ""
	for {
		items, next, err := list(tok)
		if err != nil {
			return err
		}
		for _, it := range items {
			f(it)
		}
		if next == "" {
			return nil
		}
		tok = next
	}
}
