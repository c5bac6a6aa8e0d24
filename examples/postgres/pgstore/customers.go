package pgstore

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CreateCustomer implements customer.ProfileStore.
func (s *Store) CreateCustomer(ctx context.Context, c customer.Customer) error {
	return s.insert(ctx, "create customer", `INSERT INTO customers (id, version, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5)`, c,
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt)
}

// GetCustomer implements customer.ProfileStore.
func (s *Store) GetCustomer(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	return get[customer.Customer](ctx, s, "customers", id)
}

// UpdateCustomer implements customer.ProfileStore. The version check and
// the write are one statement.
func (s *Store) UpdateCustomer(ctx context.Context, c customer.Customer) (customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return customer.Customer{}, err
	}
	c = c.Clone()
	old := c.Version
	c.Version++
	doc, err := marshal(c)
	if err != nil {
		return customer.Customer{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE customers SET version = $2, updated_at = $3, doc = $4 WHERE id = $1 AND version = $5`,
		c.ID, c.Version, c.UpdatedAt, doc, old)
	if err != nil {
		return customer.Customer{}, mapErr("update customer", err)
	}
	if tag.RowsAffected() == 0 {
		return customer.Customer{}, s.missingOrConflict(ctx, "customers", c.ID)
	}
	return c, nil
}

// missingOrConflict tells why a versioned update touched no row.
func (s *Store) missingOrConflict(ctx context.Context, table string, id uuid.UUID) error {
	var one int
	err := s.pool.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id).Scan(&one)
	if err == pgx.ErrNoRows {
		return fmt.Errorf("pgstore: %s: %w", table, customer.ErrNotFound)
	}
	if err != nil {
		return mapErr(table, err)
	}
	return fmt.Errorf("pgstore: %s version: %w", table, customer.ErrConflict)
}

// DeleteCustomer implements customer.ProfileStore.
func (s *Store) DeleteCustomer(ctx context.Context, id uuid.UUID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM customers WHERE id = $1`, id)
	if err != nil {
		return mapErr("delete customer", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgstore: customer: %w", customer.ErrNotFound)
	}
	return nil
}

// ListCustomers implements customer.ProfileStore.
func (s *Store) ListCustomers(ctx context.Context, tok string, limit int) ([]customer.Customer, string, error) {
	return list[customer.Customer](ctx, s, listSpec{table: "customers"}, uuid.Nil, tok, limit)
}
