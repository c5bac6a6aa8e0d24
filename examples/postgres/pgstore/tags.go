package pgstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/tagging"
	"github.com/jackc/pgx/v5"
)

var _ tagging.Store = (*Store)(nil)

// tagTokenMagic starts every ListByTag token: a version byte and a kind.
var tagTokenMagic = [2]byte{0x01, 0xA7}

func tagErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}

// SetTag implements tagging.Store: the current value and the history entry
// are written in one transaction.
func (s *Store) SetTag(ctx context.Context, a tagging.Assignment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Removed {
		return fmt.Errorf("pgstore: set tag: a removal is not an assignment: %w", tagging.ErrInvalid)
	}
	doc, err := marshal(a)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tags_current (customer_id, tag, doc) VALUES ($1, $2, $3)
			ON CONFLICT (customer_id, tag) DO UPDATE SET doc = EXCLUDED.doc`, a.CustomerID, a.Tag, doc); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO tags_history (customer_id, tag, doc) VALUES ($1, $2, $3)`, a.CustomerID, a.Tag, doc)
		return err
	})
	return tagErr("set tag", err)
}

// RemoveTag implements tagging.Store.
func (s *Store) RemoveTag(ctx context.Context, customerID, tag, by, reason string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entry := tagging.Assignment{CustomerID: customerID, Tag: tag, SetBy: by, Reason: reason, At: at, Removed: true}
	doc, err := marshal(entry)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag2, err := tx.Exec(ctx, `DELETE FROM tags_current WHERE customer_id = $1 AND tag = $2`, customerID, tag)
		if err != nil {
			return err
		}
		if tag2.RowsAffected() == 0 {
			return fmt.Errorf("pgstore: remove tag: %w", tagging.ErrNotFound)
		}
		_, err = tx.Exec(ctx, `INSERT INTO tags_history (customer_id, tag, doc) VALUES ($1, $2, $3)`, customerID, tag, doc)
		return err
	})
	if errors.Is(err, tagging.ErrNotFound) {
		return err
	}
	return tagErr("remove tag", err)
}

// CustomerTags implements tagging.Store.
func (s *Store) CustomerTags(ctx context.Context, customerID string) ([]tagging.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT doc FROM tags_current WHERE customer_id = $1 ORDER BY tag`, customerID)
	if err != nil {
		return nil, tagErr("customer tags", err)
	}
	return collectDocs[tagging.Assignment](rows, "customer tags")
}

// TagHistory implements tagging.Store.
func (s *Store) TagHistory(ctx context.Context, customerID, tag string) ([]tagging.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT doc FROM tags_history WHERE customer_id = $1 AND tag = $2 ORDER BY seq`, customerID, tag)
	if err != nil {
		return nil, tagErr("tag history", err)
	}
	return collectDocs[tagging.Assignment](rows, "tag history")
}

// ListByTag implements tagging.Store with keyset paging on customer id.
func (s *Store) ListByTag(ctx context.Context, tag, pageToken string, limit int) ([]string, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	after := ""
	if pageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(pageToken)
		if err != nil || len(b) < 3 || b[0] != tagTokenMagic[0] || b[1] != tagTokenMagic[1] {
			return nil, "", fmt.Errorf("pgstore: list by tag: %w", tagging.ErrBadPageToken)
		}
		after = string(b[2:])
	}
	rows, err := s.pool.Query(ctx, `SELECT customer_id FROM tags_current WHERE tag = $1 AND customer_id > $2 ORDER BY customer_id LIMIT $3`,
		tag, after, limit+1)
	if err != nil {
		return nil, "", tagErr("list by tag", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, "", tagErr("list by tag", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", tagErr("list by tag", err)
	}
	if len(ids) <= limit {
		return ids, "", nil
	}
	ids = ids[:limit]
	return ids, base64.RawURLEncoding.EncodeToString(append(tagTokenMagic[:], ids[limit-1]...)), nil
}
