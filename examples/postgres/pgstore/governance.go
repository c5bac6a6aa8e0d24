package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	_ audit.Store   = (*Store)(nil)
	_ consent.Store = (*Store)(nil)
)

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// AppendAudit implements audit.Store. The size check and the inserts run
// in one transaction; a concurrent appender that got there first makes the
// primary key on position fail, which is reported as audit.ErrConflict.
func (s *Store) AppendAudit(ctx context.Context, at uint64, entries [][]byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var size int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM audit_log`).Scan(&size); err != nil {
			return err
		}
		if uint64(size) != at {
			return fmt.Errorf("pgstore: audit log has %d entries, append expected %d: %w", size, at, audit.ErrConflict)
		}
		rows := make([][]any, len(entries))
		for i, e := range entries {
			rows[i] = []any{int64(at) + int64(i), e}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, []string{"position", "entry"}, pgx.CopyFromRows(rows))
		return err
	})
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return fmt.Errorf("pgstore: audit append raced: %w", audit.ErrConflict)
	case errors.Is(err, audit.ErrConflict), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("pgstore: audit append: %w", err)
}

// ReadAudit implements audit.Store.
func (s *Store) ReadAudit(ctx context.Context, start, end uint64) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	size, err := s.AuditSize(ctx)
	if err != nil {
		return nil, err
	}
	if start > end || end > size {
		return nil, fmt.Errorf("pgstore: audit range [%d, %d) of %d: %w", start, end, size, audit.ErrOutOfRange)
	}
	rows, err := s.pool.Query(ctx, `SELECT entry FROM audit_log WHERE position >= $1 AND position < $2 ORDER BY position`, int64(start), int64(end))
	if err != nil {
		return nil, fmt.Errorf("pgstore: audit read: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, end-start)
	for rows.Next() {
		var e []byte
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("pgstore: audit read: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: audit read: %w", err)
	}
	return out, nil
}

// AuditSize implements audit.Store.
func (s *Store) AuditSize(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var size int64
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM audit_log`).Scan(&size); err != nil {
		return 0, fmt.Errorf("pgstore: audit size: %w", err)
	}
	return uint64(size), nil
}

// AppendConsent implements consent.Store.
func (s *Store) AppendConsent(ctx context.Context, e consent.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	doc, err := marshal(e)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO consent_events (id, customer_id, doc) VALUES ($1, $2, $3)`, e.ID, e.CustomerID, doc)
	if isUniqueViolation(err) {
		return fmt.Errorf("pgstore: consent event: %w", consent.ErrAlreadyExists)
	}
	if err != nil {
		return mapErr("append consent", err)
	}
	return nil
}

// ListConsent implements consent.Store.
func (s *Store) ListConsent(ctx context.Context, customerID uuid.UUID) ([]consent.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT doc FROM consent_events WHERE customer_id = $1 ORDER BY seq`, customerID)
	if err != nil {
		return nil, mapErr("list consent", err)
	}
	defer rows.Close()
	var out []consent.Event
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, mapErr("list consent", err)
		}
		var e consent.Event
		if err := json.Unmarshal(doc, &e); err != nil {
			return nil, fmt.Errorf("pgstore: decode consent event: %w", err)
		}
		out = append(out, e)
	}
	return out, mapErr("list consent", rows.Err())
}
