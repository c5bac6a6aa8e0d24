package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ identity.Store = (*Store)(nil)

// idErr maps driver errors to identity's sentinels. Deadlocks and
// serialization failures become ErrConflict, which the Resolver retries.
func idErr(what string, err error) error {
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, identity.ErrConflict), errors.Is(err, identity.ErrNotFound):
		return err
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: %s: %w", what, identity.ErrNotFound)
	case errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01"):
		return fmt.Errorf("pgstore: %s: %w", what, identity.ErrConflict)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}

// IdentityTokens implements identity.Store.
func (s *Store) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]identity.TokenEntry, len(keys))
	b := &pgx.Batch{}
	for i, k := range keys {
		out[i].Key = k
		b.Queue(`SELECT COALESCE((SELECT version FROM id_token_versions WHERE kind = $1 AND token = $2), 0),
			COALESCE((SELECT array_agg(record_id ORDER BY record_id) FROM id_tokens WHERE kind = $1 AND token = $2), '{}')`,
			string(k.Kind), k.Token).QueryRow(func(row pgx.Row) error {
			return row.Scan(&out[i].Version, &out[i].Records)
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, idErr("identity tokens", err)
	}
	for i := range out {
		if len(out[i].Records) == 0 {
			out[i].Records = nil
		}
	}
	return out, nil
}

// IdentityRecords implements identity.Store.
func (s *Store) IdentityRecords(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT r.doc FROM unnest($1::text[]) WITH ORDINALITY AS q(id, n)
		JOIN id_records r ON r.id = q.id ORDER BY q.n`, ids)
	if err != nil {
		return nil, idErr("identity records", err)
	}
	return collectDocs[identity.StoredRecord](rows, "identity records")
}

func collectDocs[T any](rows pgx.Rows, what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, idErr(what, err)
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, fmt.Errorf("pgstore: decode %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, idErr(what, rows.Err())
}

// IdentityCustomers implements identity.Store.
func (s *Store) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]identity.CustomerEntry, len(ids))
	b := &pgx.Batch{}
	for i, id := range ids {
		out[i].ID = id
		b.Queue(`SELECT COALESCE((SELECT version FROM id_customer_versions WHERE customer_id = $1), 0),
			COALESCE((SELECT array_agg(record_id ORDER BY record_id) FROM id_customers WHERE customer_id = $1), '{}')`,
			id).QueryRow(func(row pgx.Row) error {
			return row.Scan(&out[i].Version, &out[i].Records)
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, idErr("identity customers", err)
	}
	for i := range out {
		if len(out[i].Records) == 0 {
			out[i].Records = nil
		}
	}
	return out, nil
}

// IdentityConstraints implements identity.Store.
func (s *Store) IdentityConstraints(ctx context.Context, ids []string) ([]identity.Constraint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT c.doc FROM unnest($1::text[]) WITH ORDINALITY AS q(id, n)
		JOIN id_constraints c ON c.id = q.id ORDER BY q.n`, ids)
	if err != nil {
		return nil, idErr("identity constraints", err)
	}
	return collectDocs[identity.Constraint](rows, "identity constraints")
}

// ApplyIdentity implements identity.Store in one transaction. Every
// version the writer read is locked (its row created at version 0 first if
// missing, so two writers expecting a new token serialise on it) in a fixed
// order, checked, then (with Change.RefuseErased) the tombstones are
// checked (refuseErased says why after the locks), and only then is
// anything written.
func (s *Store) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Two round trips: the locks and checks (with the records' old
		// state), then every write. A batch runs its statements in order,
		// each seeing what the ones before it locked, so the tombstone
		// check still comes after the locks.
		old, err := lockAndCheck(ctx, tx, c)
		if err != nil {
			return err
		}
		return writeChange(ctx, tx, c, old)
	})
	return idErr("apply identity change", err)
}

// lockAndCheck locks the rows of every version the change expects (in a
// fixed order, each created at version 0 first if missing, so two writers
// expecting a new token serialise on it), checks the versions, the records
// that must be absent and (with RefuseErased) the tombstones, and returns
// the stored state of the change's records, locked too.
func lockAndCheck(ctx context.Context, tx pgx.Tx, c identity.Change) (map[string]identity.StoredRecord, error) {
	b := &pgx.Batch{}
	var failed error
	fail := func(err error) {
		if failed == nil {
			failed = err
		}
	}
	toks := slices.Clone(c.ExpectTokens)
	slices.SortFunc(toks, func(a, b identity.TokenVersion) int {
		return cmp.Or(strings.Compare(string(a.Key.Kind), string(b.Key.Kind)), strings.Compare(a.Key.Token, b.Key.Token))
	})
	for _, e := range toks {
		b.Queue(`INSERT INTO id_token_versions (kind, token, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`, string(e.Key.Kind), e.Key.Token)
		b.Queue(`SELECT version FROM id_token_versions WHERE kind = $1 AND token = $2 FOR UPDATE`, string(e.Key.Kind), e.Key.Token).
			QueryRow(func(row pgx.Row) error {
				var v int64
				if err := row.Scan(&v); err != nil {
					return err
				}
				if v != e.Version {
					fail(fmt.Errorf("pgstore: identity token version: %w", identity.ErrConflict))
				}
				return nil
			})
	}
	custs := slices.Clone(c.ExpectCustomers)
	slices.SortFunc(custs, func(a, b identity.CustomerVersion) int { return strings.Compare(a.ID.String(), b.ID.String()) })
	for _, e := range custs {
		b.Queue(`INSERT INTO id_customer_versions (customer_id, version) VALUES ($1, 0) ON CONFLICT DO NOTHING`, e.ID)
		b.Queue(`SELECT version FROM id_customer_versions WHERE customer_id = $1 FOR UPDATE`, e.ID).QueryRow(func(row pgx.Row) error {
			var v int64
			if err := row.Scan(&v); err != nil {
				return err
			}
			if v != e.Version {
				fail(fmt.Errorf("pgstore: identity customer version: %w", identity.ErrConflict))
			}
			return nil
		})
	}
	if len(c.ExpectAbsent) > 0 {
		b.Queue(`SELECT EXISTS (SELECT 1 FROM id_records WHERE id = ANY($1))`, c.ExpectAbsent).QueryRow(func(row pgx.Row) error {
			var exists bool
			if err := row.Scan(&exists); err != nil {
				return err
			}
			if exists {
				fail(fmt.Errorf("pgstore: identity record exists: %w", identity.ErrConflict))
			}
			return nil
		})
	}
	if c.RefuseErased {
		queueRefuseErased(b, c.Records, fail)
	}
	old := map[string]identity.StoredRecord{}
	for _, id := range recordIDs(c.Records) {
		b.Queue(`SELECT doc FROM id_records WHERE id = $1 FOR UPDATE`, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var doc []byte
				if err := rows.Scan(&doc); err != nil {
					return err
				}
				var r identity.StoredRecord
				if err := json.Unmarshal(doc, &r); err != nil {
					return fmt.Errorf("decode identity record: %w", err)
				}
				old[id] = r
			}
			return rows.Err()
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return old, failed
}

// recordIDs returns the distinct ids of recs, sorted.
func recordIDs(recs []identity.StoredRecord) []string {
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// writeChange writes the change in one batch: each record against its
// stored state (or the state an earlier record of the change gave it),
// then the version bumps, constraints and events.
func writeChange(ctx context.Context, tx pgx.Tx, c identity.Change, old map[string]identity.StoredRecord) error {
	b := &pgx.Batch{}
	touched := &touchedLists{tokens: map[identity.Key]bool{}, customers: map[uuid.UUID]bool{}}
	for _, r := range c.Records {
		prev, existed := old[r.ID]
		if err := queueRecord(b, r, prev, existed, touched); err != nil {
			return err
		}
		old[r.ID] = r
	}
	touched.queueBumps(b)
	for _, id := range c.DeleteConstraints {
		b.Queue(`DELETE FROM id_constraints WHERE id = $1`, id)
	}
	for _, k := range c.Constraints {
		doc, err := marshal(k)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO id_constraints (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, k.ID, doc)
	}
	for _, e := range c.Events {
		doc, err := marshal(e)
		if err != nil {
			return err
		}
		var named []uuid.UUID
		for _, ce := range append(slices.Clone(e.Before), e.After...) {
			if !slices.Contains(named, ce.ID) {
				named = append(named, ce.ID)
			}
		}
		b.Queue(`WITH e AS (INSERT INTO id_events (id, doc) VALUES ($1, $2) RETURNING seq)
			INSERT INTO id_event_customers (customer_id, seq) SELECT c, e.seq FROM e, unnest($3::uuid[]) AS c ON CONFLICT DO NOTHING`,
			e.ID, doc, named)
	}
	return tx.SendBatch(ctx, b).Close()
}

// touchedLists collects the token and customer lists a change touches;
// each gets its version incremented once, as the Store contract says.
type touchedLists struct {
	tokens    map[identity.Key]bool
	customers map[uuid.UUID]bool
}

func (t *touchedLists) queueBumps(b *pgx.Batch) {
	keys := make([]identity.Key, 0, len(t.tokens))
	for k := range t.tokens {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b identity.Key) int {
		return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Token, b.Token))
	})
	for _, k := range keys {
		b.Queue(`INSERT INTO id_token_versions (kind, token, version) VALUES ($1, $2, 1)
			ON CONFLICT (kind, token) DO UPDATE SET version = id_token_versions.version + 1`, string(k.Kind), k.Token)
	}
	ids := make([]uuid.UUID, 0, len(t.customers))
	for id := range t.customers {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	for _, id := range ids {
		b.Queue(`INSERT INTO id_customer_versions (customer_id, version) VALUES ($1, 1)
			ON CONFLICT (customer_id) DO UPDATE SET version = id_customer_versions.version + 1`, id)
	}
}

// queueRecord queues the upsert of r, whose stored state is old (when it
// existed), keeping the token index and customer lists in step with it and
// noting every list it touches.
func queueRecord(b *pgx.Batch, r, old identity.StoredRecord, existed bool, touched *touchedLists) error {
	if existed {
		for _, k := range old.Keys {
			touched.tokens[k] = true
			if !slices.Contains(r.Keys, k) {
				b.Queue(`DELETE FROM id_tokens WHERE kind = $1 AND token = $2 AND record_id = $3`, string(k.Kind), k.Token, r.ID)
			}
		}
		touched.customers[old.CustomerID] = true
		if old.CustomerID != r.CustomerID {
			b.Queue(`DELETE FROM id_customers WHERE customer_id = $1 AND record_id = $2`, old.CustomerID, r.ID)
		}
	}
	for _, k := range r.Keys {
		touched.tokens[k] = true
		b.Queue(`INSERT INTO id_tokens (kind, token, record_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, string(k.Kind), k.Token, r.ID)
	}
	touched.customers[r.CustomerID] = true
	b.Queue(`INSERT INTO id_customers (customer_id, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, r.CustomerID, r.ID)
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	b.Queue(`INSERT INTO id_records (id, customer_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, doc = EXCLUDED.doc`, r.ID, r.CustomerID, doc)
	return nil
}

// IdentityEvent implements identity.Store.
func (s *Store) IdentityEvent(ctx context.Context, id uuid.UUID) (identity.Event, error) {
	if err := ctx.Err(); err != nil {
		return identity.Event{}, err
	}
	var doc []byte
	if err := s.pool.QueryRow(ctx, `SELECT doc FROM id_events WHERE id = $1`, id).Scan(&doc); err != nil {
		return identity.Event{}, idErr("identity event", err)
	}
	var e identity.Event
	if err := json.Unmarshal(doc, &e); err != nil {
		return identity.Event{}, fmt.Errorf("pgstore: decode identity event: %w", err)
	}
	return e, nil
}

// IdentityEvents implements identity.Store.
func (s *Store) IdentityEvents(ctx context.Context, customerID uuid.UUID) ([]identity.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT e.doc FROM id_event_customers c JOIN id_events e ON e.seq = c.seq
		WHERE c.customer_id = $1 ORDER BY c.seq`, customerID)
	if err != nil {
		return nil, idErr("identity events", err)
	}
	return collectDocs[identity.Event](rows, "identity events")
}
