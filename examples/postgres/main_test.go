package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestRunOnPostgres runs the example end to end in its own schema.
func TestRunOnPostgres(t *testing.T) {
	dsn := os.Getenv("CIMKIT_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("CIMKIT_POSTGRES_DSN is not set")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS example_run CASCADE; CREATE SCHEMA example_run"); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, "DROP SCHEMA example_run CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	var out bytes.Buffer
	if err := run(ctx, &out, []string{"-dsn", dsn + sep + "search_path=example_run", "-customers", "200", "-orders", "1000", "-fresh"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "orders 1000") {
		t.Fatalf("unexpected output:\n%s", out.String())
	}
}
