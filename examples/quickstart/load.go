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
	defer p.stage("load customers, orders, events, tickets and feedback into memstore")()
	store := memstore.New()
	e := &env{
		store: store, ds: ds,
		svc: customer.New(store, &customer.Options{Now: func() time.Time { return demo.Now }, NewID: demo.SeqIDs(1)}),
	}
	var err error
	e.ids, err = demo.Load(ctx, e.svc, ds, p.out)
	return e, err
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
