package customer_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/memstore"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

func newService() (*customer.Service, *memstore.Store, *time.Time) {
	st := memstore.New()
	clock := t0
	n := 0
	svc := customer.New(st, &customer.Options{
		Now:   func() time.Time { return clock },
		NewID: func() uuid.UUID { n++; return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%d", n)) },
	})
	return svc, st, &clock
}

func order(cust uuid.UUID, cents ...int64) customer.Order {
	o := customer.Order{CustomerID: cust, Currency: "CNY", PaymentMethod: "alipay", Total: decimal.Zero}
	for i, c := range cents {
		p := decimal.New(c, -2)
		o.Items = append(o.Items, customer.Item{SKU: fmt.Sprint("sku", i), Category: []string{"fruit", "meat", "dairy"}[i%3], Quantity: decimal.NewFromInt(1), UnitPrice: p})
		o.Total = o.Total.Add(p)
	}
	return o
}

func TestCustomerCRUD(t *testing.T) {
	ctx := context.Background()
	svc, _, clock := newService()
	c, err := svc.Create(ctx, customer.Customer{Name: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == uuid.Nil || c.Version != 1 || !c.CreatedAt.Equal(t0) {
		t.Fatalf("create did not fill id, version and time: %v", c)
	}
	*clock = t0.Add(time.Hour)
	c.Points = 5
	up, err := svc.Update(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || !up.UpdatedAt.Equal(t0.Add(time.Hour)) || !up.CreatedAt.Equal(t0) {
		t.Fatalf("update: version %d updated %v created %v", up.Version, up.UpdatedAt, up.CreatedAt)
	}
	c.Points = 6 // c still has version 1
	if _, err := svc.Update(ctx, c); !errors.Is(err, customer.ErrConflict) {
		t.Fatalf("stale update: %v, want ErrConflict", err)
	}
	if _, err := svc.Create(ctx, customer.Customer{ID: c.ID}); !errors.Is(err, customer.ErrAlreadyExists) {
		t.Fatalf("duplicate create: %v", err)
	}
	if _, err := svc.Create(ctx, customer.Customer{BirthDate: t0.AddDate(1, 0, 0)}); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("birth date in the future: %v", err)
	}
	if err := svc.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(ctx, c.ID); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestModifyRetriesConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService()
	c, _ := svc.Create(ctx, customer.Customer{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := svc.Modify(ctx, c.ID, func(c *customer.Customer) error { c.Points++; return nil }); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	got, _ := svc.Get(ctx, c.ID)
	if got.Points != int64(80-failed) {
		t.Fatalf("points %d with %d failed modifications: updates were lost", got.Points, failed)
	}
}

func TestOrderLifecycle(t *testing.T) {
	ctx := context.Background()
	svc, st, clock := newService()
	c, _ := svc.Create(ctx, customer.Customer{})
	if _, err := svc.AddOrder(ctx, order(uuid.New(), 100)); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("order for unknown customer: %v", err)
	}
	bad := order(c.ID, 100, 200)
	bad.Total = decimal.NewFromInt(1)
	if _, err := svc.AddOrder(ctx, bad); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("bad total: %v", err)
	}
	if items, _, _ := st.ListOrders(ctx, c.ID, "", 10); len(items) != 0 {
		t.Fatal("an invalid order was stored")
	}
	o, err := svc.AddOrder(ctx, order(c.ID, 1000, 2000))
	if err != nil {
		t.Fatal(err)
	}
	for i, to := range []customer.OrderStatus{customer.OrderPaid, customer.OrderShipped, customer.OrderDelivered, customer.OrderCompleted} {
		*clock = t0.Add(time.Duration(i+1) * time.Hour)
		if o, err = svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: string(to)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(o.History) != 5 || o.History[4].Status != "completed" || !o.History[4].At.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("history not kept: %+v", o.History)
	}
	if _, err := svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "placed"}); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("completed → placed: %v", err)
	}
	if _, err := svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "partially_refunded", Refund: decimal.NewFromInt(30)}); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("partial refund of everything: %v", err)
	}
	o, err = svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "partially_refunded", Refund: decimal.NewFromInt(10)})
	if err != nil || !o.Refunded.Equal(decimal.NewFromInt(10)) {
		t.Fatalf("partial refund: %v %v", err, o.Refunded)
	}
	o, err = svc.AdvanceOrder(ctx, o.ID, customer.Transition{To: "refunded"})
	if err != nil || !o.Refunded.Equal(o.Total) || o.Status != customer.OrderRefunded {
		t.Fatalf("full refund: %v %v %s", err, o.Refunded, o.Status)
	}
	p, err := svc.AddPayment(ctx, customer.Payment{OrderID: o.ID, CustomerID: c.ID, Method: "alipay", Amount: o.Total, Currency: "USD", Status: "succeeded"})
	if !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("payment in another currency: %v %v", p, err)
	}
}

func TestTicketsEventsFeedback(t *testing.T) {
	ctx := context.Background()
	svc, st, _ := newService()
	c, _ := svc.Create(ctx, customer.Customer{})
	tk, err := svc.OpenTicket(ctx, customer.Ticket{CustomerID: c.ID, Channel: customer.ChannelCallCentre, Category: "delivery_late"})
	if err != nil || tk.Status != customer.TicketOpen || tk.Priority != customer.PriorityNormal {
		t.Fatalf("open ticket: %v %+v", err, tk)
	}
	tk, err = svc.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{Status: customer.TicketResolved, Note: "resent", Resolution: "resent goods", Satisfaction: 4})
	if err != nil || len(tk.History) != 2 || tk.Satisfaction != 4 {
		t.Fatalf("resolve: %v %+v", err, tk)
	}
	if _, err := svc.UpdateTicket(ctx, tk.ID, customer.TicketUpdate{Status: customer.TicketPending}); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("resolved → pending: %v", err)
	}
	_, err = svc.RecordEvents(ctx,
		customer.Event{CustomerID: c.ID, Type: customer.EventView, SKU: "a"},
		customer.Event{CustomerID: c.ID, Type: customer.EventSearch}) // no keyword
	var fe *customer.FieldError
	if !errors.As(err, &fe) || fe.Field != "events[1].keyword" {
		t.Fatalf("bad batch: %v", err)
	}
	if evs, _, _ := st.ListEvents(ctx, c.ID, false, "", 10); len(evs) != 0 {
		t.Fatal("part of an invalid batch was stored")
	}
	if _, err := svc.RecordFeedback(ctx, customer.Feedback{CustomerID: c.ID, NPS: 11}); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("NPS 11: %v", err)
	}
}

// oracleSummary recomputes the summary with floats and plain loops, as an
// independent check of Summarize.
func TestSummarizeAgainstOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var orders []customer.Order
		n := r.IntN(30)
		for i := range n {
			cents := make([]int64, 1+r.IntN(4))
			for k := range cents {
				cents[k] = 1 + r.Int64N(50000)
			}
			o := order(uuid.New(), cents...)
			o.PlacedAt = t0.Add(time.Duration(r.IntN(1000)) * time.Hour)
			o.PaymentMethod = []string{"alipay", "wechat_pay"}[r.IntN(2)]
			switch r.IntN(10) {
			case 0:
				o.Status = customer.OrderCancelled
			case 1:
				o.Refunded = o.Total.Div(decimal.NewFromInt(2)).Round(2)
			}
			if i%7 == 6 {
				o.Currency = "HKD"
			}
			orders = append(orders, o)
		}
		got := customer.Summarize(orders)
		count, cancelled, other, refunded := 0, 0, 0, 0
		spend := 0.0
		var first, last time.Time
		cur := "CNY"
		cny, hkd := 0, 0
		for _, o := range orders {
			if o.Status != customer.OrderCancelled {
				if o.Currency == "CNY" {
					cny++
				} else {
					hkd++
				}
			}
		}
		if hkd > cny {
			cur = "HKD"
		}
		for _, o := range orders {
			if o.Status == customer.OrderCancelled {
				cancelled++
				continue
			}
			if o.Currency != cur {
				other++
				continue
			}
			count++
			tot, _ := o.Total.Float64()
			ref, _ := o.Refunded.Float64()
			spend += tot - ref
			if ref > 0 {
				refunded++
			}
			if first.IsZero() || o.PlacedAt.Before(first) {
				first = o.PlacedAt
			}
			if o.PlacedAt.After(last) {
				last = o.PlacedAt
			}
		}
		gs, _ := got.TotalSpend.Float64()
		if got.Count != count || got.Cancelled != cancelled || got.OtherCurrencyOrders != other || math.Abs(gs-spend) > 1e-6 {
			t.Fatalf("trial %d: got count %d cancelled %d other %d spend %v; want %d %d %d %v", trial, got.Count, got.Cancelled, got.OtherCurrencyOrders, gs, count, cancelled, other, spend)
		}
		if count > 0 {
			aov, _ := got.AverageOrderValue.Float64()
			if math.Abs(aov-spend/float64(count)) > 0.005+1e-9 || !got.FirstOrder.Equal(first) || !got.LastOrder.Equal(last) ||
				math.Abs(got.RefundRate-float64(refunded)/float64(count)) > 1e-12 {
				t.Fatalf("trial %d: aov/first/last/refund rate differ", trial)
			}
			if count > 1 && got.MeanPurchaseGap != last.Sub(first)/time.Duration(count-1) {
				t.Fatalf("trial %d: mean gap", trial)
			}
			sum := 0.0
			for _, s := range got.PaymentMix {
				sum += s.Share
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Fatalf("trial %d: payment shares sum to %v", trial, sum)
			}
		}
	}
}

func ExampleService_View() {
	ctx := context.Background()
	n := 0
	svc := customer.New(memstore.New(), &customer.Options{
		Now:   func() time.Time { return t0 },
		NewID: func() uuid.UUID { n++; return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Append(nil, n)) },
	})
	c, _ := svc.Create(ctx, customer.Customer{Name: "李四", RegistrationVia: customer.ChannelMiniProgram})
	for i, price := range []string{"59.90", "128.00", "35.50"} {
		p := decimal.RequireFromString(price)
		_, err := svc.AddOrder(ctx, customer.Order{
			CustomerID: c.ID, Currency: "CNY", PaymentMethod: "wechat_pay", PlacedAt: t0.AddDate(0, 0, -30+10*i),
			Items: []customer.Item{{SKU: "FRU-001", Category: "fruit", Quantity: decimal.NewFromInt(1), UnitPrice: p}},
			Total: p,
		})
		if err != nil {
			fmt.Println(err)
		}
	}
	svc.RecordFeedback(ctx, customer.Feedback{CustomerID: c.ID, NPS: 9})
	v, _ := svc.View(ctx, c.ID, nil)
	fmt.Println(v.Profile) // personal data never printed
	fmt.Println(v.Orders.Count, v.Orders.TotalSpend, v.Orders.AverageOrderValue, v.Orders.MeanPurchaseGap)
	fmt.Println(v.Orders.TopCategories[0].Name, v.LatestNPS.NPS)
	// Output:
	// Customer{id=996ad860-2a9a-504f-8861-aeafd0b2ae29 version=1}
	// 3 223.4 74.47 240h0m0s
	// fruit 9
}
