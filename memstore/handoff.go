package memstore

import (
	"context"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

// Stored customers' Sealed maps are immutable: a map (and every byte
// slice in it) is never written after it is stored. Updates replace a
// customer's map as a whole, and the plain Store methods copy it in both
// directions. This is what lets the customer.SealedHandoff methods below
// take a map over, or share one with a reader, without copying it.

var _ customer.SealedHandoff = (*Store)(nil)

// cloneExceptSealed returns a deep copy of c (customer.Customer.Clone)
// whose Sealed is c's own map, not a copy.
func cloneExceptSealed(c customer.Customer) customer.Customer {
	sealed := c.Sealed
	c.Sealed = nil
	c = c.Clone()
	c.Sealed = sealed
	return c
}

// CreateCustomerHandoff implements customer.SealedHandoff: CreateCustomer
// keeping c.Sealed, which the caller hands over, instead of a copy.
func (s *Store) CreateCustomerHandoff(ctx context.Context, c customer.Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c = cloneExceptSealed(c) // outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[c.ID]; ok {
		return alreadyExists("customer")
	}
	s.customers[c.ID] = c
	s.customerIDs.insert(key{id: c.ID})
	return nil
}

// UpdateCustomerHandoff implements customer.SealedHandoff: UpdateCustomer
// keeping c.Sealed, which the caller hands over, instead of a copy.
func (s *Store) UpdateCustomerHandoff(ctx context.Context, c customer.Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c = cloneExceptSealed(c) // outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.customers[c.ID]
	if !ok {
		return notFound("customer")
	}
	if old.Version != c.Version {
		return conflict("customer version")
	}
	c.Version++
	s.customers[c.ID] = c
	return nil
}

// GetCustomerShared implements customer.SealedHandoff: GetCustomer
// returning the stored Sealed map itself, which the caller must not
// modify.
func (s *Store) GetCustomerShared(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return customer.Customer{}, err
	}
	s.mu.RLock()
	c, ok := s.customers[id]
	s.mu.RUnlock()
	if !ok {
		return customer.Customer{}, notFound("customer")
	}
	// The stored value is never modified in place (updates replace it),
	// so it is copied outside the lock.
	return cloneExceptSealed(c), nil
}
