package customer

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

var t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

const secretName = "王秘密"
const secretPhone = "13812345678"

func validCustomer() Customer {
	return Customer{
		ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Name: secretName,
		Phones:     []Contact{{Raw: secretPhone, Value: "+86" + secretPhone, Channel: ChannelApp}},
		Attributes: map[string]string{"k": "v"},
	}
}

func validOrder() Order {
	return Order{
		ID: uuid.MustParse("00000000-0000-4000-8000-0000000000a1"), CustomerID: uuid.MustParse("00000000-0000-4000-8000-000000000001"),
		Items: []Item{
			{SKU: "a", Category: "fruit", Quantity: decimal.RequireFromString("1.5"), UnitPrice: decimal.RequireFromString("10.00")},
			{SKU: "b", Category: "meat", Quantity: decimal.NewFromInt(2), UnitPrice: decimal.RequireFromString("30.00")},
		},
		Discount: decimal.RequireFromString("5"), Shipping: decimal.RequireFromString("6"), Total: decimal.RequireFromString("76.00"),
		Currency: "CNY", Status: OrderPlaced, PlacedAt: t0,
	}
}

func checkInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var fe *FieldError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *FieldError wrapping ErrInvalid", err)
	}
	if fe.Field != field {
		t.Fatalf("error names field %q, want %q (%v)", fe.Field, field, err)
	}
	for _, pii := range []string{secretName, secretPhone} {
		if strings.Contains(err.Error(), pii) {
			t.Fatalf("error string contains personal data: %v", err)
		}
	}
}

func TestCustomerValidate(t *testing.T) {
	if c := validCustomer(); c.Validate() != nil {
		t.Fatal(c.Validate())
	}
	cases := map[string]struct {
		mut   func(*Customer)
		field string
	}{
		"nil id":           {func(c *Customer) { c.ID = uuid.Nil }, "id"},
		"oversize name":    {func(c *Customer) { c.Name = strings.Repeat("王", 100) }, "name"},
		"bad utf8 name":    {func(c *Customer) { c.Name = "\xff" }, "name"},
		"gender code":      {func(c *Customer) { c.Gender = 9 }, "gender"},
		"old birth date":   {func(c *Customer) { c.BirthDate = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC) }, "birth_date"},
		"empty contact":    {func(c *Customer) { c.Phones = []Contact{{}} }, "phones[0]"},
		"contact channel":  {func(c *Customer) { c.Phones[0].Channel = "App Store" }, "phones[0].channel"},
		"seen backwards":   {func(c *Customer) { c.Phones[0].FirstSeen = t0; c.Phones[0].LastSeen = t0.Add(-time.Hour) }, "phones[0].last_seen"},
		"too many emails":  {func(c *Customer) { c.Emails = make([]Contact, MaxContacts+1) }, "emails"},
		"negative points":  {func(c *Customer) { c.Points = -1 }, "points"},
		"oversize attr":    {func(c *Customer) { c.Attributes["k"] = strings.Repeat("x", MaxAttrValueBytes+1) }, "attributes[k]"},
		"address too long": {func(c *Customer) { c.Addresses = []Address{{Detail: strings.Repeat("路", 200)}} }, "addresses[0].detail"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := validCustomer()
			tc.mut(&c)
			checkInvalid(t, c.Validate(), tc.field)
		})
	}
}

func TestOrderValidate(t *testing.T) {
	if o := validOrder(); o.Validate() != nil {
		t.Fatal(o.Validate())
	}
	cases := map[string]struct {
		mut   func(*Order)
		field string
	}{
		"nil id":            {func(o *Order) { o.ID = uuid.Nil }, "id"},
		"nil customer":      {func(o *Order) { o.CustomerID = uuid.Nil }, "customer_id"},
		"no items":          {func(o *Order) { o.Items = nil }, "items"},
		"negative quantity": {func(o *Order) { o.Items[1].Quantity = decimal.NewFromInt(-2) }, "items[1].quantity"},
		"zero quantity":     {func(o *Order) { o.Items[0].Quantity = decimal.Zero }, "items[0].quantity"},
		"negative price":    {func(o *Order) { o.Items[0].UnitPrice = decimal.NewFromInt(-1) }, "items[0].unit_price"},
		"total off":         {func(o *Order) { o.Total = decimal.RequireFromString("76.01") }, "total"},
		"item currency":     {func(o *Order) { o.Items[1].Currency = "USD" }, "items[1].currency"},
		"bad currency":      {func(o *Order) { o.Currency = "cny" }, "currency"},
		"status":            {func(o *Order) { o.Status = "lost" }, "status"},
		"no time":           {func(o *Order) { o.PlacedAt = time.Time{} }, "placed_at"},
		"negative discount": {func(o *Order) { o.Discount = decimal.NewFromInt(-5); o.Total = decimal.NewFromInt(86) }, "discount"},
		"over refund":       {func(o *Order) { o.Refunded = decimal.NewFromInt(100) }, "refunded"},
		"missing sku":       {func(o *Order) { o.Items[0].SKU = "" }, "items[0].sku"},
		"too many items":    {func(o *Order) { o.Items = make([]Item, MaxItems+1) }, "items"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := validOrder()
			tc.mut(&o)
			checkInvalid(t, o.Validate(), tc.field)
		})
	}
}

func TestOtherValidate(t *testing.T) {
	cid := uuid.MustParse("00000000-0000-4000-8000-000000000001")
	id := uuid.MustParse("00000000-0000-4000-8000-000000000002")
	checkInvalid(t, (&Feedback{ID: id, CustomerID: cid, NPS: 11, At: t0}).Validate(), "nps")
	checkInvalid(t, (&Feedback{ID: id, CustomerID: cid, NPS: -1, At: t0}).Validate(), "nps")
	checkInvalid(t, (&Event{ID: id, CustomerID: cid, Type: "Search!", At: t0}).Validate(), "type")
	checkInvalid(t, (&Event{ID: id, CustomerID: cid, Type: EventSearch, At: t0}).Validate(), "keyword")
	checkInvalid(t, (&Ticket{ID: id, CustomerID: cid, Channel: ChannelApp, Category: "x", Priority: "meh", Status: TicketOpen, OpenedAt: t0}).Validate(), "priority")
	checkInvalid(t, (&Ticket{ID: id, CustomerID: cid, Channel: ChannelApp, Category: "x", Priority: PriorityLow, Status: TicketOpen, OpenedAt: t0, Satisfaction: 6}).Validate(), "satisfaction")
	checkInvalid(t, (&Payment{ID: id, OrderID: id, CustomerID: cid, Amount: decimal.NewFromInt(1), Currency: "CNY", Status: "ok", At: t0}).Validate(), "status")
}

func TestLifecycleTables(t *testing.T) {
	allowed := map[[2]OrderStatus]bool{}
	for from, tos := range orderTransitions {
		for _, to := range tos {
			allowed[[2]OrderStatus{from, to}] = true
		}
	}
	for _, bad := range [][2]OrderStatus{{OrderDelivered, OrderPlaced}, {OrderCompleted, OrderPaid}, {OrderCancelled, OrderPaid}, {OrderRefunded, OrderCompleted}, {OrderShipped, OrderCancelled}} {
		if bad[0].CanBecome(bad[1]) || allowed[bad] {
			t.Errorf("%s → %s must be impossible", bad[0], bad[1])
		}
	}
	for _, good := range [][2]OrderStatus{{OrderPlaced, OrderPaid}, {OrderPaid, OrderShipped}, {OrderShipped, OrderDelivered}, {OrderDelivered, OrderCompleted}, {OrderPlaced, OrderCancelled}, {OrderCompleted, OrderRefunded}} {
		if !good[0].CanBecome(good[1]) {
			t.Errorf("%s → %s must be allowed", good[0], good[1])
		}
	}
	// Every terminal state is reachable from placed.
	reach := map[OrderStatus]bool{OrderPlaced: true}
	for changed := true; changed; {
		changed = false
		for from := range reach {
			for _, to := range orderTransitions[from] {
				if !reach[to] {
					reach[to], changed = true, true
				}
			}
		}
	}
	if len(reach) != len(orderTransitions) {
		t.Fatalf("reachable %d statuses of %d", len(reach), len(orderTransitions))
	}
}

func TestFormattingHidesPII(t *testing.T) {
	c := validCustomer()
	c.Addresses = []Address{{Raw: "北京市朝阳区秘密路1号", Detail: "秘密路1号"}}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v", c.Phones[0], c.Addresses[0], c.Phones)} {
		for _, pii := range []string{secretName, secretPhone, "秘密路"} {
			if strings.Contains(s, pii) {
				t.Fatalf("formatted output contains personal data: %s", s)
			}
		}
	}
}
