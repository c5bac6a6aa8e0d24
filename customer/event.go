package customer

import (
	"maps"
	"time"

	"github.com/google/uuid"
)

// EventType names a behaviour event. Hosts may add their own types: 1 to 32
// bytes of a-z, 0-9 and _.
type EventType string

// Event types cimkit knows by name.
const (
	EventView      EventType = "view"
	EventSearch    EventType = "search"
	EventAddToCart EventType = "add_to_cart"
	EventCouponUse EventType = "coupon_use"
	EventLogin     EventType = "login"
)

// Event is one thing a customer did: viewed a product, searched, added to
// cart, used a coupon, logged in.
type Event struct {
	ID         uuid.UUID
	CustomerID uuid.UUID
	Type       EventType
	Channel    Channel
	At         time.Time
	SKU        string            // the product concerned, if any
	Keyword    string            // the search keyword, for EventSearch
	Properties map[string]string // anything else the channel reported
}

// Clone returns a deep copy.
func (e Event) Clone() Event {
	if e.Properties != nil {
		e.Properties = maps.Clone(e.Properties)
	}
	return e
}

// Validate checks the event's fields.
func (e *Event) Validate() error {
	if e.ID == uuid.Nil {
		return invalid("id", "must not be the nil uuid")
	}
	if e.CustomerID == uuid.Nil {
		return invalid("customer_id", "must not be the nil uuid")
	}
	if !validToken(string(e.Type), 32) {
		return invalid("type", "must be 1-32 characters of a-z, 0-9 or _")
	}
	if err := checkChannel("channel", e.Channel, false); err != nil {
		return err
	}
	if e.At.IsZero() {
		return invalid("at", "must be set")
	}
	if err := checkText("sku", e.SKU, MaxValueBytes); err != nil {
		return err
	}
	if err := checkText("keyword", e.Keyword, MaxValueBytes); err != nil {
		return err
	}
	if e.Type == EventSearch && e.Keyword == "" {
		return invalid("keyword", "a search event needs its keyword")
	}
	return checkAttributes("properties", e.Properties)
}
