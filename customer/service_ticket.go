package customer

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"
)

// OpenTicket stores a new service ticket for an existing customer. A nil ID
// gets a new one; Status becomes open, Priority defaults to normal, and the
// opening is recorded in History.
func (s *Service) OpenTicket(ctx context.Context, t Ticket) (Ticket, error) {
	t = t.Clone()
	t.ID = s.id(t.ID)
	now := s.now().UTC()
	if t.OpenedAt.IsZero() {
		t.OpenedAt = now
	}
	t.UpdatedAt = t.OpenedAt
	t.Status = TicketOpen
	if t.Priority == "" {
		t.Priority = PriorityNormal
	}
	t.History = []StatusChange{{Status: string(TicketOpen), At: t.OpenedAt}}
	t.Version = 1
	if err := t.Validate(); err != nil {
		return Ticket{}, err
	}
	if err := s.activityFor(ctx, t.CustomerID); err != nil {
		return Ticket{}, fmt.Errorf("open ticket: customer: %w", err)
	}
	if err := s.store.CreateTicket(ctx, t); err != nil {
		return Ticket{}, fmt.Errorf("open ticket: %w", err)
	}
	return t, nil
}

// TicketUpdate changes a ticket. Empty fields leave the ticket as it is; a
// note without a status change is recorded under the current status.
type TicketUpdate struct {
	Status       TicketStatus
	Priority     Priority
	Note         string
	Resolution   string
	Satisfaction int // 1..5; 0 leaves it
}

// UpdateTicket applies u to the ticket if its lifecycle allows the status
// change (ErrInvalid otherwise). It retries on concurrent updates.
func (s *Service) UpdateTicket(ctx context.Context, id uuid.UUID, u TicketUpdate) (Ticket, error) {
	if u.Status != "" && !u.Status.Valid() {
		return Ticket{}, invalid("status", "unknown ticket status")
	}
	if u.Satisfaction < 0 || u.Satisfaction > 5 {
		return Ticket{}, invalid("satisfaction", "must be 1 to 5, or 0 to leave it")
	}
	for attempt := 0; ; attempt++ {
		t, err := s.store.GetTicket(ctx, id)
		if err != nil {
			return Ticket{}, fmt.Errorf("update ticket: %w", err)
		}
		now := s.now().UTC()
		if u.Status != "" && u.Status != t.Status {
			if !t.Status.CanBecome(u.Status) {
				return Ticket{}, invalid("status", "a ticket cannot go from %s to %s", t.Status, u.Status)
			}
			t.Status = u.Status
			t.History = append(t.History, StatusChange{Status: string(u.Status), At: now, Note: u.Note})
		} else if u.Note != "" {
			t.History = append(t.History, StatusChange{Status: string(t.Status), At: now, Note: u.Note})
		}
		if u.Priority != "" {
			t.Priority = u.Priority
		}
		if u.Resolution != "" {
			t.Resolution = u.Resolution
		}
		if u.Satisfaction != 0 {
			t.Satisfaction = u.Satisfaction
		}
		t.UpdatedAt = now
		if err := t.Validate(); err != nil {
			return Ticket{}, err
		}
		out, err := s.store.UpdateTicket(ctx, t)
		if err == nil {
			return out, nil
		}
		if !isConflict(err) || attempt >= 4 {
			return Ticket{}, fmt.Errorf("update ticket: %w", err)
		}
	}
}

// Tickets iterates over a customer's tickets, oldest first.
func (s *Service) Tickets(ctx context.Context, customerID uuid.UUID) iter.Seq2[Ticket, error] {
	return pages(s.pageSize, func(tok string, n int) ([]Ticket, string, error) {
		return s.store.ListTickets(ctx, customerID, tok, n)
	})
}

// RecordFeedback stores an NPS answer for an existing customer.
func (s *Service) RecordFeedback(ctx context.Context, f Feedback) (Feedback, error) {
	f.ID = s.id(f.ID)
	if f.At.IsZero() {
		f.At = s.now().UTC()
	}
	if err := f.Validate(); err != nil {
		return Feedback{}, err
	}
	if err := s.activityFor(ctx, f.CustomerID); err != nil {
		return Feedback{}, fmt.Errorf("record feedback: customer: %w", err)
	}
	if err := s.store.CreateFeedback(ctx, f); err != nil {
		return Feedback{}, fmt.Errorf("record feedback: %w", err)
	}
	return f, nil
}
