package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

var (
	_ identity.EraseStore       = (*Store)(nil)
	_ customer.ActivityRedactor = (*Store)(nil)
)

// PutTombstones implements identity.EraseStore: the first tombstone of a
// hash wins.
func (s *Store) PutTombstones(ctx context.Context, ts []identity.Tombstone) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, t := range ts {
		doc, err := marshal(t)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO id_tombstones (hash, doc, customer_id) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING`, t.Hash, doc, t.Customer)
	}
	return idErr("put tombstones", s.pool.SendBatch(ctx, b).Close())
}

// Tombstones implements identity.EraseStore.
func (s *Store) Tombstones(ctx context.Context, hashes []string) ([]identity.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT t.doc FROM unnest($1::text[]) WITH ORDINALITY AS q(hash, n)
		JOIN id_tombstones t ON t.hash = q.hash ORDER BY q.n`, hashes)
	if err != nil {
		return nil, idErr("tombstones", err)
	}
	return collectDocs[identity.Tombstone](rows, "tombstones")
}

// CustomerTombstones implements identity.EraseStore.
func (s *Store) CustomerTombstones(ctx context.Context, id uuid.UUID) ([]identity.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT doc FROM id_tombstones WHERE customer_id = $1 ORDER BY hash`, id)
	if err != nil {
		return nil, idErr("customer tombstones", err)
	}
	return collectDocs[identity.Tombstone](rows, "customer tombstones")
}

// DeleteIdentityRecords implements identity.EraseStore in one transaction;
// every token and customer list a deleted record leaves gets its version
// incremented once.
func (s *Store) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		touched := &touchedLists{tokens: map[identity.Key]bool{}, customers: map[uuid.UUID]bool{}}
		for _, id := range ids {
			var doc []byte
			err := tx.QueryRow(ctx, `DELETE FROM id_records WHERE id = $1 RETURNING doc`, id).Scan(&doc)
			if err == pgx.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			var r identity.StoredRecord
			if err := json.Unmarshal(doc, &r); err != nil {
				return fmt.Errorf("decode identity record: %w", err)
			}
			for _, k := range r.Keys {
				touched.tokens[k] = true
			}
			touched.customers[r.CustomerID] = true
			if _, err := tx.Exec(ctx, `DELETE FROM id_tokens WHERE record_id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM id_customers WHERE record_id = $1`, id); err != nil {
				return err
			}
		}
		return touched.bump(ctx, tx)
	})
	return idErr("delete identity records", err)
}

// RedactActivity implements customer.ActivityRedactor: it clears event
// keywords and properties and feedback comments of the customer, keeping
// ids, types, times, SKUs and scores.
func (s *Store) RedactActivity(ctx context.Context, customerID uuid.UUID) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		t1, err := tx.Exec(ctx, `UPDATE events SET doc = doc - 'Keyword' - 'Properties'
			WHERE customer_id = $1 AND (COALESCE(doc->>'Keyword', '') <> '' OR doc->'Properties' IS NOT NULL AND doc->'Properties' <> 'null'::jsonb)`, customerID)
		if err != nil {
			return err
		}
		t2, err := tx.Exec(ctx, `UPDATE feedback SET doc = doc - 'Comment'
			WHERE customer_id = $1 AND COALESCE(doc->>'Comment', '') <> ''`, customerID)
		n = t1.RowsAffected() + t2.RowsAffected()
		return err
	})
	if err != nil {
		return 0, mapErr("redact activity", err)
	}
	return int(n), nil
}
