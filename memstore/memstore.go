// Package memstore is cimkit's in-memory storage adapter. One *Store
// implements every Store interface of the library, keeps all data in maps
// guarded by one lock, and passes the same storetest conformance suites as a
// database adapter. Use it in tests, demos and small embedded deployments.
//
//	svc := customer.New(memstore.New(), nil)
package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/google/uuid"
)

var errBadToken = customer.ErrBadPageToken

// Store keeps everything in memory. It is safe for concurrent use. The zero
// value is not usable; call New.
type Store struct {
	mu sync.RWMutex

	customers   map[uuid.UUID]customer.Customer
	customerIDs sortedKeys

	orders     map[uuid.UUID]customer.Order
	ordersBy   map[uuid.UUID]*sortedKeys
	payments   map[uuid.UUID]customer.Payment
	paymentsBy map[uuid.UUID]*sortedKeys

	events   map[uuid.UUID]customer.Event
	eventsBy map[uuid.UUID]*sortedKeys

	tickets    map[uuid.UUID]customer.Ticket
	ticketsBy  map[uuid.UUID]*sortedKeys
	feedback   map[uuid.UUID]customer.Feedback
	feedbackBy map[uuid.UUID]*sortedKeys

	keys  *keyTables // privacy.KeyStore tables, made on first write (keys.go)
	audit [][]byte   // privacy/audit entries in append order

	consent   map[uuid.UUID][]consent.Event // privacy/consent ledger per customer
	consentID map[uuid.UUID]bool            // ids of stored consent events
	// identity state has its own lock: resolution and profile writes
	// do not wait for each other.
	idmu sync.RWMutex
	id   idState

	tags tagData // see tags.go
}

// New returns an empty store.
func New() *Store {
	return &Store{
		customers:  map[uuid.UUID]customer.Customer{},
		orders:     map[uuid.UUID]customer.Order{},
		ordersBy:   map[uuid.UUID]*sortedKeys{},
		payments:   map[uuid.UUID]customer.Payment{},
		paymentsBy: map[uuid.UUID]*sortedKeys{},
		events:     map[uuid.UUID]customer.Event{},
		eventsBy:   map[uuid.UUID]*sortedKeys{},
		tickets:    map[uuid.UUID]customer.Ticket{},
		ticketsBy:  map[uuid.UUID]*sortedKeys{},
		feedback:   map[uuid.UUID]customer.Feedback{},
		feedbackBy: map[uuid.UUID]*sortedKeys{},
		consent:    map[uuid.UUID][]consent.Event{},
		consentID:  map[uuid.UUID]bool{},
		id:         newIDState(),
	}
}

var _ customer.Store = (*Store)(nil)

func notFound(what string) error { return fmt.Errorf("memstore: %s: %w", what, customer.ErrNotFound) }
func alreadyExists(what string) error {
	return fmt.Errorf("memstore: %s: %w", what, customer.ErrAlreadyExists)
}
func conflict(what string) error { return fmt.Errorf("memstore: %s: %w", what, customer.ErrConflict) }

// index returns the per-customer key set in m, creating it.
func index(m map[uuid.UUID]*sortedKeys, id uuid.UUID) *sortedKeys {
	s := m[id]
	if s == nil {
		s = new(sortedKeys)
		m[id] = s
	}
	return s
}

func keysOf(m map[uuid.UUID]*sortedKeys, id uuid.UUID) *sortedKeys { return m[id] }

// CreateCustomer implements customer.ProfileStore.
func (s *Store) CreateCustomer(ctx context.Context, c customer.Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[c.ID]; ok {
		return alreadyExists("customer")
	}
	s.customers[c.ID] = c.Clone()
	s.customerIDs.insert(key{id: c.ID})
	return nil
}

// GetCustomer implements customer.ProfileStore.
func (s *Store) GetCustomer(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return customer.Customer{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.customers[id]
	if !ok {
		return customer.Customer{}, notFound("customer")
	}
	return c.Clone(), nil
}

// UpdateCustomer implements customer.ProfileStore.
func (s *Store) UpdateCustomer(ctx context.Context, c customer.Customer) (customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return customer.Customer{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.customers[c.ID]
	if !ok {
		return customer.Customer{}, notFound("customer")
	}
	if old.Version != c.Version {
		return customer.Customer{}, conflict("customer version")
	}
	// The store keeps its own copy; the caller gets back its own value
	// with the new version (no second copy: nothing of it is stored).
	stored := c.Clone()
	stored.Version++
	s.customers[c.ID] = stored
	c.Version++
	return c, nil
}

// DeleteCustomer implements customer.ProfileStore.
func (s *Store) DeleteCustomer(ctx context.Context, id uuid.UUID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[id]; !ok {
		return notFound("customer")
	}
	delete(s.customers, id)
	s.customerIDs.remove(key{id: id})
	return nil
}

// ListCustomers implements customer.ProfileStore.
func (s *Store) ListCustomers(ctx context.Context, tok string, limit int) ([]customer.Customer, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(&s.customerIDs, tok, limit, false, func(k key) customer.Customer {
		return s.customers[k.id].Clone()
	})
}
