package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/examples/postgres/pgstore"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/privacy"
	"github.com/cimkit/cimkit/privacy/audit"
	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/cimkit/cimkit/storetest"
	"github.com/cimkit/cimkit/tagging"
	"github.com/jackc/pgx/v5/pgxpool"
)

var schemaSeq atomic.Int64

// freshPool returns a pool whose search_path is a new, migrated schema that
// is dropped when the test ends. It skips the test when no database is
// configured.
func freshPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("CIMKIT_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CIMKIT_POSTGRES_DSN is not set: skipping the PostgreSQL conformance suite (bash .ci/postgres.sh starts a local server and prints a DSN)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("t%d_%d", os.Getpid(), schemaSeq.Add(1))
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}

func TestConformance(t *testing.T) {
	storetest.RunCustomer(t, func(t *testing.T) customer.Store { return pgstore.New(freshPool(t)) })
}

func TestMigrateTwice(t *testing.T) {
	pool := freshPool(t)
	if err := pgstore.Migrate(context.Background(), pool); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

func TestKeysConformance(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) privacy.KeyStore { return pgstore.New(freshPool(t)).KeyStore() })
}

func TestAuditConformance(t *testing.T) {
	storetest.RunAudit(t, func(t *testing.T) audit.Store { return pgstore.New(freshPool(t)) })
}

func TestConsentConformance(t *testing.T) {
	storetest.RunConsent(t, func(t *testing.T) consent.Store { return pgstore.New(freshPool(t)) })
}

func TestIdentityConformance(t *testing.T) {
	storetest.RunIdentity(t, func(t *testing.T) identity.Store { return pgstore.New(freshPool(t)) })
}

func TestTagsConformance(t *testing.T) {
	storetest.RunTags(t, func(t *testing.T) tagging.Store { return pgstore.New(freshPool(t)) })
}

func TestIdentityEraseConformance(t *testing.T) {
	storetest.RunIdentityErase(t, func(t *testing.T) identity.EraseStore { return pgstore.New(freshPool(t)) })
}

// Random ingests, merges and unmerges through a Resolver on PostgreSQL: the
// stored partition stays the one Resolve gives.
func TestIdentityOperationsOnPostgres(t *testing.T) {
	storetest.RunIdentityOperations(t, func(t *testing.T) identity.Store { return pgstore.New(freshPool(t)) }, 12, 25)
}

// TestIdentityIngestBatch runs storetest.RunIngestBatch on PostgreSQL:
// IngestBatch's chunked changes (customer and token versions expected
// across chunks) give Ingest's outcomes here too.
func TestIdentityIngestBatch(t *testing.T) {
	storetest.RunIngestBatch(t, func(t *testing.T) identity.Store { return pgstore.New(freshPool(t)) }, 21)
}

// Each ingest and the erasure run in their own transactions (READ
// COMMITTED); see erase.go for why the order of ApplyIdentity's checks
// closes the race.
func TestEraseRacesIngestOnPostgres(t *testing.T) {
	storetest.RunEraseRace(t, pgstore.New(freshPool(t)), 6)
}
