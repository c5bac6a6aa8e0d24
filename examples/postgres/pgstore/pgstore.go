// Package pgstore is a PostgreSQL adapter for cimkit, built on pgx. One
// *Store implements customer.Store (profiles, orders and payments, events,
// tickets and feedback) with the same semantics as memstore, proven by the
// same storetest suites:
//
//	pool, _ := pgxpool.New(ctx, dsn)
//	_ = pgstore.Migrate(ctx, pool)
//	svc := customer.New(pgstore.New(pool), nil)
//
// Unique violations map to customer.ErrAlreadyExists, version mismatches to
// customer.ErrConflict; lists use keyset pagination on indexed columns;
// transient failures (serialization failures, deadlocks) are retried a
// bounded number of times. Timestamps are stored with PostgreSQL's
// microsecond precision in the indexed columns and exactly in the jsonb
// documents.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/pagetoken"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the PostgreSQL adapter. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store over pool. Run Migrate once before using it.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

var _ customer.Store = (*Store)(nil)

// maxRetries bounds retries of serialization failures and deadlocks.
const maxRetries = 5

// retry runs fn, again on a serialization failure or deadlock, at most
// maxRetries times.
func retry(ctx context.Context, fn func() error) error {
	var err error
	for range maxRetries {
		if err = fn(); err == nil {
			return nil
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || (pe.Code != "40001" && pe.Code != "40P01") {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

// mapErr turns driver errors into the customer package's sentinels.
func mapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: %s: %w", what, customer.ErrNotFound)
	case errors.As(err, &pe) && pe.Code == "23505":
		return fmt.Errorf("pgstore: %s: %w", what, customer.ErrAlreadyExists)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

// insert runs an INSERT whose last parameter is v as a jsonb document.
func (s *Store) insert(ctx context.Context, what, sql string, v any, args ...any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	doc, err := marshal(v)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, sql, append(args, doc)...)
	return mapErr(what, err)
}

// get reads the jsonb document of the row with the id.
func get[T any](ctx context.Context, s *Store, table string, id uuid.UUID) (T, error) {
	var v T
	if err := ctx.Err(); err != nil {
		return v, err
	}
	var doc []byte
	if err := s.pool.QueryRow(ctx, "SELECT doc FROM "+table+" WHERE id = $1", id).Scan(&doc); err != nil {
		return v, mapErr("get from "+table, err)
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return v, fmt.Errorf("pgstore: decode %s: %w", table, err)
	}
	return v, nil
}

// cursor is a keyset position: a time (microseconds) and an id.
type cursor struct {
	micros int64
	id     uuid.UUID
}

func encodeToken(c cursor, desc bool) string { return pagetoken.Encode(c.micros, c.id, desc) }

func decodeToken(tok string, desc bool) (cursor, error) {
	t, id, err := pagetoken.Decode(tok, desc)
	if err != nil {
		return cursor{}, fmt.Errorf("pgstore: %w", customer.ErrBadPageToken)
	}
	return cursor{micros: t, id: id}, nil
}

func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return 100
	case limit > 1000:
		return 1000
	}
	return limit
}

// listSpec describes a keyset-paged listing of one table.
type listSpec struct {
	table, timeCol string
	byCustomer     bool
	desc           bool
}

// list runs a keyset-paged query and decodes each row's jsonb document.
func list[T any](ctx context.Context, s *Store, spec listSpec, customerID uuid.UUID, tok string, limit int) ([]T, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	cmp, dir := ">", "ASC"
	if spec.desc {
		cmp, dir = "<", "DESC"
	}
	timeSel, key, order := "NULL::timestamptz", "id", "id "+dir
	if spec.timeCol != "" {
		timeSel = spec.timeCol
		key = "(" + spec.timeCol + ", id)"
		order = spec.timeCol + " " + dir + ", id " + dir
	}
	var where []string
	var args []any
	if spec.byCustomer {
		args = append(args, customerID)
		where = append(where, fmt.Sprintf("customer_id = $%d", len(args)))
	}
	if tok != "" {
		c, err := decodeToken(tok, spec.desc)
		if err != nil {
			return nil, "", err
		}
		if spec.timeCol != "" {
			args = append(args, time.UnixMicro(c.micros).UTC(), c.id)
			where = append(where, fmt.Sprintf("%s %s ($%d, $%d)", key, cmp, len(args)-1, len(args)))
		} else {
			args = append(args, c.id)
			where = append(where, fmt.Sprintf("id %s $%d", cmp, len(args)))
		}
	}
	q := fmt.Sprintf("SELECT doc, %s, id FROM %s", timeSel, spec.table)
	for i, w := range where {
		if i == 0 {
			q += " WHERE " + w
		} else {
			q += " AND " + w
		}
	}
	args = append(args, limit+1)
	q += fmt.Sprintf(" ORDER BY %s LIMIT $%d", order, len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", mapErr("list "+spec.table, err)
	}
	defer rows.Close()
	var out []T
	var last cursor
	more := false
	for rows.Next() {
		if len(out) == limit {
			more = true
			break
		}
		var doc []byte
		var at *time.Time
		var id uuid.UUID
		if err := rows.Scan(&doc, &at, &id); err != nil {
			return nil, "", mapErr("list "+spec.table, err)
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, "", fmt.Errorf("pgstore: decode %s: %w", spec.table, err)
		}
		out = append(out, v)
		last = cursor{id: id}
		if at != nil {
			last.micros = at.UnixMicro()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", mapErr("list "+spec.table, err)
	}
	if !more {
		return out, "", nil
	}
	return out, encodeToken(last, spec.desc), nil
}
