// Package synth generates seeded, realistic synthetic data for a Chinese
// e-commerce / fresh-grocery business: people, the messy customer records
// that channels send about them, orders, behaviour events, service tickets
// and NPS feedback. The ground truth (which records belong to the same
// person) is kept so identity resolution can be scored. The same Config
// always yields the same Dataset.
package synth

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"
)

// Config sizes a dataset. Zero fields take the documented defaults.
type Config struct {
	Customers int    // customer records (not people); default 1,000
	Orders    int    // default 10 × Customers
	Events    int    // default = Orders
	Tickets   int    // default Customers / 20
	Feedback  int    // default Customers / 10
	Seed      uint64 // the same seed gives the same data
	// Start and End bound every timestamp; default 2024-01-01 to 2026-01-01 UTC.
	Start, End time.Time
	// DuplicateRate is the share of records that are a further record of
	// a person who already has one; default 0.3. Negative means none.
	DuplicateRate float64
}

// Person is the truth about one human being.
type Person struct {
	ID        string
	Name      string // canonical Chinese name
	Gender    string // "M" or "F"
	BirthDate time.Time
	Phone     string // canonical 11-digit mainland mobile, "" if none
	Email     string
	Device    string
	MemberID  string
	Place     int // index into the address table
	Street    string
	First     time.Time // when the person first appears
	// PhoneUntil, when set, is when the person gave Phone up (the carrier
	// later reissued it to someone else); records after it carry
	// NextPhone.
	PhoneUntil time.Time
	NextPhone  string
}

// Record is one customer record as a channel sends it: every field raw and
// possibly messy (phones in a dozen formats, masked, placeholders; name
// typos; short province names), exactly as a real import looks.
type Record struct {
	ID           string
	PersonID     string // ground truth
	Channel      string
	Name         string
	Gender       string
	BirthDate    string
	Phone        string
	Email        string
	Device       string
	MemberID     string
	Address      string
	RegisteredAt time.Time
}

// Item is one order line.
type Item struct {
	SKU, Name, Category string
	Quantity            decimal.Decimal
	UnitPrice           decimal.Decimal
}

// Order is a purchase whose money adds up: Total = Σ items − Discount + Shipping.
type Order struct {
	ID, RecordID, PersonID, Channel string
	PlacedAt                        time.Time
	Items                           []Item
	Discount, Shipping, Total       decimal.Decimal
	Refunded                        decimal.Decimal
	Currency, PaymentMethod, Status string
	// History lists the statuses the order went through, with times.
	History []StatusAt
}

// StatusAt is one status of an order with its time.
type StatusAt struct {
	Status string
	At     time.Time
}

// Event is a behaviour event.
type Event struct {
	ID, RecordID, Type, Channel string
	At                          time.Time
	SKU, Keyword                string
}

// Ticket is a service case.
type Ticket struct {
	ID, RecordID, Channel, Category, Priority, Status string
	OpenedAt                                          time.Time
	Satisfaction                                      int
}

// Feedback is an NPS answer.
type Feedback struct {
	ID, RecordID string
	NPS          int
	Comment      string
	At           time.Time
}

// Dataset is everything generated, with the truth.
type Dataset struct {
	Persons  []Person
	Records  []Record
	Orders   []Order
	Events   []Event
	Tickets  []Ticket
	Feedback []Feedback
}

// ErrConfig reports an unusable Config.
var ErrConfig = errors.New("synth: invalid config")

func (c *Config) fill() error {
	if c.Customers == 0 {
		c.Customers = 1000
	}
	if c.Customers < 0 || c.Orders < 0 || c.Events < 0 || c.Tickets < 0 || c.Feedback < 0 {
		return fmt.Errorf("%w: counts must not be negative", ErrConfig)
	}
	if c.Orders == 0 {
		c.Orders = 10 * c.Customers
	}
	if c.Events == 0 {
		c.Events = c.Orders
	}
	if c.Tickets == 0 {
		c.Tickets = c.Customers / 20
	}
	if c.Feedback == 0 {
		c.Feedback = c.Customers / 10
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.End.IsZero() {
		c.End = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if !c.End.After(c.Start) {
		return fmt.Errorf("%w: end must be after start", ErrConfig)
	}
	switch {
	case c.DuplicateRate == 0:
		c.DuplicateRate = 0.3
	case c.DuplicateRate < 0:
		c.DuplicateRate = 0
	case c.DuplicateRate >= 1:
		return fmt.Errorf("%w: duplicate rate must be below 1", ErrConfig)
	}
	return nil
}

// Generate builds a dataset from cfg.
func Generate(cfg Config) (*Dataset, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, 0x5eed_c1a5)),
		extra: rand.New(rand.NewPCG(cfg.Seed, 0xe1_7a)), usedPhones: map[string]bool{}}
	d := &Dataset{}
	g.people(d)
	g.orders(d)
	g.events(d)
	g.service(d)
	return d, nil
}

type gen struct {
	cfg        Config
	r          *rand.Rand
	extra      *rand.Rand // for details added later, so r's stream stays as it was
	usedPhones map[string]bool
	// byPerson lists each person's record indexes; weight is the person's
	// share of orders (a heavy tail: a few people buy most).
	byPerson [][]int
	weights  []float64
	cumW     []float64
}

func (g *gen) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) between(a, b time.Time) time.Time {
	span := b.Sub(a)
	if span <= 0 {
		return a
	}
	return a.Add(time.Duration(g.r.Int64N(int64(span)))).Truncate(time.Second)
}
