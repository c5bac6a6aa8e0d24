package tagging

import "time"

// Customer is the snapshot of one customer that rules are evaluated against.
// The host fills it from its own storage; tagging never imports the customer
// package. A Customer is read, never modified, by evaluation.
type Customer struct {
	// ID identifies the customer; it is copied into results, never into errors.
	ID string
	// Gender is the canonical gender code, e.g. "f", "m" or "" when unknown.
	Gender string
	// BirthDate is the date of birth (only year, month and day are used);
	// the zero value means unknown.
	BirthDate time.Time
	// RegisteredAt is when the customer registered; zero means unknown.
	RegisteredAt time.Time
	// MembershipLevel is the host's membership level, e.g. "gold".
	MembershipLevel string
	// Points is the loyalty points balance.
	Points int64
	// Attributes are host-defined string attributes, referenced as "attr.<key>".
	Attributes map[string]string
	// RFM holds the customer's RFM scores and segment name.
	RFM RFM
	// Tags are the tags the customer currently carries (static tags set by
	// hand or import, and the results of the previous evaluation).
	Tags []TagValue
	// Weights is the state of weighted tags left by the previous
	// incremental evaluation (Result.Weights); OnEvent and OnOrder start
	// from it, batch evaluation recomputes from the history instead.
	Weights []Weight
	// Orders is the customer's order history, in any order.
	Orders []Order
	// Events is the customer's behaviour history, in any order.
	Events []Event
}

// RFM holds recency, frequency and monetary scores (typically 1..5) and the
// segment name computed by the rfm package or the host.
type RFM struct {
	R, F, M int
	Segment string
}

// Order is one order of a customer.
type Order struct {
	// Time is when the order was placed.
	Time time.Time
	// Amount is the order total in minor currency units (cents); see
	// Schema.MoneyScale for how rules see it.
	Amount int64
	// Categories are the product categories in the order.
	Categories []string
}

// Event is one behaviour event of a customer (view, add_to_cart, login ...).
type Event struct {
	// Type names the event, e.g. "view".
	Type string
	// Time is when the event happened.
	Time time.Time
	// Properties are free-form event properties; weighted tags may match
	// on the "category" property.
	Properties map[string]string
}

// TagValue is a tag carried by a customer.
type TagValue struct {
	// Name is the tag name.
	Name string
	// Weight is in 0..1; tags without a weight carry 1.
	Weight float64
	// Source says where the tag came from: "rule", "weighted", "manual",
	// "import" or a host-defined value.
	Source string
	// Author is who set a static tag (a user name or a rule set name).
	Author string
	// At is when the tag value was computed or set. For weighted tags it is
	// the instant the Weight refers to.
	At time.Time
	// ExpiresAt, when non-zero, is when a static tag stops applying.
	ExpiresAt time.Time
}

// tagWeight returns the weight of the named tag among c.Tags that have not
// expired at nowUnix.
func (c *Customer) tagWeight(name string, nowUnix int64) (float64, bool) {
	for i := range c.Tags {
		t := &c.Tags[i]
		if t.Name != name {
			continue
		}
		if !t.ExpiresAt.IsZero() && t.ExpiresAt.Unix() <= nowUnix {
			continue
		}
		return t.Weight, true
	}
	return 0, false
}

// Weight is the accumulated score of a weighted tag at instant At: the sum
// of the increments of matching events and orders, each halved every
// half-life since it happened. The tag's weight is min(1, Score).
type Weight struct {
	Tag   string
	Score float64
	At    time.Time
}
