// Package storetest is the conformance suite for cimkit storage adapters.
// An adapter proves it keeps the library's promises by running the suite
// from its own tests, handing over a factory that returns a fresh, empty
// store (and registers its own cleanup with t.Cleanup):
//
//	func TestConformance(t *testing.T) {
//		storetest.RunCustomer(t, func(t *testing.T) customer.Store { return memstore.New() })
//	}
//
// Every promise is a named subtest, so a failing adapter sees exactly which
// one it breaks. The suite uses only the standard library and never sleeps
// to wait for goroutines.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// base is the fixed time the suite's records are stamped from.
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// id returns a deterministic uuid for n within the suite's namespace, so
// runs are repeatable.
func id(kind string, n int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "storetest/%s/%d", kind, n))
}

func newCustomer(n int) customer.Customer {
	return customer.Customer{
		ID:     id("customer", n),
		Name:   fmt.Sprintf("客户%d", n),
		Gender: customer.GenderFemale,
		Phones: []customer.Contact{{
			Raw: fmt.Sprintf("138 0000 %04d", n%10000), Value: fmt.Sprintf("+8613800%06d", n%1000000),
			Channel: customer.ChannelApp, FirstSeen: base, LastSeen: base,
		}},
		Addresses:       []customer.Address{{Raw: "北京市朝阳区建国路88号", Province: "北京市", City: "北京市", District: "朝阳区", Detail: "建国路88号"}},
		MembershipLevel: "gold",
		Points:          10,
		RegistrationVia: customer.ChannelApp,
		Attributes:      map[string]string{"tier": "a"},
		CreatedAt:       base,
		UpdatedAt:       base,
		Version:         1,
	}
}

func newOrder(n int, cust uuid.UUID, at time.Time) customer.Order {
	price := decimal.RequireFromString("12.50")
	return customer.Order{
		ID: id("order", n), CustomerID: cust, Channel: customer.ChannelWeb,
		Items:    []customer.Item{{SKU: "sku-1", Category: "fruit", Quantity: decimal.NewFromInt(2), UnitPrice: price}},
		Discount: decimal.Zero, Shipping: decimal.Zero, Total: price.Mul(decimal.NewFromInt(2)),
		Currency: "CNY", PaymentMethod: "alipay", Status: customer.OrderPlaced, PlacedAt: at,
		History: []customer.StatusChange{{Status: "placed", At: at}}, Version: 1,
	}
}

func newEvent(n int, cust uuid.UUID, at time.Time) customer.Event {
	return customer.Event{
		ID: id("event", n), CustomerID: cust, Type: customer.EventView, Channel: customer.ChannelApp,
		At: at, SKU: "sku-1", Properties: map[string]string{"page": "home"},
	}
}

func newTicket(n int, cust uuid.UUID, at time.Time) customer.Ticket {
	return customer.Ticket{
		ID: id("ticket", n), CustomerID: cust, Channel: customer.ChannelCallCentre, Category: "quality",
		Priority: customer.PriorityNormal, Status: customer.TicketOpen, OpenedAt: at, UpdatedAt: at,
		History: []customer.StatusChange{{Status: "open", At: at}}, Version: 1,
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one wrapping %v", err, target)
	}
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// collect pages through list with the given page size and returns all items.
func collect[T any](t *testing.T, size int, list func(tok string, n int) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	tok := ""
	for pages := 0; ; pages++ {
		if pages > 100000 {
			t.Fatal("paging does not end")
		}
		items, next, err := list(tok, size)
		must(t, err)
		if len(items) > size {
			t.Fatalf("page has %d items, limit was %d", len(items), size)
		}
		all = append(all, items...)
		if next == "" {
			return all
		}
		tok = next
	}
}

// RunCustomer runs every customer.Store subtest: profiles, orders, events
// and tickets.
func RunCustomer(t *testing.T, newStore func(t *testing.T) customer.Store) {
	t.Run("Profiles", func(t *testing.T) { RunProfiles(t, func(t *testing.T) customer.ProfileStore { return newStore(t) }) })
	t.Run("Orders", func(t *testing.T) { RunOrders(t, func(t *testing.T) customer.OrderStore { return newStore(t) }) })
	t.Run("Events", func(t *testing.T) { RunEvents(t, func(t *testing.T) customer.EventStore { return newStore(t) }) })
	t.Run("Tickets", func(t *testing.T) { RunTickets(t, func(t *testing.T) customer.TicketStore { return newStore(t) }) })
}
