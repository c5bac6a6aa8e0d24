package pgstore

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/customer"
	"github.com/jackc/pgx/v5"
)

// ImportOptions tune ImportOrders.
type ImportOptions struct {
	// ChunkSize is how many orders one transaction copies (default 5,000).
	ChunkSize int
	// Progress, when set, is called after each committed chunk with the
	// number of orders of the batch handled so far.
	Progress func(done int)
}

// ImportOrders bulk-loads validated orders with COPY, a chunk per
// transaction: each chunk is copied into a temporary table and inserted
// with ON CONFLICT (id) DO NOTHING. The import is idempotent, so when the
// connection is lost part way the caller runs the same batch again: chunks
// already committed are skipped, nothing is duplicated and nothing is lost.
// It returns how many orders this call inserted. Orders must already be
// valid (customer.Order.Validate); ImportOrders does not check customers
// exist, as bulk loads usually come after the customers.
func (s *Store) ImportOrders(ctx context.Context, orders []customer.Order, opts *ImportOptions) (int, error) {
	chunk := 5000
	var progress func(int)
	if opts != nil {
		if opts.ChunkSize > 0 {
			chunk = opts.ChunkSize
		}
		progress = opts.Progress
	}
	for i := range orders {
		if err := orders[i].Validate(); err != nil {
			return 0, fmt.Errorf("pgstore: import orders[%d]: %w", i, err)
		}
	}
	inserted := 0
	for start := 0; start < len(orders); start += chunk {
		part := orders[start:min(start+chunk, len(orders))]
		rows := make([][]any, len(part))
		for i, o := range part {
			doc, err := marshal(o)
			if err != nil {
				return inserted, err
			}
			rows[i] = []any{o.ID, o.CustomerID, o.PlacedAt, string(o.Status), o.Total.String(), o.Currency, o.Version, doc}
		}
		var n int64
		err := retry(ctx, func() error {
			return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_orders (LIKE orders INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
					return err
				}
				cols := []string{"id", "customer_id", "placed_at", "status", "total", "currency", "version", "doc"}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_orders"}, cols, pgx.CopyFromRows(rows)); err != nil {
					return err
				}
				tag, err := tx.Exec(ctx, `INSERT INTO orders SELECT * FROM import_orders ON CONFLICT (id) DO NOTHING`)
				n = tag.RowsAffected()
				return err
			})
		})
		if err != nil {
			return inserted, mapErr("import orders", err)
		}
		inserted += int(n)
		if progress != nil {
			progress(start + len(part))
		}
	}
	return inserted, nil
}
