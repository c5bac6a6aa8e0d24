package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/shopspring/decimal"
)

// RunOrders checks a customer.OrderStore.
func RunOrders(t *testing.T, newStore func(t *testing.T) customer.OrderStore) {
	ctx := context.Background()
	cust := id("customer", 1)
	t.Run("CreateThenGet", func(t *testing.T) {
		s := newStore(t)
		o := newOrder(1, cust, base)
		must(t, s.CreateOrder(ctx, o))
		got, err := s.GetOrder(ctx, o.ID)
		must(t, err)
		if got.CustomerID != cust || !got.Total.Equal(o.Total) || len(got.Items) != 1 ||
			!got.Items[0].UnitPrice.Equal(o.Items[0].UnitPrice) || got.Version != 1 || !got.PlacedAt.Equal(base) {
			t.Fatal("stored order differs from the one created")
		}
	})
	t.Run("CreateDuplicateAlreadyExists", func(t *testing.T) {
		s := newStore(t)
		o := newOrder(1, cust, base)
		must(t, s.CreateOrder(ctx, o))
		wantErr(t, s.CreateOrder(ctx, o), customer.ErrAlreadyExists)
	})
	t.Run("GetMissingNotFound", func(t *testing.T) {
		_, err := newStore(t).GetOrder(ctx, id("order", 404))
		wantErr(t, err, customer.ErrNotFound)
	})
	t.Run("UpdateStaleVersionConflicts", func(t *testing.T) {
		s := newStore(t)
		o := newOrder(1, cust, base)
		must(t, s.CreateOrder(ctx, o))
		paid := o
		paid.Status = customer.OrderPaid
		out, err := s.UpdateOrder(ctx, paid)
		must(t, err)
		if out.Version != 2 {
			t.Fatalf("version after update %d, want 2", out.Version)
		}
		stale := o
		stale.Status = customer.OrderCancelled
		_, err = s.UpdateOrder(ctx, stale)
		wantErr(t, err, customer.ErrConflict)
		got, err := s.GetOrder(ctx, o.ID)
		must(t, err)
		if got.Status != customer.OrderPaid {
			t.Fatal("stale update changed the order")
		}
	})
	t.Run("UpdateMissingNotFound", func(t *testing.T) {
		_, err := newStore(t).UpdateOrder(ctx, newOrder(1, cust, base))
		wantErr(t, err, customer.ErrNotFound)
	})
	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		o := newOrder(1, cust, base)
		must(t, s.CreateOrder(ctx, o))
		o.Items[0].SKU = "changed"
		got, err := s.GetOrder(ctx, o.ID)
		must(t, err)
		if got.Items[0].SKU == "changed" {
			t.Fatal("store keeps the caller's item slice")
		}
		got.Items[0].SKU = "mutated"
		got.History[0].Note = "mutated"
		again, err := s.GetOrder(ctx, o.ID)
		must(t, err)
		if again.Items[0].SKU == "mutated" || again.History[0].Note == "mutated" {
			t.Fatal("mutating a returned order changed the stored one")
		}
	})
	t.Run("ListByCustomerOldestFirst", func(t *testing.T) {
		s := newStore(t)
		other := id("customer", 2)
		for i := range 53 {
			// Placed out of order on purpose.
			must(t, s.CreateOrder(ctx, newOrder(i, cust, base.Add(time.Duration((i*37)%53)*time.Hour))))
			must(t, s.CreateOrder(ctx, newOrder(1000+i, other, base)))
		}
		all := collect(t, 5, func(tok string, n int) ([]customer.Order, string, error) { return s.ListOrders(ctx, cust, tok, n) })
		if len(all) != 53 {
			t.Fatalf("listed %d orders, want 53", len(all))
		}
		for i, o := range all {
			if o.CustomerID != cust {
				t.Fatal("another customer's order was listed")
			}
			if i > 0 && o.PlacedAt.Before(all[i-1].PlacedAt) {
				t.Fatal("orders not oldest first")
			}
		}
		none, next, err := s.ListOrders(ctx, id("customer", 3), "", 10)
		must(t, err)
		if len(none) != 0 || next != "" {
			t.Fatal("a customer without orders listed some")
		}
	})
	t.Run("PaymentsCreateAndList", func(t *testing.T) {
		s := newStore(t)
		for i := range 12 {
			p := customer.Payment{ID: id("payment", i), OrderID: id("order", i), CustomerID: cust, Method: "alipay",
				Amount: decimal.NewFromInt(int64(10 + i)), Currency: "CNY", Status: "succeeded", At: base.Add(time.Duration(12-i) * time.Minute)}
			must(t, s.CreatePayment(ctx, p))
			if i == 0 {
				wantErr(t, s.CreatePayment(ctx, p), customer.ErrAlreadyExists)
			}
		}
		all := collect(t, 5, func(tok string, n int) ([]customer.Payment, string, error) { return s.ListPayments(ctx, cust, tok, n) })
		if len(all) != 12 {
			t.Fatalf("listed %d payments, want 12", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].At.Before(all[i-1].At) {
				t.Fatal("payments not oldest first")
			}
		}
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		o := newOrder(1, cust, base)
		if err := s.CreateOrder(cancelled(), o); !errors.Is(err, context.Canceled) {
			t.Fatalf("create: got %v, want context.Canceled", err)
		}
		if _, err := s.GetOrder(ctx, o.ID); !errors.Is(err, customer.ErrNotFound) {
			t.Fatal("create with a cancelled context stored the order")
		}
		if _, _, err := s.ListOrders(cancelled(), cust, "", 10); !errors.Is(err, context.Canceled) {
			t.Fatalf("list: got %v, want context.Canceled", err)
		}
	})
}

// RunEvents checks a customer.EventStore.
func RunEvents(t *testing.T, newStore func(t *testing.T) customer.EventStore) {
	ctx := context.Background()
	cust := id("customer", 1)
	t.Run("AppendAndListBothWays", func(t *testing.T) {
		s := newStore(t)
		var evs []customer.Event
		for i := range 45 {
			evs = append(evs, newEvent(i, cust, base.Add(time.Duration((i*7)%45)*time.Minute)))
		}
		must(t, s.AppendEvents(ctx, evs))
		must(t, s.AppendEvents(ctx, []customer.Event{newEvent(999, id("customer", 2), base)}))
		for _, newest := range []bool{false, true} {
			all := collect(t, 4, func(tok string, n int) ([]customer.Event, string, error) {
				return s.ListEvents(ctx, cust, newest, tok, n)
			})
			if len(all) != 45 {
				t.Fatalf("newestFirst=%t: listed %d events, want 45", newest, len(all))
			}
			for i := 1; i < len(all); i++ {
				if newest && all[i].At.After(all[i-1].At) || !newest && all[i].At.Before(all[i-1].At) {
					t.Fatalf("newestFirst=%t: events out of order", newest)
				}
			}
		}
	})
	t.Run("AppendIsAtomic", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AppendEvents(ctx, []customer.Event{newEvent(1, cust, base)}))
		err := s.AppendEvents(ctx, []customer.Event{newEvent(2, cust, base), newEvent(1, cust, base)})
		wantErr(t, err, customer.ErrAlreadyExists)
		err = s.AppendEvents(ctx, []customer.Event{newEvent(3, cust, base), newEvent(3, cust, base)})
		wantErr(t, err, customer.ErrAlreadyExists)
		all, _, err := s.ListEvents(ctx, cust, false, "", 100)
		must(t, err)
		if len(all) != 1 {
			t.Fatalf("after failed batches %d events are stored, want 1", len(all))
		}
	})
	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		e := newEvent(1, cust, base)
		must(t, s.AppendEvents(ctx, []customer.Event{e}))
		e.Properties["page"] = "changed"
		got, _, err := s.ListEvents(ctx, cust, false, "", 10)
		must(t, err)
		if got[0].Properties["page"] != "home" {
			t.Fatal("store keeps the caller's properties map")
		}
		got[0].Properties["page"] = "mutated"
		again, _, err := s.ListEvents(ctx, cust, false, "", 10)
		must(t, err)
		if again[0].Properties["page"] != "home" {
			t.Fatal("mutating a returned event changed the stored one")
		}
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		if err := s.AppendEvents(cancelled(), []customer.Event{newEvent(1, cust, base)}); !errors.Is(err, context.Canceled) {
			t.Fatalf("append: got %v, want context.Canceled", err)
		}
		all, _, err := s.ListEvents(ctx, cust, false, "", 10)
		must(t, err)
		if len(all) != 0 {
			t.Fatal("append with a cancelled context stored events")
		}
	})
}

// RunTickets checks a customer.TicketStore.
func RunTickets(t *testing.T, newStore func(t *testing.T) customer.TicketStore) {
	ctx := context.Background()
	cust := id("customer", 1)
	t.Run("CreateGetUpdate", func(t *testing.T) {
		s := newStore(t)
		tk := newTicket(1, cust, base)
		must(t, s.CreateTicket(ctx, tk))
		wantErr(t, s.CreateTicket(ctx, tk), customer.ErrAlreadyExists)
		got, err := s.GetTicket(ctx, tk.ID)
		must(t, err)
		if got.Category != "quality" || got.Version != 1 || len(got.History) != 1 {
			t.Fatal("stored ticket differs from the one created")
		}
		got.Status = customer.TicketResolved
		got.History = append(got.History, customer.StatusChange{Status: "resolved", At: base.Add(time.Hour), Note: "replaced"})
		out, err := s.UpdateTicket(ctx, got)
		must(t, err)
		if out.Version != 2 || len(out.History) != 2 {
			t.Fatal("update did not store the new state")
		}
		_, err = s.UpdateTicket(ctx, tk) // version 1 again
		wantErr(t, err, customer.ErrConflict)
		_, err = s.GetTicket(ctx, id("ticket", 404))
		wantErr(t, err, customer.ErrNotFound)
		_, err = s.UpdateTicket(ctx, newTicket(405, cust, base))
		wantErr(t, err, customer.ErrNotFound)
	})
	t.Run("ListTicketsOldestFirst", func(t *testing.T) {
		s := newStore(t)
		for i := range 23 {
			must(t, s.CreateTicket(ctx, newTicket(i, cust, base.Add(time.Duration(23-i)*time.Hour))))
		}
		all := collect(t, 6, func(tok string, n int) ([]customer.Ticket, string, error) { return s.ListTickets(ctx, cust, tok, n) })
		if len(all) != 23 {
			t.Fatalf("listed %d tickets, want 23", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].OpenedAt.Before(all[i-1].OpenedAt) {
				t.Fatal("tickets not oldest first")
			}
		}
	})
	t.Run("FeedbackNewestFirst", func(t *testing.T) {
		s := newStore(t)
		for i := range 15 {
			f := customer.Feedback{ID: id("feedback", i), CustomerID: cust, NPS: i % 11, At: base.Add(time.Duration(i) * time.Hour)}
			must(t, s.CreateFeedback(ctx, f))
			if i == 3 {
				wantErr(t, s.CreateFeedback(ctx, f), customer.ErrAlreadyExists)
			}
		}
		all := collect(t, 4, func(tok string, n int) ([]customer.Feedback, string, error) { return s.ListFeedback(ctx, cust, tok, n) })
		if len(all) != 15 || all[0].ID != id("feedback", 14) {
			t.Fatal("feedback not listed completely newest first")
		}
	})
	t.Run("ConcurrentUpdatesNoLostUpdate", func(t *testing.T) {
		s := newStore(t)
		tk := newTicket(1, cust, base)
		must(t, s.CreateTicket(ctx, tk))
		const writers, each = 8, 10
		done := make(chan error, writers)
		for w := range writers {
			go func() {
				for n := 0; n < each; {
					cur, err := s.GetTicket(ctx, tk.ID)
					if err != nil {
						done <- err
						return
					}
					cur.History = append(cur.History, customer.StatusChange{Status: "open", At: base, Note: string(rune('a' + w))})
					if _, err := s.UpdateTicket(ctx, cur); errors.Is(err, customer.ErrConflict) {
						continue
					} else if err != nil {
						done <- err
						return
					}
					n++
				}
				done <- nil
			}()
		}
		for range writers {
			must(t, <-done)
		}
		got, err := s.GetTicket(ctx, tk.ID)
		must(t, err)
		if len(got.History) != 1+writers*each {
			t.Fatalf("history has %d entries, want %d (lost updates)", len(got.History), 1+writers*each)
		}
	})
}
