package main

import (
	"fmt"

	"github.com/cimkit/cimkit/internal/synth"
)

func runSynth(s stdio, args []string) error {
	fs := newFlagSet(s, "synth", "-customers N -orders M -seed S -out DIR")
	customers := fs.Int("customers", 1000, "customer records to generate")
	orders := fs.Int("orders", 0, "orders to generate (default 10 × customers)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same files")
	out := fs.String("out", "", "directory to write customers.csv, orders.csv, order_items.csv, events.csv and truth.csv into (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: -out is required", errUsage)
	}
	if *customers < 1 || *orders < 0 {
		return fmt.Errorf("%w: -customers must be at least 1 and -orders not negative", errUsage)
	}
	ds, err := synth.Generate(synth.Config{Customers: *customers, Orders: *orders, Seed: *seed})
	if err != nil {
		return err
	}
	if err := ds.WriteCSV(*out); err != nil {
		return err
	}
	fmt.Fprintf(s.err, "wrote %d customer records (%d people), %d orders, %d events to %s\n",
		len(ds.Records), len(ds.Persons), len(ds.Orders), len(ds.Events), *out)
	return nil
}
