package audit

import "context"

// Store keeps the log's entries, as encoded bytes, in append order. It is
// the whole contract an adapter implements; package memstore implements it
// in memory and storetest.RunAudit checks any implementation.
//
// Rules: ctx is honoured (a cancelled context returns ctx.Err() and
// changes nothing); byte slices are copied in both directions; errors wrap
// ErrConflict or ErrOutOfRange.
type Store interface {
	// AppendAudit stores entries at positions at, at+1, ... if the log
	// holds exactly at entries, atomically (all or none); otherwise
	// ErrConflict and nothing is stored. There is no update or delete.
	AppendAudit(ctx context.Context, at uint64, entries [][]byte) error
	// ReadAudit returns the entries at positions [start, end). end above
	// the size, or start above end → ErrOutOfRange.
	ReadAudit(ctx context.Context, start, end uint64) ([][]byte, error)
	// AuditSize returns the number of entries stored.
	AuditSize(ctx context.Context) (uint64, error)
}
