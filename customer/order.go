package customer

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// OrderStatus is where an order is in its lifecycle.
type OrderStatus string

// Order statuses. The lifecycle is placed → paid → shipped → delivered →
// completed; an order may be cancelled before it ships, refunded in full
// after it is paid, or partially refunded (possibly several times) and then
// refunded in full.
const (
	OrderPlaced            OrderStatus = "placed"
	OrderPaid              OrderStatus = "paid"
	OrderShipped           OrderStatus = "shipped"
	OrderDelivered         OrderStatus = "delivered"
	OrderCompleted         OrderStatus = "completed"
	OrderCancelled         OrderStatus = "cancelled"
	OrderRefunded          OrderStatus = "refunded"
	OrderPartiallyRefunded OrderStatus = "partially_refunded"
)

var orderTransitions = map[OrderStatus][]OrderStatus{
	OrderPlaced:            {OrderPaid, OrderCancelled},
	OrderPaid:              {OrderShipped, OrderCancelled, OrderRefunded, OrderPartiallyRefunded},
	OrderShipped:           {OrderDelivered, OrderRefunded, OrderPartiallyRefunded},
	OrderDelivered:         {OrderCompleted, OrderRefunded, OrderPartiallyRefunded},
	OrderCompleted:         {OrderRefunded, OrderPartiallyRefunded},
	OrderPartiallyRefunded: {OrderPartiallyRefunded, OrderRefunded, OrderCompleted},
	OrderCancelled:         nil,
	OrderRefunded:          nil,
}

// Valid reports whether s is a known status.
func (s OrderStatus) Valid() bool {
	_, ok := orderTransitions[s]
	return ok
}

// CanBecome reports whether an order in status s may move to status to.
func (s OrderStatus) CanBecome(to OrderStatus) bool {
	return slices.Contains(orderTransitions[s], to)
}

// StatusChange records one transition of an order or ticket.
type StatusChange struct {
	Status string
	At     time.Time
	Note   string
}

// Item is one line of an order. Quantity is a decimal so fresh goods sold by
// weight (0.75 kg) fit. Currency, when set, must equal the order's.
type Item struct {
	SKU       string
	Name      string
	Category  string
	Quantity  decimal.Decimal
	UnitPrice decimal.Decimal
	Currency  string
}

// Amount is Quantity × UnitPrice.
func (it Item) Amount() decimal.Decimal { return it.Quantity.Mul(it.UnitPrice) }

// Order is a purchase. Total must equal the sum of the item amounts minus
// Discount plus Shipping. Refunded is the amount refunded so far.
type Order struct {
	ID            uuid.UUID
	CustomerID    uuid.UUID
	Channel       Channel
	Items         []Item
	Discount      decimal.Decimal
	Shipping      decimal.Decimal
	Total         decimal.Decimal
	Refunded      decimal.Decimal
	Currency      string // ISO 4217, e.g. "CNY"
	PaymentMethod string // e.g. "wechat_pay", "alipay", "card", "cash"
	Status        OrderStatus
	PlacedAt      time.Time
	History       []StatusChange // every transition, oldest first
	Version       int64
}

// Clone returns a deep copy.
func (o Order) Clone() Order {
	o.Items = slices.Clone(o.Items)
	o.History = slices.Clone(o.History)
	return o
}

// Order size limits enforced by Validate.
const (
	MaxItems     = 500
	MaxNoteBytes = 4000
	MaxCodeBytes = 64
)

// Validate checks the order's fields, that money adds up and that a single
// currency is used.
func (o *Order) Validate() error {
	if o.ID == uuid.Nil {
		return invalid("id", "must not be the nil uuid")
	}
	if o.CustomerID == uuid.Nil {
		return invalid("customer_id", "must not be the nil uuid")
	}
	if err := checkChannel("channel", o.Channel, false); err != nil {
		return err
	}
	if err := checkCurrency("currency", o.Currency); err != nil {
		return err
	}
	if !o.Status.Valid() {
		return invalid("status", "unknown order status")
	}
	if o.PlacedAt.IsZero() {
		return invalid("placed_at", "must be set")
	}
	if err := checkText("payment_method", o.PaymentMethod, MaxCodeBytes); err != nil {
		return err
	}
	if len(o.Items) == 0 {
		return invalid("items", "an order needs at least one item")
	}
	if len(o.Items) > MaxItems {
		return invalid("items", "more than %d items", MaxItems)
	}
	sum := decimal.Zero
	for i, it := range o.Items {
		f := fmt.Sprintf("items[%d]", i)
		if it.SKU == "" {
			return invalid(f+".sku", "must be set")
		}
		for _, p := range []struct{ name, v string }{{".sku", it.SKU}, {".category", it.Category}, {".name", it.Name}} {
			if err := checkText(f+p.name, p.v, MaxValueBytes); err != nil {
				return err
			}
		}
		if !it.Quantity.IsPositive() {
			return invalid(f+".quantity", "must be positive")
		}
		if it.UnitPrice.IsNegative() {
			return invalid(f+".unit_price", "must not be negative")
		}
		if it.Currency != "" && it.Currency != o.Currency {
			return invalid(f+".currency", "differs from the order currency")
		}
		sum = sum.Add(it.Amount())
	}
	if o.Discount.IsNegative() {
		return invalid("discount", "must not be negative")
	}
	if o.Shipping.IsNegative() {
		return invalid("shipping", "must not be negative")
	}
	if o.Total.IsNegative() {
		return invalid("total", "must not be negative")
	}
	if want := sum.Sub(o.Discount).Add(o.Shipping); !want.Equal(o.Total) {
		return invalid("total", "does not equal items minus discount plus shipping")
	}
	if o.Refunded.IsNegative() || o.Refunded.GreaterThan(o.Total) {
		return invalid("refunded", "must be between zero and the total")
	}
	for i, h := range o.History {
		if !OrderStatus(h.Status).Valid() {
			return invalid(fmt.Sprintf("history[%d].status", i), "unknown order status")
		}
		if err := checkText(fmt.Sprintf("history[%d].note", i), h.Note, MaxNoteBytes); err != nil {
			return err
		}
	}
	return nil
}

func checkCurrency(field, c string) error {
	if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
		return invalid(field, "must be a three-letter upper-case ISO 4217 code")
	}
	return nil
}

// Payment is money received for, or returned on, an order.
type Payment struct {
	ID         uuid.UUID
	OrderID    uuid.UUID
	CustomerID uuid.UUID
	Method     string
	Amount     decimal.Decimal // negative for a refund
	Currency   string
	Status     string // "succeeded", "failed" or "pending"
	At         time.Time
}

// Validate checks the payment's fields.
func (p *Payment) Validate() error {
	switch {
	case p.ID == uuid.Nil:
		return invalid("id", "must not be the nil uuid")
	case p.OrderID == uuid.Nil:
		return invalid("order_id", "must not be the nil uuid")
	case p.CustomerID == uuid.Nil:
		return invalid("customer_id", "must not be the nil uuid")
	case p.Amount.IsZero():
		return invalid("amount", "must not be zero")
	case p.At.IsZero():
		return invalid("at", "must be set")
	}
	if p.Status != "succeeded" && p.Status != "failed" && p.Status != "pending" {
		return invalid("status", "must be succeeded, failed or pending")
	}
	if err := checkText("method", p.Method, MaxCodeBytes); err != nil {
		return err
	}
	return checkCurrency("currency", p.Currency)
}
