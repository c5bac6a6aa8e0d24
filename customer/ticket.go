package customer

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// TicketStatus is where a service case stands.
type TicketStatus string

// Ticket statuses: open → pending (waiting on the customer) ↔ open →
// resolved → closed; a resolved ticket may be reopened.
const (
	TicketOpen     TicketStatus = "open"
	TicketPending  TicketStatus = "pending"
	TicketResolved TicketStatus = "resolved"
	TicketClosed   TicketStatus = "closed"
)

var ticketTransitions = map[TicketStatus][]TicketStatus{
	TicketOpen:     {TicketPending, TicketResolved, TicketClosed},
	TicketPending:  {TicketOpen, TicketResolved, TicketClosed},
	TicketResolved: {TicketOpen, TicketClosed},
	TicketClosed:   nil,
}

// Valid reports whether s is a known status.
func (s TicketStatus) Valid() bool { _, ok := ticketTransitions[s]; return ok }

// CanBecome reports whether a ticket in status s may move to status to.
func (s TicketStatus) CanBecome(to TicketStatus) bool {
	return slices.Contains(ticketTransitions[s], to)
}

// Priority of a ticket.
type Priority string

// Priorities.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Ticket is a customer-service case.
type Ticket struct {
	ID           uuid.UUID
	CustomerID   uuid.UUID
	OrderID      uuid.UUID // optional
	Channel      Channel
	Category     string // e.g. "delivery_late", "quality", "refund"
	Priority     Priority
	Status       TicketStatus
	History      []StatusChange // every status change with its note, oldest first
	Resolution   string
	Satisfaction int // 1..5 once rated, 0 when not rated
	OpenedAt     time.Time
	UpdatedAt    time.Time
	Version      int64
}

// Clone returns a deep copy.
func (t Ticket) Clone() Ticket {
	t.History = slices.Clone(t.History)
	return t
}

// Validate checks the ticket's fields.
func (t *Ticket) Validate() error {
	if t.ID == uuid.Nil {
		return invalid("id", "must not be the nil uuid")
	}
	if t.CustomerID == uuid.Nil {
		return invalid("customer_id", "must not be the nil uuid")
	}
	if err := checkChannel("channel", t.Channel, true); err != nil {
		return err
	}
	if t.Category == "" {
		return invalid("category", "must be set")
	}
	if err := checkText("category", t.Category, MaxCodeBytes); err != nil {
		return err
	}
	switch t.Priority {
	case PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
	default:
		return invalid("priority", "must be low, normal, high or urgent")
	}
	if !t.Status.Valid() {
		return invalid("status", "unknown ticket status")
	}
	if err := checkText("resolution", t.Resolution, MaxNoteBytes); err != nil {
		return err
	}
	if t.Satisfaction < 0 || t.Satisfaction > 5 {
		return invalid("satisfaction", "must be 1 to 5, or 0 when not rated")
	}
	if t.OpenedAt.IsZero() {
		return invalid("opened_at", "must be set")
	}
	if len(t.History) > 1000 {
		return invalid("history", "more than 1000 entries")
	}
	for i, h := range t.History {
		if !TicketStatus(h.Status).Valid() {
			return invalid(fmt.Sprintf("history[%d].status", i), "unknown ticket status")
		}
		if err := checkText(fmt.Sprintf("history[%d].note", i), h.Note, MaxNoteBytes); err != nil {
			return err
		}
	}
	return nil
}

// Feedback is a Net Promoter Score answer with an optional comment.
type Feedback struct {
	ID         uuid.UUID
	CustomerID uuid.UUID
	OrderID    uuid.UUID // optional
	Channel    Channel
	NPS        int // 0..10
	Comment    string
	At         time.Time
}

// Validate checks the feedback's fields.
func (f *Feedback) Validate() error {
	switch {
	case f.ID == uuid.Nil:
		return invalid("id", "must not be the nil uuid")
	case f.CustomerID == uuid.Nil:
		return invalid("customer_id", "must not be the nil uuid")
	case f.NPS < 0 || f.NPS > 10:
		return invalid("nps", "must be 0 to 10")
	case f.At.IsZero():
		return invalid("at", "must be set")
	}
	if err := checkChannel("channel", f.Channel, false); err != nil {
		return err
	}
	return checkText("comment", f.Comment, MaxNoteBytes)
}
