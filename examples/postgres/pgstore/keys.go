package pgstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/privacy"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// KeyStore returns the privacy.KeyStore view of the store: wrapped tenant
// keys and customer data keys in the tenant_keys and data_keys tables.
func (s *Store) KeyStore() privacy.KeyStore { return keyStore{s} }

type keyStore struct{ s *Store }

var _ privacy.KeyStore = keyStore{}

// keyErr maps driver errors to privacy's sentinels.
func keyErr(what string, err error) error {
	var pe *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: %s: %w", what, privacy.ErrNotFound)
	case errors.As(err, &pe) && pe.Code == "23505":
		return fmt.Errorf("pgstore: %s: %w", what, privacy.ErrAlreadyExists)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("pgstore: %s: %w", what, err)
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (k keyStore) CreateTenantKey(ctx context.Context, tk privacy.TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := k.s.pool.Exec(ctx, `INSERT INTO tenant_keys (tenant, kind, version, state, key_name, wrapped, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tk.Tenant, int16(tk.Kind), int64(tk.Version), int16(tk.State), tk.KeyName, tk.Wrapped, tk.Created, tk.Updated)
	return keyErr("create tenant key", err)
}

func (k keyStore) UpdateTenantKey(ctx context.Context, tk privacy.TenantKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := k.s.pool.Exec(ctx, `UPDATE tenant_keys SET state = $4, wrapped = $5, key_name = $6, updated = $7
		WHERE tenant = $1 AND kind = $2 AND version = $3`,
		tk.Tenant, int16(tk.Kind), int64(tk.Version), int16(tk.State), tk.Wrapped, tk.KeyName, tk.Updated)
	if err != nil {
		return keyErr("update tenant key", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgstore: tenant key: %w", privacy.ErrNotFound)
	}
	return nil
}

func (k keyStore) ListTenantKeys(ctx context.Context, tenant string, kind privacy.KeyKind) ([]privacy.TenantKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := k.s.pool.Query(ctx, `SELECT version, state, key_name, wrapped, created, updated FROM tenant_keys
		WHERE tenant = $1 AND kind = $2 ORDER BY version`, tenant, int16(kind))
	if err != nil {
		return nil, keyErr("list tenant keys", err)
	}
	defer rows.Close()
	out := []privacy.TenantKey{}
	for rows.Next() {
		tk := privacy.TenantKey{Tenant: tenant, Kind: kind}
		var version int64
		var state int16
		if err := rows.Scan(&version, &state, &tk.KeyName, &tk.Wrapped, &tk.Created, &tk.Updated); err != nil {
			return nil, keyErr("list tenant keys", err)
		}
		tk.Version, tk.State = uint32(version), privacy.KeyState(state)
		tk.Created, tk.Updated = tk.Created.UTC(), tk.Updated.UTC()
		out = append(out, tk)
	}
	return out, keyErr("list tenant keys", rows.Err())
}

func (k keyStore) CreateDataKey(ctx context.Context, dk privacy.DataKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := k.s.pool.Exec(ctx, `INSERT INTO data_keys (tenant, customer_id, version, kek_version, wrapped, created, destroyed)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		dk.Tenant, dk.CustomerID, int64(dk.Version), int64(dk.KEKVersion), dk.Wrapped, dk.Created, nullTime(dk.Destroyed))
	return keyErr("create data key", err)
}

func scanDataKey(row pgx.Row, tenant string) (privacy.DataKey, error) {
	dk := privacy.DataKey{Tenant: tenant}
	var version, kek int64
	var destroyed *time.Time
	if err := row.Scan(&dk.CustomerID, &version, &kek, &dk.Wrapped, &dk.Created, &destroyed); err != nil {
		return dk, err
	}
	dk.Version, dk.KEKVersion, dk.Created = uint32(version), uint32(kek), dk.Created.UTC()
	if destroyed != nil {
		dk.Destroyed = destroyed.UTC()
	}
	return dk, nil
}

func (k keyStore) DataKeys(ctx context.Context, tenant, customerID string) ([]privacy.DataKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := k.s.pool.Query(ctx, `SELECT customer_id, version, kek_version, wrapped, created, destroyed FROM data_keys
		WHERE tenant = $1 AND customer_id = $2 ORDER BY version`, tenant, customerID)
	if err != nil {
		return nil, keyErr("data keys", err)
	}
	defer rows.Close()
	out := []privacy.DataKey{}
	for rows.Next() {
		dk, err := scanDataKey(rows, tenant)
		if err != nil {
			return nil, keyErr("data keys", err)
		}
		out = append(out, dk)
	}
	return out, keyErr("data keys", rows.Err())
}

// UpdateDataKey is a compare-and-swap on kek_version in one statement.
func (k keyStore) UpdateDataKey(ctx context.Context, dk privacy.DataKey, prevKEK uint32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := k.s.pool.Exec(ctx, `UPDATE data_keys SET kek_version = $4, wrapped = $5, destroyed = $6
		WHERE tenant = $1 AND customer_id = $2 AND version = $3 AND kek_version = $7`,
		dk.Tenant, dk.CustomerID, int64(dk.Version), int64(dk.KEKVersion), dk.Wrapped, nullTime(dk.Destroyed), int64(prevKEK))
	if err != nil {
		return keyErr("update data key", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	err = k.s.pool.QueryRow(ctx, `SELECT 1 FROM data_keys WHERE tenant = $1 AND customer_id = $2 AND version = $3`,
		dk.Tenant, dk.CustomerID, int64(dk.Version)).Scan(&one)
	if err != nil {
		return keyErr("update data key", err)
	}
	return fmt.Errorf("pgstore: data key: %w", privacy.ErrConflict)
}

type keyCursor struct {
	C string `json:"c"`
	V int64  `json:"v"`
}

func (k keyStore) ListDataKeys(ctx context.Context, tenant, cursor string, limit int) ([]privacy.DataKey, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if limit < 1 {
		return nil, "", fmt.Errorf("pgstore: list data keys: limit must be at least 1: %w", privacy.ErrInvalid)
	}
	var cur keyCursor
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || json.Unmarshal(b, &cur) != nil {
			return nil, "", fmt.Errorf("pgstore: list data keys: bad cursor: %w", privacy.ErrInvalid)
		}
	}
	rows, err := k.s.pool.Query(ctx, `SELECT customer_id, version, kek_version, wrapped, created, destroyed FROM data_keys
		WHERE tenant = $1 AND (customer_id, version) > ($2, $3) ORDER BY customer_id, version LIMIT $4`,
		tenant, cur.C, cur.V, limit+1)
	if err != nil {
		return nil, "", keyErr("list data keys", err)
	}
	defer rows.Close()
	var out []privacy.DataKey
	more := false
	for rows.Next() {
		if len(out) == limit {
			more = true
			break
		}
		dk, err := scanDataKey(rows, tenant)
		if err != nil {
			return nil, "", keyErr("list data keys", err)
		}
		out = append(out, dk)
	}
	if err := rows.Err(); err != nil {
		return nil, "", keyErr("list data keys", err)
	}
	if !more {
		return out, "", nil
	}
	last := out[len(out)-1]
	b, _ := json.Marshal(keyCursor{C: last.CustomerID, V: int64(last.Version)})
	return out, base64.RawURLEncoding.EncodeToString(b), nil
}
