package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/internal/synth"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// env is what the stages share.
type env struct {
	store *memstore.Store
	svc   *customer.Service
	ds    *synth.Dataset
	// ids maps a synthetic record id to its customer id.
	ids map[string]uuid.UUID
}

func generate(p *progress, cfg config) (*synth.Dataset, error) {
	defer p.stage(fmt.Sprintf("generate %d customer records and %d orders (seed %d)", cfg.customers, cfg.orders, cfg.seed))()
	return synth.Generate(synth.Config{Customers: cfg.customers, Orders: cfg.orders, Seed: cfg.seed})
}

func load(ctx context.Context, p *progress, ds *synth.Dataset) (*env, error) {
	store := memstore.New()
	e := &env{
		store: store, ds: ds,
		svc: customer.New(store, &customer.Options{Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(1)}),
	}
	done := p.stage("clean and resolve: ingest every channel record through Service.IngestBatch")
	ids, res, err := demo.IngestCustomers(ctx, e.svc, store, ds, p.out)
	if err != nil {
		return nil, err
	}
	e.ids = ids
	r := res.Report
	p.printf("    %d records (%d people) → %d customers: %d created, %d matched, %d merged, %d split; %d without a usable identifier\n",
		r.Records, len(ds.Persons), res.Customers, r.Created, r.Matched, r.Merged, r.Split, len(r.Failures))
	p.printf("    pairwise precision %.4f, recall %.4f against the synthetic truth\n", res.Precision, res.Recall)
	done()
	if err := probableStage(ctx, p, e); err != nil {
		return nil, err
	}
	defer p.stage("load orders, events, tickets and feedback for the resolved customers")()
	return e, demo.LoadActivity(ctx, e.svc, ds, ids, p.out)
}

func totals(ctx context.Context, p *progress, e *env) error {
	defer p.stage("totals")()
	return demo.Totals(ctx, e.svc, p.out)
}

func showView(ctx context.Context, p *progress, e *env) error {
	defer p.stage("360-degree view of the customer with the most orders")()
	v, err := e.svc.View(ctx, demo.Busiest(e.ds, e.ids), nil)
	if err != nil {
		return err
	}
	demo.PrintView(p.out, v)
	return nil
}
