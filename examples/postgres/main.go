// Command postgres runs the quickstart pipeline on PostgreSQL through the
// pgstore adapter:
//
//	cd examples/postgres
//	go run . -dsn postgres://user@localhost:5432/db?sslmode=disable
//
// It applies the migrations, loads seeded synthetic customers, orders,
// events, tickets and feedback through customer.Service, and prints totals
// and one customer's 360-degree view. With -fresh it first drops the
// tables it owns, so the run can be repeated.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/examples/postgres/pgstore"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "postgres example:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("postgres", flag.ContinueOnError)
	dsn := fs.String("dsn", os.Getenv("CIMKIT_POSTGRES_DSN"), "PostgreSQL connection string (default $CIMKIT_POSTGRES_DSN)")
	customers := fs.Int("customers", 2000, "customer records to generate")
	orders := fs.Int("orders", 20000, "orders to generate")
	seed := fs.Uint64("seed", 1, "random seed")
	fresh := fs.Bool("fresh", false, "drop cimkit's tables first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		return fmt.Errorf("-dsn is required (or set CIMKIT_POSTGRES_DSN)")
	}
	start := time.Now()
	pool, err := pgxpool.New(ctx, *dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *fresh {
		if err := pgstore.DropAll(ctx, pool); err != nil {
			return err
		}
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		return err
	}
	ds, err := synth.Generate(synth.Config{Customers: *customers, Orders: *orders, Seed: *seed})
	if err != nil {
		return err
	}
	store := pgstore.New(pool)
	svc := customer.New(store, &customer.Options{Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(*seed)})
	fmt.Fprintf(out, "==> clean and resolve %d customer records through Service.IngestBatch into PostgreSQL\n", *customers)
	ids, res, err := demo.IngestCustomers(ctx, svc, store, ds, out)
	if err != nil {
		return fmt.Errorf("%w (run with -fresh to start from empty tables)", err)
	}
	fmt.Fprintf(out, "    %d records (%d people) → %d customers; pairwise precision %.4f, recall %.4f\n",
		res.Report.Records, len(ds.Persons), res.Customers, res.Precision, res.Recall)
	fmt.Fprintf(out, "==> load %d orders, events, tickets and feedback\n", *orders)
	if err := demo.LoadActivity(ctx, svc, ds, ids, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "==> totals")
	if err := demo.Totals(ctx, svc, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "==> 360-degree view of the customer with the most orders")
	v, err := svc.View(ctx, demo.Busiest(ds, ids), nil)
	if err != nil {
		return err
	}
	demo.PrintView(out, v)
	fmt.Fprintf(out, "done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
