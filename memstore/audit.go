package memstore

import (
	"bytes"
	"context"
	"fmt"

	"github.com/cimkit/cimkit/privacy/audit"
)

var _ audit.Store = (*Store)(nil)

// AppendAudit implements audit.Store.
func (s *Store) AppendAudit(ctx context.Context, at uint64, entries [][]byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if at != uint64(len(s.audit)) {
		return fmt.Errorf("memstore: audit append position: %w", audit.ErrConflict)
	}
	for _, e := range entries {
		s.audit = append(s.audit, bytes.Clone(e))
	}
	return nil
}

// ReadAudit implements audit.Store.
func (s *Store) ReadAudit(ctx context.Context, start, end uint64) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if start > end || end > uint64(len(s.audit)) {
		return nil, fmt.Errorf("memstore: audit range: %w", audit.ErrOutOfRange)
	}
	out := make([][]byte, 0, end-start)
	for _, e := range s.audit[start:end] {
		out = append(out, bytes.Clone(e))
	}
	return out, nil
}

// AuditSize implements audit.Store.
func (s *Store) AuditSize(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return uint64(len(s.audit)), nil
}
