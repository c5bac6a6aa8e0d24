package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/privacy/consent"
	"github.com/google/uuid"
)

var _ consent.Store = (*Store)(nil)

// AppendConsent implements consent.Store.
func (s *Store) AppendConsent(ctx context.Context, e consent.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.consentID[e.ID] {
		return fmt.Errorf("memstore: consent event: %w", consent.ErrAlreadyExists)
	}
	s.consentID[e.ID] = true
	s.consent[e.CustomerID] = append(s.consent[e.CustomerID], e)
	return nil
}

// ListConsent implements consent.Store.
func (s *Store) ListConsent(ctx context.Context, customerID uuid.UUID) ([]consent.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.consent[customerID]), nil
}
