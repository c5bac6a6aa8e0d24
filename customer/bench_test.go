package customer_test

import (
	"context"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
)

// BenchmarkServiceView measures the 360-degree view of a customer with 100
// orders and 1,000 events in memstore.
func BenchmarkServiceView(b *testing.B) {
	ctx := context.Background()
	svc, _, _ := newService()
	c, err := svc.Create(ctx, customer.Customer{Name: "王五"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		o := order(c.ID, int64(1000+i), 2590, 399)
		o.PlacedAt = t0.Add(-time.Duration(i) * 24 * time.Hour)
		if _, err := svc.AddOrder(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
	evs := make([]customer.Event, 1000)
	for i := range evs {
		evs[i] = customer.Event{CustomerID: c.ID, Type: customer.EventView, SKU: "FRU-001", At: t0.Add(-time.Duration(i) * time.Minute)}
	}
	if _, err := svc.RecordEvents(ctx, evs...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := svc.View(ctx, c.ID, nil)
		if err != nil || v.Orders.Count != 100 || len(v.RecentEvents) != 20 {
			b.Fatal("bad view", err)
		}
	}
}

func BenchmarkServiceCreate(b *testing.B) {
	ctx := context.Background()
	svc := customer.New(memstore.New(), nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Create(ctx, customer.Customer{ID: uuid.New(), Name: "王五"}); err != nil {
			b.Fatal(err)
		}
	}
}
