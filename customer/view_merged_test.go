package customer_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

// A merge after the activity arrived: the survivor's view and
// OrdersWithMerged include the absorbed customer's orders, events, tickets
// and feedback (compared with a summary of exactly those items); an unmerge
// gives them back.
func TestViewIncludesMergedCustomers(t *testing.T) {
	ctx := context.Background()
	svc, _ := newIngestService()
	ingest := func(id, phone string) uuid.UUID {
		t.Helper()
		r, err := svc.Ingest(ctx, customer.SourceRecord{ID: id, Channel: customer.ChannelApp, At: ingestT0, Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		return r.CustomerID
	}
	a, b := ingest("app:1", "13812345678"), ingest("app:2", "13912345678")
	orders := map[uuid.UUID][]customer.Order{}
	at := ingestT0
	for i, c := range []uuid.UUID{a, b, b, a, b} {
		at = at.Add(time.Hour)
		o := order(c, int64(1000*(i+1)))
		o.PlacedAt = at
		got, err := svc.AddOrder(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		orders[c] = append(orders[c], got)
		if _, err := svc.RecordEvents(ctx, customer.Event{CustomerID: c, Type: customer.EventSearch, Keyword: "apple", Channel: customer.ChannelApp, At: at}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenTicket(ctx, customer.Ticket{CustomerID: c, Channel: customer.ChannelApp, Category: "refund", OpenedAt: at}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordFeedback(ctx, customer.Feedback{CustomerID: c, Channel: customer.ChannelApp, NPS: i, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := svc.Merge(ctx, a, b, "same person, confirmed by phone call")
	if err != nil {
		t.Fatal(err)
	}
	surv := ev.Survivor()
	gone := a
	if surv == a {
		gone = b
	}
	// Activity for the absorbed id is still accepted, under that id.
	late := order(gone, 777)
	late.PlacedAt = at.Add(-30 * time.Minute)
	lateOrder, err := svc.AddOrder(ctx, late)
	if err != nil {
		t.Fatalf("order for the absorbed customer: %v", err)
	}
	orders[gone] = append(orders[gone], lateOrder)
	if _, err := svc.AddOrder(ctx, order(uuid.New(), 100)); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("order for an unknown customer: %v, want ErrNotFound", err)
	}
	v, err := svc.View(ctx, surv, &customer.ViewOptions{RecentEvents: 4})
	if err != nil {
		t.Fatal(err)
	}
	all := slices.Concat(orders[a], orders[b])
	if want := customer.Summarize(all); !reflect.DeepEqual(v.Orders, want) || v.Orders.Count != 6 {
		t.Errorf("merged view orders = %+v, want %+v", v.Orders, want)
	}
	if !slices.Equal(v.MergedIDs, []uuid.UUID{gone}) {
		t.Errorf("MergedIDs = %v, want [%v]", v.MergedIDs, gone)
	}
	if len(v.RecentEvents) != 4 || !v.RecentEvents[0].At.Equal(at) || !v.RecentEvents[3].At.Equal(at.Add(-3*time.Hour)) {
		t.Errorf("recent events of both customers, newest first, cut to 4: %+v", v.RecentEvents)
	}
	if len(v.OpenTickets) != 5 || !slices.IsSortedFunc(v.OpenTickets, func(x, y customer.Ticket) int { return x.OpenedAt.Compare(y.OpenedAt) }) {
		t.Errorf("open tickets of both customers, oldest first: %d", len(v.OpenTickets))
	}
	if v.LatestNPS == nil || v.LatestNPS.NPS != 4 || v.LatestNPS.CustomerID != b {
		t.Errorf("latest feedback across both = %+v", v.LatestNPS)
	}
	n := 0
	for _, err := range svc.OrdersWithMerged(ctx, surv) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 6 {
		t.Errorf("OrdersWithMerged gave %d orders, want 6", n)
	}
	if _, err := svc.Unmerge(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []uuid.UUID{a, b} {
		v, err := svc.View(ctx, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := customer.Summarize(orders[c]); !reflect.DeepEqual(v.Orders, want) || len(v.MergedIDs) != 0 {
			t.Errorf("after unmerge, %v's view = %+v merged %v, want its own orders only", c, v.Orders, v.MergedIDs)
		}
	}
}
