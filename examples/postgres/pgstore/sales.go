package pgstore

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CreateOrder implements customer.OrderStore.
func (s *Store) CreateOrder(ctx context.Context, o customer.Order) error {
	return s.insert(ctx, "create order", `INSERT INTO orders (id, customer_id, placed_at, status, total, currency, version, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, o,
		o.ID, o.CustomerID, o.PlacedAt, string(o.Status), o.Total.String(), o.Currency, o.Version)
}

// GetOrder implements customer.OrderStore.
func (s *Store) GetOrder(ctx context.Context, id uuid.UUID) (customer.Order, error) {
	return get[customer.Order](ctx, s, "orders", id)
}

// UpdateOrder implements customer.OrderStore.
func (s *Store) UpdateOrder(ctx context.Context, o customer.Order) (customer.Order, error) {
	if err := ctx.Err(); err != nil {
		return customer.Order{}, err
	}
	o = o.Clone()
	old := o.Version
	o.Version++
	doc, err := marshal(o)
	if err != nil {
		return customer.Order{}, err
	}
	var out customer.Order
	err = retry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var cust uuid.UUID
			var ver int64
			err := tx.QueryRow(ctx, `SELECT customer_id, version FROM orders WHERE id = $1 FOR UPDATE`, o.ID).Scan(&cust, &ver)
			if err != nil {
				return mapErr("update order", err)
			}
			if ver != old {
				return fmt.Errorf("pgstore: order version: %w", customer.ErrConflict)
			}
			if cust != o.CustomerID {
				return fmt.Errorf("pgstore: order customer_id cannot change: %w", customer.ErrInvalid)
			}
			_, err = tx.Exec(ctx, `UPDATE orders SET placed_at = $2, status = $3, total = $4, currency = $5, version = $6, doc = $7 WHERE id = $1`,
				o.ID, o.PlacedAt, string(o.Status), o.Total.String(), o.Currency, o.Version, doc)
			out = o
			return mapErr("update order", err)
		})
	})
	if err != nil {
		return customer.Order{}, err
	}
	return out, nil
}

// ListOrders implements customer.OrderStore.
func (s *Store) ListOrders(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Order, string, error) {
	return list[customer.Order](ctx, s, listSpec{table: "orders", timeCol: "placed_at", byCustomer: true}, customerID, tok, limit)
}

// CreatePayment implements customer.OrderStore.
func (s *Store) CreatePayment(ctx context.Context, p customer.Payment) error {
	return s.insert(ctx, "create payment", `INSERT INTO payments (id, customer_id, order_id, at, doc) VALUES ($1, $2, $3, $4, $5)`, p,
		p.ID, p.CustomerID, p.OrderID, p.At)
}

// ListPayments implements customer.OrderStore.
func (s *Store) ListPayments(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Payment, string, error) {
	return list[customer.Payment](ctx, s, listSpec{table: "payments", timeCol: "at", byCustomer: true}, customerID, tok, limit)
}

// AppendEvents implements customer.EventStore: all events are copied in one
// transaction, so a duplicate id stores none of them.
func (s *Store) AppendEvents(ctx context.Context, events []customer.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rows := make([][]any, len(events))
	for i, e := range events {
		doc, err := marshal(e)
		if err != nil {
			return err
		}
		rows[i] = []any{e.ID, e.CustomerID, e.At, string(e.Type), doc}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, []string{"id", "customer_id", "at", "type", "doc"}, pgx.CopyFromRows(rows))
		return err
	})
	return mapErr("append events", err)
}

// ListEvents implements customer.EventStore.
func (s *Store) ListEvents(ctx context.Context, customerID uuid.UUID, newestFirst bool, tok string, limit int) ([]customer.Event, string, error) {
	return list[customer.Event](ctx, s, listSpec{table: "events", timeCol: "at", byCustomer: true, desc: newestFirst}, customerID, tok, limit)
}

// CreateTicket implements customer.TicketStore.
func (s *Store) CreateTicket(ctx context.Context, t customer.Ticket) error {
	return s.insert(ctx, "create ticket", `INSERT INTO tickets (id, customer_id, opened_at, status, version, doc) VALUES ($1, $2, $3, $4, $5, $6)`, t,
		t.ID, t.CustomerID, t.OpenedAt, string(t.Status), t.Version)
}

// GetTicket implements customer.TicketStore.
func (s *Store) GetTicket(ctx context.Context, id uuid.UUID) (customer.Ticket, error) {
	return get[customer.Ticket](ctx, s, "tickets", id)
}

// UpdateTicket implements customer.TicketStore.
func (s *Store) UpdateTicket(ctx context.Context, t customer.Ticket) (customer.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return customer.Ticket{}, err
	}
	t = t.Clone()
	old := t.Version
	t.Version++
	doc, err := marshal(t)
	if err != nil {
		return customer.Ticket{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE tickets SET status = $2, version = $3, doc = $4
		WHERE id = $1 AND version = $5 AND customer_id = $6 AND opened_at = $7`,
		t.ID, string(t.Status), t.Version, doc, old, t.CustomerID, t.OpenedAt)
	if err != nil {
		return customer.Ticket{}, mapErr("update ticket", err)
	}
	if tag.RowsAffected() == 0 {
		return customer.Ticket{}, s.missingOrConflict(ctx, "tickets", t.ID)
	}
	return t, nil
}

// ListTickets implements customer.TicketStore.
func (s *Store) ListTickets(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Ticket, string, error) {
	return list[customer.Ticket](ctx, s, listSpec{table: "tickets", timeCol: "opened_at", byCustomer: true}, customerID, tok, limit)
}

// CreateFeedback implements customer.TicketStore.
func (s *Store) CreateFeedback(ctx context.Context, f customer.Feedback) error {
	return s.insert(ctx, "create feedback", `INSERT INTO feedback (id, customer_id, at, nps, doc) VALUES ($1, $2, $3, $4, $5)`, f,
		f.ID, f.CustomerID, f.At, f.NPS)
}

// ListFeedback implements customer.TicketStore.
func (s *Store) ListFeedback(ctx context.Context, customerID uuid.UUID, tok string, limit int) ([]customer.Feedback, string, error) {
	return list[customer.Feedback](ctx, s, listSpec{table: "feedback", timeCol: "at", byCustomer: true, desc: true}, customerID, tok, limit)
}
