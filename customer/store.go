package customer

import (
	"context"

	"github.com/google/uuid"
)

// Store is everything a Service needs from the host's storage. It is the
// union of four small interfaces, one per capability, so an adapter can be
// built and tested piece by piece. Package memstore implements it in memory;
// package storetest checks any implementation.
//
// Common rules for every method:
//   - ctx is honoured: a cancelled context returns ctx.Err() (wrapped or not)
//     and changes nothing.
//   - Values are copies in both directions: the store never keeps a slice or
//     map the caller passed, and mutating a returned value changes nothing
//     stored.
//   - Errors wrap the package sentinels: ErrNotFound, ErrAlreadyExists,
//     ErrConflict, ErrBadPageToken.
//   - Lists return at most limit items (limit <= 0 means 100; an adapter may
//     cap it, but at no less than 100) and a next-page token, "" on the last
//     page. Tokens are opaque. Paging is keyset paging: every item that
//     existed when the first page was read and still exists is returned
//     exactly once, even while other goroutines insert.
type Store interface {
	ProfileStore
	OrderStore
	EventStore
	TicketStore
}

// ProfileStore keeps customer profiles.
type ProfileStore interface {
	// CreateCustomer stores c, whose Version is 1. A customer with the
	// same ID → ErrAlreadyExists.
	CreateCustomer(ctx context.Context, c Customer) error
	// GetCustomer returns the customer with the ID, or ErrNotFound.
	GetCustomer(ctx context.Context, id uuid.UUID) (Customer, error)
	// UpdateCustomer replaces the stored customer if its Version equals
	// c.Version, storing c with Version+1, and returns what it stored.
	// Unknown ID → ErrNotFound; other version → ErrConflict. The check
	// and the write are atomic.
	UpdateCustomer(ctx context.Context, c Customer) (Customer, error)
	// DeleteCustomer removes the customer, or returns ErrNotFound.
	DeleteCustomer(ctx context.Context, id uuid.UUID) error
	// ListCustomers pages through all customers in ascending ID order.
	ListCustomers(ctx context.Context, pageToken string, limit int) ([]Customer, string, error)
}

// OrderStore keeps orders and payments.
type OrderStore interface {
	// CreateOrder stores o, whose Version is 1. Same ID → ErrAlreadyExists.
	CreateOrder(ctx context.Context, o Order) error
	// GetOrder returns the order with the ID, or ErrNotFound.
	GetOrder(ctx context.Context, id uuid.UUID) (Order, error)
	// UpdateOrder replaces the stored order if its Version equals
	// o.Version, storing o with Version+1, and returns what it stored.
	// Unknown ID → ErrNotFound; other version → ErrConflict. An order
	// never changes customer: a different CustomerID → ErrInvalid.
	UpdateOrder(ctx context.Context, o Order) (Order, error)
	// ListOrders pages through one customer's orders, oldest PlacedAt
	// first (ties by ID). An unknown customer has no orders (no error).
	ListOrders(ctx context.Context, customerID uuid.UUID, pageToken string, limit int) ([]Order, string, error)
	// CreatePayment stores p. Same ID → ErrAlreadyExists.
	CreatePayment(ctx context.Context, p Payment) error
	// ListPayments pages through one customer's payments, oldest first
	// (ties by ID).
	ListPayments(ctx context.Context, customerID uuid.UUID, pageToken string, limit int) ([]Payment, string, error)
}

// EventStore keeps behaviour events. Events are immutable once stored.
type EventStore interface {
	// AppendEvents stores the events atomically: if any ID is already
	// stored (or repeated in the batch), ErrAlreadyExists and none is
	// stored.
	AppendEvents(ctx context.Context, events []Event) error
	// ListEvents pages through one customer's events, newest first when
	// newestFirst is set, otherwise oldest first (ties by ID).
	ListEvents(ctx context.Context, customerID uuid.UUID, newestFirst bool, pageToken string, limit int) ([]Event, string, error)
}

// TicketStore keeps service tickets and feedback.
type TicketStore interface {
	// CreateTicket stores t, whose Version is 1. Same ID → ErrAlreadyExists.
	CreateTicket(ctx context.Context, t Ticket) error
	// GetTicket returns the ticket with the ID, or ErrNotFound.
	GetTicket(ctx context.Context, id uuid.UUID) (Ticket, error)
	// UpdateTicket replaces the stored ticket if its Version equals
	// t.Version, storing t with Version+1, and returns what it stored.
	// Unknown ID → ErrNotFound; other version → ErrConflict.
	UpdateTicket(ctx context.Context, t Ticket) (Ticket, error)
	// ListTickets pages through one customer's tickets, oldest OpenedAt
	// first (ties by ID).
	ListTickets(ctx context.Context, customerID uuid.UUID, pageToken string, limit int) ([]Ticket, string, error)
	// CreateFeedback stores f. Same ID → ErrAlreadyExists.
	CreateFeedback(ctx context.Context, f Feedback) error
	// ListFeedback pages through one customer's feedback, newest first
	// (ties by ID).
	ListFeedback(ctx context.Context, customerID uuid.UUID, pageToken string, limit int) ([]Feedback, string, error)
}

// SealedHandoff is an optional ProfileStore extension, found by type
// assertion, for stores that keep Customer values in memory (memstore).
// It lets a Service with a Sealer skip copying Customer.Sealed, an
// 11-entry map of ciphertexts for a typical profile, on its own writes
// and re-projection reads. Every other field is still copied in both
// directions, as the Store rules require.
//
// The invariant that makes sharing safe: a Sealed map, and the byte
// slices in it, are never modified once handed to the store. The store
// replaces a customer's map as a whole on update and never writes into
// it; the Service hands over maps it built itself and never touches
// again, and does not modify a map it reads with GetCustomerShared (a host
// FieldSealer, which might open in place, is given copies of its bytes).
type SealedHandoff interface {
	// CreateCustomerHandoff is CreateCustomer, except that the store
	// keeps c.Sealed itself (the map and its byte slices) rather than a
	// copy. The caller must not read or modify them afterwards.
	CreateCustomerHandoff(ctx context.Context, c Customer) error
	// UpdateCustomerHandoff is UpdateCustomer with the same handoff of
	// c.Sealed; on success the stored version is c.Version+1.
	UpdateCustomerHandoff(ctx context.Context, c Customer) error
	// GetCustomerShared is GetCustomer, except that the returned Sealed
	// map and its byte slices are the store's own: the caller must not
	// modify them (it may read them, and replace c.Sealed as a whole).
	GetCustomerShared(ctx context.Context, id uuid.UUID) (Customer, error)
}
