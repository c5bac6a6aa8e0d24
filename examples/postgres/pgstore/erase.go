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
		b := &pgx.Batch{}
		touched.queueBumps(b)
		return tx.SendBatch(ctx, b).Close()
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

// queueRefuseErased implements identity.Change.RefuseErased inside
// ApplyIdentity's transaction: fail gets an error wrapping
// identity.ErrErased if a record's id or linking key is tombstoned.
//
// It is queued in ApplyIdentity's first batch after the statements that
// lock the change's token and customer version rows (a batch runs its
// statements one after another, so it begins once they hold the locks),
// and that order is what closes the race with an erasure
// under READ COMMITTED, where each statement sees every transaction that
// committed before it began. EraseIdentity commits a round's tombstones
// before it starts deleting that round's records, and the deletion bumps
// (so locks) the version row of every token the deleted records held. A
// change can rely on those tokens being free only if it read them after
// the deletion committed; then the deletion committed before our locks
// were granted and before this statement began, and the tombstones,
// committed earlier still, are visible here. A deletion that has not
// committed when we take the locks must wait for our commit; our change
// was then planned while the erased records still held the tokens, so the
// record joins the customer being erased and the erasure's next round
// deletes it. Checking before the locks would leave a window in which a
// deletion commits after the check but before the locks, and the argument
// would then rest on how the caller ordered its reads.
func queueRefuseErased(b *pgx.Batch, recs []identity.StoredRecord, fail func(error)) {
	var hashes []string
	for _, r := range recs {
		hashes = append(hashes, identity.TombstoneHash(identity.TombstoneRecord, r.ID))
		for _, k := range r.Keys {
			hashes = append(hashes, identity.KeyTombstoneHash(k))
		}
	}
	if len(hashes) == 0 {
		return
	}
	b.Queue(`SELECT doc->>'Kind' FROM id_tombstones WHERE hash = ANY($1) LIMIT 1`, hashes).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var kind string
			if err := rows.Scan(&kind); err != nil {
				return err
			}
			fail(fmt.Errorf("pgstore: identity %s tombstoned: %w", kind, identity.ErrErased))
		}
		return rows.Err()
	})
}
