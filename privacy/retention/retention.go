// Package retention holds retention policies as data, counts what a policy
// would remove (a dry run over a customer.Store that reads and never
// deletes), and generates the record of processing the compliance team
// files: which fields, for which purposes, kept how long.
//
//	p, _ := retention.ParsePolicy([]byte(`{"version":"r1","event_max_age_days":365,"customer_inactive_years":3,"ticket_after_months":24}`))
//	r, _ := retention.DryRun(ctx, store, p, time.Now())
//	fmt.Println(r.ExpiredEvents, r.InactiveCustomers, r.ExpiredTickets)
package retention

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrInvalid: a policy failed validation. Errors name the field.
var ErrInvalid = errors.New("invalid")

// Policy says how long data is kept. A zero limit means "keep": the
// dry run counts nothing for it.
type Policy struct {
	Version               string `json:"version"`
	EventMaxAgeDays       int    `json:"event_max_age_days,omitempty"`      // behaviour events older than this go
	CustomerInactiveYears int    `json:"customer_inactive_years,omitempty"` // customers with no activity for this long go
	TicketAfterMonths     int    `json:"ticket_after_months,omitempty"`     // resolved or closed tickets untouched this long go
}

// Upper bounds accepted by Validate.
const (
	MaxDays   = 36500
	MaxYears  = 100
	MaxMonths = 1200
)

// Validate checks the limits.
func (p Policy) Validate() error {
	bad := func(field, reason string) error {
		return fmt.Errorf("retention: policy %s: %w: %s", field, ErrInvalid, reason)
	}
	switch {
	case p.Version == "" || len(p.Version) > 64:
		return bad("version", "empty or longer than 64 bytes")
	case p.EventMaxAgeDays < 0 || p.EventMaxAgeDays > MaxDays:
		return bad("event_max_age_days", fmt.Sprintf("outside 0..%d", MaxDays))
	case p.CustomerInactiveYears < 0 || p.CustomerInactiveYears > MaxYears:
		return bad("customer_inactive_years", fmt.Sprintf("outside 0..%d", MaxYears))
	case p.TicketAfterMonths < 0 || p.TicketAfterMonths > MaxMonths:
		return bad("ticket_after_months", fmt.Sprintf("outside 0..%d", MaxMonths))
	}
	return nil
}

// ParsePolicy decodes and validates a JSON policy; unknown fields and bad
// limits wrap ErrInvalid.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("retention: policy: %w: malformed JSON", ErrInvalid)
	}
	if dec.More() {
		return Policy{}, fmt.Errorf("retention: policy: %w: trailing data", ErrInvalid)
	}
	return p, p.Validate()
}
