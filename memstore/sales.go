package memstore

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

// CreateOrder implements customer.OrderStore.
func (s *Store) CreateOrder(ctx context.Context, o customer.Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orders[o.ID]; ok {
		return alreadyExists("order")
	}
	s.orders[o.ID] = o.Clone()
	index(s.ordersBy, o.CustomerID).insert(keyOf(o.PlacedAt, o.ID))
	return nil
}

// GetOrder implements customer.OrderStore.
func (s *Store) GetOrder(ctx context.Context, id uuid.UUID) (customer.Order, error) {
	if err := ctx.Err(); err != nil {
		return customer.Order{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orders[id]
	if !ok {
		return customer.Order{}, notFound("order")
	}
	return o.Clone(), nil
}

// UpdateOrder implements customer.OrderStore.
func (s *Store) UpdateOrder(ctx context.Context, o customer.Order) (customer.Order, error) {
	if err := ctx.Err(); err != nil {
		return customer.Order{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.orders[o.ID]
	if !ok {
		return customer.Order{}, notFound("order")
	}
	if old.Version != o.Version {
		return customer.Order{}, conflict("order version")
	}
	if old.CustomerID != o.CustomerID {
		return customer.Order{}, fmt.Errorf("memstore: order customer_id cannot change: %w", customer.ErrInvalid)
	}
	o = o.Clone()
	o.Version++
	if !old.PlacedAt.Equal(o.PlacedAt) {
		idx := index(s.ordersBy, o.CustomerID)
		idx.remove(keyOf(old.PlacedAt, o.ID))
		idx.insert(keyOf(o.PlacedAt, o.ID))
	}
	s.orders[o.ID] = o
	return o.Clone(), nil
}

// ListOrders implements customer.OrderStore.
func (s *Store) ListOrders(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Order, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(keysOf(s.ordersBy, customerID), tok, limit, false, func(k key) customer.Order {
		return s.orders[k.id].Clone()
	})
}

// CreatePayment implements customer.OrderStore.
func (s *Store) CreatePayment(ctx context.Context, p customer.Payment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.payments[p.ID]; ok {
		return alreadyExists("payment")
	}
	s.payments[p.ID] = p
	index(s.paymentsBy, p.CustomerID).insert(keyOf(p.At, p.ID))
	return nil
}

// ListPayments implements customer.OrderStore.
func (s *Store) ListPayments(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Payment, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(keysOf(s.paymentsBy, customerID), tok, limit, false, func(k key) customer.Payment {
		return s.payments[k.id]
	})
}

// AppendEvents implements customer.EventStore.
func (s *Store) AppendEvents(ctx context.Context, events []customer.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := make(map[uuid.UUID]bool, len(events))
	for _, e := range events {
		if _, ok := s.events[e.ID]; ok || batch[e.ID] {
			return alreadyExists("event")
		}
		batch[e.ID] = true
	}
	for _, e := range events {
		s.events[e.ID] = e.Clone()
		index(s.eventsBy, e.CustomerID).insert(keyOf(e.At, e.ID))
	}
	return nil
}

// ListEvents implements customer.EventStore.
func (s *Store) ListEvents(ctx context.Context, customerID uuid.UUID, newestFirst bool, tok string, limit int) ([]customer.Event, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(keysOf(s.eventsBy, customerID), tok, limit, newestFirst, func(k key) customer.Event {
		return s.events[k.id].Clone()
	})
}

// CreateTicket implements customer.TicketStore.
func (s *Store) CreateTicket(ctx context.Context, t customer.Ticket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tickets[t.ID]; ok {
		return alreadyExists("ticket")
	}
	s.tickets[t.ID] = t.Clone()
	index(s.ticketsBy, t.CustomerID).insert(keyOf(t.OpenedAt, t.ID))
	return nil
}

// GetTicket implements customer.TicketStore.
func (s *Store) GetTicket(ctx context.Context, id uuid.UUID) (customer.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return customer.Ticket{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tickets[id]
	if !ok {
		return customer.Ticket{}, notFound("ticket")
	}
	return t.Clone(), nil
}

// UpdateTicket implements customer.TicketStore.
func (s *Store) UpdateTicket(ctx context.Context, t customer.Ticket) (customer.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return customer.Ticket{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.tickets[t.ID]
	if !ok {
		return customer.Ticket{}, notFound("ticket")
	}
	if old.Version != t.Version {
		return customer.Ticket{}, conflict("ticket version")
	}
	if old.CustomerID != t.CustomerID || !old.OpenedAt.Equal(t.OpenedAt) {
		return customer.Ticket{}, fmt.Errorf("memstore: ticket customer_id and opened_at cannot change: %w", customer.ErrInvalid)
	}
	t = t.Clone()
	t.Version++
	s.tickets[t.ID] = t
	return t.Clone(), nil
}

// ListTickets implements customer.TicketStore.
func (s *Store) ListTickets(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Ticket, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(keysOf(s.ticketsBy, customerID), tok, limit, false, func(k key) customer.Ticket {
		return s.tickets[k.id].Clone()
	})
}

// CreateFeedback implements customer.TicketStore.
func (s *Store) CreateFeedback(ctx context.Context, f customer.Feedback) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.feedback[f.ID]; ok {
		return alreadyExists("feedback")
	}
	s.feedback[f.ID] = f
	index(s.feedbackBy, f.CustomerID).insert(keyOf(f.At, f.ID))
	return nil
}

// ListFeedback implements customer.TicketStore.
func (s *Store) ListFeedback(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Feedback, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(keysOf(s.feedbackBy, customerID), tok, limit, true, func(k key) customer.Feedback {
		return s.feedback[k.id]
	})
}
