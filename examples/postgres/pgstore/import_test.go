package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/examples/postgres/pgstore"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

func importOrders(n int) []customer.Order {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	out := make([]customer.Order, n)
	for i := range out {
		p := decimal.New(int64(100+i%900), -1)
		out[i] = customer.Order{
			ID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "import/%d", i)), CustomerID: uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "c/%d", i%50)),
			Items: []customer.Item{{SKU: "FRU-001", Category: "fruit", Quantity: decimal.NewFromInt(1), UnitPrice: p}},
			Total: p, Currency: "CNY", Status: customer.OrderCompleted, PlacedAt: at.Add(time.Duration(i) * time.Minute), Version: 1,
		}
	}
	return out
}

// TestImportResumesAfterConnectionLoss kills the importing connection after
// the first committed chunk, runs the same batch again and checks every
// order is stored exactly once.
func TestImportResumesAfterConnectionLoss(t *testing.T) {
	pool := freshPool(t)
	ctx := context.Background()
	cfg := pool.Config().Copy()
	cfg.ConnConfig.RuntimeParams["application_name"] = "cimkit-import-test"
	cfg.MaxConns = 1
	importer, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()
	store := pgstore.New(importer)
	orders := importOrders(5000)
	killed := false
	n, err := store.ImportOrders(ctx, orders, &pgstore.ImportOptions{ChunkSize: 1000, Progress: func(done int) {
		if done == 1000 && !killed {
			killed = true
			if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cimkit-import-test'`); err != nil {
				t.Errorf("kill: %v", err)
			}
		}
	}})
	if err == nil {
		t.Fatalf("the import survived a killed connection (%d inserted); the test did not kill it", n)
	}
	if n != 1000 {
		t.Fatalf("before the kill %d orders were committed, want the first chunk of 1000", n)
	}
	again, err := store.ImportOrders(ctx, orders, &pgstore.ImportOptions{ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if again != 4000 {
		t.Fatalf("the retry inserted %d orders, want the missing 4000", again)
	}
	var rows, distinct int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT id) FROM orders`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != 5000 || distinct != 5000 {
		t.Fatalf("%d rows, %d distinct after resume; want 5000 of each", rows, distinct)
	}
	svc := customer.New(pgstore.New(pool), nil)
	got, err := svc.GetOrder(ctx, orders[4321].ID)
	if err != nil || !got.Total.Equal(orders[4321].Total) {
		t.Fatalf("an imported order does not read back: %v", err)
	}
}

func TestImportRejectsInvalidBeforeTheDatabase(t *testing.T) {
	if os.Getenv("CIMKIT_POSTGRES_DSN") == "" {
		t.Skip("CIMKIT_POSTGRES_DSN is not set")
	}
	store := pgstore.New(freshPool(t))
	orders := importOrders(3)
	orders[2].Items[0].SKU = string(make([]byte, customer.MaxValueBytes+1))
	if _, err := store.ImportOrders(context.Background(), orders, nil); err == nil {
		t.Fatal("an oversize value reached the database")
	}
}
