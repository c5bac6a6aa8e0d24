package main

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/internal/demo"
	"github.com/google/uuid"
)

// supportStage shows what a support agent can do with identity: explain
// why records form one customer, merge two customers by hand (the view
// then counts both customers' orders), and undo the merge exactly.
func supportStage(ctx context.Context, p *progress, e *env) error {
	defer p.stage("support desk: explain, merge by hand, unmerge")()
	a := demo.Busiest(e.ds, e.ids)
	var b uuid.UUID
	for c, err := range e.svc.Customers(ctx) {
		if err != nil {
			return err
		}
		if c.ID == a {
			continue
		}
		for _, err := range e.svc.Orders(ctx, c.ID) {
			if err != nil {
				return err
			}
			b = c.ID
			break
		}
		if b != uuid.Nil {
			break
		}
	}
	if b == uuid.Nil {
		p.printf("    (no second customer with orders)\n")
		return nil
	}
	ex, err := e.svc.Resolver().Explain(ctx, a)
	if err != nil {
		return err
	}
	p.printf("    explain %s: %d source records; rules that decided: %v\n", a, len(ex.Records), ex.Fired)
	orders := func(id uuid.UUID) (int, error) {
		v, err := e.svc.View(ctx, id, nil)
		return v.Orders.Count, err
	}
	na, err := orders(a)
	if err != nil {
		return err
	}
	nb, err := orders(b)
	if err != nil {
		return err
	}
	ev, err := e.svc.Merge(ctx, a, b, "same person, confirmed by phone call")
	if err != nil {
		return err
	}
	v, err := e.svc.View(ctx, ev.Survivor(), nil)
	if err != nil {
		return err
	}
	p.printf("    merge %s + %s by hand: the view counts %d orders (%d + %d), %d merged id(s) followed\n",
		short(a), short(b), v.Orders.Count, na, nb, len(v.MergedIDs))
	if _, err := e.svc.Unmerge(ctx, ev.ID); err != nil {
		return err
	}
	na2, err := orders(a)
	if err != nil {
		return err
	}
	nb2, err := orders(b)
	if err != nil {
		return err
	}
	p.printf("    unmerge: back to %d and %d orders; a cannot-link keeps them apart from now on\n", na2, nb2)
	if na2 != na || nb2 != nb {
		return fmt.Errorf("unmerge did not restore the customers")
	}
	return nil
}

// short is the first block of a customer id, for printing.
func short(id uuid.UUID) string { return id.String()[:8] }
