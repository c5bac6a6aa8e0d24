package memstore

import (
	"context"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

var _ customer.ActivityRedactor = (*Store)(nil)

// RedactActivity implements customer.ActivityRedactor: it clears the
// free text of the customer's events (Keyword, Properties) and feedback
// (Comment), keeping ids, types, times, SKUs and scores.
func (s *Store) RedactActivity(ctx context.Context, customerID uuid.UUID) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	if ks := s.eventsBy[customerID]; ks != nil {
		for _, b := range ks.blocks {
			for _, k := range b {
				e := s.events[k.id]
				if e.Keyword != "" || e.Properties != nil {
					e.Keyword, e.Properties = "", nil
					s.events[k.id] = e
					n++
				}
			}
		}
	}
	if ks := s.feedbackBy[customerID]; ks != nil {
		for _, b := range ks.blocks {
			for _, k := range b {
				f := s.feedback[k.id]
				if f.Comment != "" {
					f.Comment = ""
					s.feedback[k.id] = f
					n++
				}
			}
		}
	}
	return n, nil
}
