package customer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

func isConflict(err error) bool { return errors.Is(err, ErrConflict) }

// AddOrder validates o and stores it for an existing customer. A nil ID gets
// a new one; an empty Status becomes placed; PlacedAt defaults to now; the
// initial status is recorded in History.
func (s *Service) AddOrder(ctx context.Context, o Order) (Order, error) {
	o = o.Clone()
	o.ID = s.id(o.ID)
	now := s.now().UTC()
	if o.Status == "" {
		o.Status = OrderPlaced
	}
	if o.PlacedAt.IsZero() {
		o.PlacedAt = now
	}
	if len(o.History) == 0 {
		o.History = []StatusChange{{Status: string(o.Status), At: o.PlacedAt}}
	}
	o.Version = 1
	if err := o.Validate(); err != nil {
		return Order{}, err
	}
	if err := s.activityFor(ctx, o.CustomerID); err != nil {
		return Order{}, fmt.Errorf("add order: customer: %w", err)
	}
	if err := s.store.CreateOrder(ctx, o); err != nil {
		return Order{}, fmt.Errorf("add order: %w", err)
	}
	return o, nil
}

// Transition asks for an order or ticket to move to a new status.
type Transition struct {
	To   string
	At   time.Time // zero: now
	Note string
	// Refund is the amount refunded by this transition; required for
	// partially_refunded, and for refunded it defaults to what remains.
	Refund decimal.Decimal
}

// AdvanceOrder moves an order to a new status if its lifecycle allows it
// (ErrInvalid otherwise), timestamping the change. It retries on
// concurrent updates.
func (s *Service) AdvanceOrder(ctx context.Context, id uuid.UUID, tr Transition) (Order, error) {
	to := OrderStatus(tr.To)
	if !to.Valid() {
		return Order{}, invalid("status", "unknown order status")
	}
	if err := checkText("note", tr.Note, MaxNoteBytes); err != nil {
		return Order{}, err
	}
	for attempt := 0; ; attempt++ {
		o, err := s.store.GetOrder(ctx, id)
		if err != nil {
			return Order{}, fmt.Errorf("advance order: %w", err)
		}
		if !o.Status.CanBecome(to) {
			return Order{}, invalid("status", "an order cannot go from %s to %s", o.Status, to)
		}
		remaining := o.Total.Sub(o.Refunded)
		switch to {
		case OrderPartiallyRefunded:
			if !tr.Refund.IsPositive() || !tr.Refund.LessThan(remaining) {
				return Order{}, invalid("refund", "a partial refund must be positive and less than what remains")
			}
			o.Refunded = o.Refunded.Add(tr.Refund)
		case OrderRefunded:
			if tr.Refund.IsZero() {
				tr.Refund = remaining
			}
			if !tr.Refund.Equal(remaining) {
				return Order{}, invalid("refund", "a full refund must equal what remains")
			}
			o.Refunded = o.Total
		}
		at := tr.At
		if at.IsZero() {
			at = s.now().UTC()
		}
		if n := len(o.History); n > 0 && at.Before(o.History[n-1].At) {
			return Order{}, invalid("at", "before the previous status change")
		}
		o.Status = to
		o.History = append(o.History, StatusChange{Status: string(to), At: at, Note: tr.Note})
		out, err := s.store.UpdateOrder(ctx, o)
		if err == nil {
			return out, nil
		}
		if !isConflict(err) || attempt >= 4 {
			return Order{}, fmt.Errorf("advance order: %w", err)
		}
	}
}

// GetOrder returns the order, or ErrNotFound.
func (s *Service) GetOrder(ctx context.Context, id uuid.UUID) (Order, error) {
	o, err := s.store.GetOrder(ctx, id)
	if err != nil {
		return Order{}, fmt.Errorf("get order: %w", err)
	}
	return o, nil
}

// Orders iterates over a customer's orders, oldest first.
func (s *Service) Orders(ctx context.Context, customerID uuid.UUID) iter.Seq2[Order, error] {
	return pages(s.pageSize, func(tok string, n int) ([]Order, string, error) {
		return s.store.ListOrders(ctx, customerID, tok, n)
	})
}

// AddPayment records a payment against an existing order; its customer and
// currency must match the order's.
func (s *Service) AddPayment(ctx context.Context, p Payment) (Payment, error) {
	p.ID = s.id(p.ID)
	if p.At.IsZero() {
		p.At = s.now().UTC()
	}
	if err := p.Validate(); err != nil {
		return Payment{}, err
	}
	o, err := s.store.GetOrder(ctx, p.OrderID)
	if err != nil {
		return Payment{}, fmt.Errorf("add payment: order: %w", err)
	}
	if o.CustomerID != p.CustomerID {
		return Payment{}, invalid("customer_id", "differs from the order's customer")
	}
	if o.Currency != p.Currency {
		return Payment{}, invalid("currency", "differs from the order currency")
	}
	if err := s.store.CreatePayment(ctx, p); err != nil {
		return Payment{}, fmt.Errorf("add payment: %w", err)
	}
	return p, nil
}

// Payments iterates over a customer's payments, oldest first.
func (s *Service) Payments(ctx context.Context, customerID uuid.UUID) iter.Seq2[Payment, error] {
	return pages(s.pageSize, func(tok string, n int) ([]Payment, string, error) {
		return s.store.ListPayments(ctx, customerID, tok, n)
	})
}

// RecordEvents validates and stores behaviour events for existing
// customers, all or nothing. Nil IDs get new ones; zero times become now.
func (s *Service) RecordEvents(ctx context.Context, events ...Event) ([]Event, error) {
	out := make([]Event, len(events))
	seen := make(map[uuid.UUID]bool)
	now := s.now().UTC()
	for i, e := range events {
		e = e.Clone()
		e.ID = s.id(e.ID)
		if e.At.IsZero() {
			e.At = now
		}
		if err := e.Validate(); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Field = fmt.Sprintf("events[%d].%s", i, fe.Field)
			}
			return nil, err
		}
		if !seen[e.CustomerID] {
			if err := s.activityFor(ctx, e.CustomerID); err != nil {
				return nil, fmt.Errorf("record events: customer: %w", err)
			}
			seen[e.CustomerID] = true
		}
		out[i] = e
	}
	if err := s.store.AppendEvents(ctx, out); err != nil {
		return nil, fmt.Errorf("record events: %w", err)
	}
	return out, nil
}

// Events iterates over a customer's events, newest first.
func (s *Service) Events(ctx context.Context, customerID uuid.UUID) iter.Seq2[Event, error] {
	return pages(s.pageSize, func(tok string, n int) ([]Event, string, error) {
		return s.store.ListEvents(ctx, customerID, true, tok, n)
	})
}
