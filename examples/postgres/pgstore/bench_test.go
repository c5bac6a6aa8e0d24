package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/examples/postgres/pgstore"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
)

const ingestBatch = 64

// ingestBench ingests synthetic records through Service.Ingest on
// PostgreSQL, ingestBatch records per op, split over workers goroutines.
func ingestBench(b *testing.B, workers int) {
	pool := freshPool(b)
	ds, err := synth.Generate(synth.Config{Customers: 20000, Orders: 1, Events: 1, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	svc := customer.New(pgstore.New(pool), &customer.Options{Now: func() time.Time { return demo.Now }})
	ctx := context.Background()
	next := 0
	b.ReportAllocs()
	start := time.Now()
	records := 0
	for b.Loop() {
		batch := make([]customer.SourceRecord, ingestBatch)
		for i := range batch {
			r := ds.Records[next%len(ds.Records)]
			src := demo.SourceOf(r)
			src.ID = fmt.Sprintf("%s/%d", r.ID, next/len(ds.Records)) // a later record of the same person
			batch[i] = src
			next++
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(batch); i += workers {
					if _, err := svc.Ingest(ctx, batch[i]); err != nil && !isNoIdentifier(err) {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		records += len(batch)
	}
	b.ReportMetric(float64(records)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkIngestRowByRow ingests one record after another.
func BenchmarkIngestRowByRow(b *testing.B) { ingestBench(b, 1) }

// BenchmarkIngestConcurrent ingests with 8 goroutines sharing the pool, as
// a batch import job would.
func BenchmarkIngestConcurrent(b *testing.B) { ingestBench(b, 8) }

// BenchmarkAddOrderRowByRow and BenchmarkImportOrders compare loading
// orders one by one through Service.AddOrder with the COPY import.
func BenchmarkAddOrderRowByRow(b *testing.B) {
	pool := freshPool(b)
	svc := customer.New(pgstore.New(pool), nil)
	ctx := context.Background()
	orders := importOrders(200000)
	for i := range 50 {
		if _, err := svc.Create(ctx, customer.Customer{ID: orders[i].CustomerID}); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.AddOrder(ctx, orders[n%len(orders)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
}

func BenchmarkImportOrders(b *testing.B) {
	pool := freshPool(b)
	store := pgstore.New(pool)
	ctx := context.Background()
	orders := importOrders(200000)
	const per = 5000
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		part := orders[(n*per)%len(orders):][:per]
		if _, err := store.ImportOrders(ctx, part, nil); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(per), "orders/op")
}

func isNoIdentifier(err error) bool { return errors.Is(err, identity.ErrNoIdentifier) }

// BenchmarkResolverImport resolves 5,000 synthetic records into a fresh
// PostgreSQL identity store through the Resolver: one by one with Ingest,
// and with IngestBatch (chunks of identity.BatchChunk records, one atomic
// change each). The records are the same in both.
func BenchmarkResolverImport(b *testing.B) {
	ds, err := synth.Generate(synth.Config{Customers: 5000, Orders: 1, Events: 1, Seed: 9})
	if err != nil {
		b.Fatal(err)
	}
	var recs []identity.Record
	for _, r := range ds.Records {
		rec := identity.Record{ID: r.ID, Channel: r.Channel, At: r.RegisteredAt, Fields: map[string]string{"name": r.Name}}
		for _, id := range []identity.Identifier{{Kind: identity.KindPhone, Value: r.Phone}, {Kind: identity.KindDevice, Value: r.Device},
			{Kind: identity.KindEmail, Value: r.Email}, {Kind: identity.KindMemberID, Value: r.MemberID}, {Kind: identity.KindName, Value: r.Name}} {
			if id.Value != "" {
				rec.Identifiers = append(rec.Identifiers, id)
			}
		}
		recs = append(recs, rec)
	}
	ctx := context.Background()
	run := func(b *testing.B, ingest func(*identity.Resolver) error) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			pool := freshPool(b)
			r := identity.NewResolver(pgstore.New(pool), nil)
			b.StartTimer()
			if err := ingest(r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
	}
	b.Run("one-by-one", func(b *testing.B) {
		run(b, func(r *identity.Resolver) error {
			for _, x := range recs {
				if _, err := r.Ingest(ctx, x); err != nil && !isNoIdentifier(err) {
					return err
				}
			}
			return nil
		})
	})
	b.Run("batch", func(b *testing.B) {
		run(b, func(r *identity.Resolver) error {
			var failed error
			err := r.IngestBatch(ctx, recs, func(_ int, _ identity.Result, err error) {
				if err != nil && !isNoIdentifier(err) && failed == nil {
					failed = err
				}
			})
			return errors.Join(err, failed)
		})
	})
}

// BenchmarkServiceImport ingests 3,000 synthetic source records into a
// fresh PostgreSQL store through customer.Service (cleaning, resolution,
// golden profiles): one by one with Ingest, and with IngestBatch.
func BenchmarkServiceImport(b *testing.B) {
	ds, err := synth.Generate(synth.Config{Customers: 3000, Orders: 1, Events: 1, Seed: 9})
	if err != nil {
		b.Fatal(err)
	}
	var srcs []customer.SourceRecord
	for _, r := range ds.Records {
		srcs = append(srcs, demo.SourceOf(r))
	}
	ctx := context.Background()
	run := func(b *testing.B, ingest func(*customer.Service) error) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			svc := customer.New(pgstore.New(freshPool(b)), &customer.Options{Now: func() time.Time { return demo.Now }})
			b.StartTimer()
			if err := ingest(svc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(srcs)*b.N)/b.Elapsed().Seconds(), "records/s")
	}
	b.Run("one-by-one", func(b *testing.B) {
		run(b, func(svc *customer.Service) error {
			for _, s := range srcs {
				if _, err := svc.Ingest(ctx, s); err != nil && !isNoIdentifier(err) {
					return err
				}
			}
			return nil
		})
	})
	b.Run("batch", func(b *testing.B) {
		run(b, func(svc *customer.Service) error {
			rep, err := svc.IngestBatch(ctx, func(yield func(customer.SourceRecord, error) bool) {
				for _, s := range srcs {
					if !yield(s, nil) {
						return
					}
				}
			}, nil)
			for _, f := range rep.Failures {
				if !isNoIdentifier(f.Err) {
					return f.Err
				}
			}
			return err
		})
	})
}
