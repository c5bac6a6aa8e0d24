// Command quickstart runs cimkit's pipeline end to end, in memory, on seeded
// synthetic data from a Chinese fresh-grocery business:
//
//	go run ./examples/quickstart [-customers 10000] [-orders 100000] [-seed 1]
//
// It generates customer records, orders, events, tickets and NPS feedback,
// loads them through customer.Service into the in-memory store, and prints
// totals and one customer's 360-degree view, then ingests the same records
// through Service.Ingest (identity resolution) and scores the customers it
// forms against the ground truth, and finally shows field-level encryption:
// sealed copies of a few customers, a blind-index phone lookup and
// crypto-shredding. Personal data is printed
// masked.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

type config struct {
	customers, orders int
	seed              uint64
}

func run(out io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	var cfg config
	fs.IntVar(&cfg.customers, "customers", 10000, "customer records to generate")
	fs.IntVar(&cfg.orders, "orders", 100000, "orders to generate")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed; the same seed gives the same run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.customers < 1 || cfg.orders < 0 {
		return fmt.Errorf("-customers must be at least 1 and -orders not negative")
	}
	ctx := context.Background()
	p := &progress{out: out, start: time.Now()}
	ds, err := generate(p, cfg)
	if err != nil {
		return err
	}
	env, err := load(ctx, p, ds)
	if err != nil {
		return err
	}
	if err := totals(ctx, p, env); err != nil {
		return err
	}
	if err := showView(ctx, p, env); err != nil {
		return err
	}
	if err := supportStage(ctx, p, env); err != nil {
		return err
	}
	a, err := rfmStage(ctx, p, env)
	if err != nil {
		return err
	}
	if err := segmentStage(p, a); err != nil {
		return err
	}
	if err := tagStage(ctx, p, env, a); err != nil {
		return err
	}
	if err := rightsStage(ctx, p, env); err != nil {
		return err
	}
	if err := privacyStage(ctx, p, env); err != nil {
		return err
	}
	p.printf("done in %s\n", time.Since(p.start).Round(time.Millisecond))
	return nil
}

// progress prints stage lines with the elapsed time.
type progress struct {
	out   io.Writer
	start time.Time
}

func (p *progress) stage(name string) func() {
	t := time.Now()
	fmt.Fprintf(p.out, "==> %s\n", name)
	return func() { fmt.Fprintf(p.out, "    (%s)\n", time.Since(t).Round(time.Millisecond)) }
}

func (p *progress) printf(format string, args ...any) { fmt.Fprintf(p.out, format, args...) }
