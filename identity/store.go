package identity

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Store keeps identity state: which records carry which token, which
// customer each record belongs to, operator constraints and the event log.
// memstore implements it; storetest.RunIdentity checks an implementation.
//
// Common rules: ctx is honoured (a cancelled context returns its error and
// changes nothing); values are copies in both directions; errors wrap
// ErrNotFound or ErrConflict.
//
// Concurrency works by optimistic versioning: every token entry and every
// customer entry has a version that the store increments whenever its
// record list changes, and Apply writes only if every version the caller
// read is still current. A version never goes back to 0 once used, even
// when the entry becomes empty.
type Store interface {
	// IdentityTokens returns one entry per key, in order: the ids of the
	// records whose Keys hold it (ascending) and its version. An unknown
	// key gives an entry with no records and version 0.
	IdentityTokens(ctx context.Context, keys []Key) ([]TokenEntry, error)
	// IdentityRecords returns the stored records with the given ids, in
	// the order asked; unknown ids are left out (no error).
	IdentityRecords(ctx context.Context, ids []string) ([]StoredRecord, error)
	// IdentityCustomers returns one entry per id, in order: the customer's
	// record ids (ascending) and version. An unknown id gives an entry with
	// no records and version 0; a customer that existed and was emptied
	// keeps its last version.
	IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]CustomerEntry, error)
	// IdentityConstraints returns the constraints with the given ids, in
	// the order asked; unknown ids are left out.
	IdentityConstraints(ctx context.Context, ids []string) ([]Constraint, error)
	// ApplyIdentity applies c atomically: if any version in c.Expect*
	// differs from the stored one, or a record in c.ExpectAbsent exists,
	// it returns ErrConflict and writes nothing; if c.RefuseErased is set
	// and the store is an EraseStore holding a tombstone of a record id or
	// linking key in c.Records, it returns an error wrapping ErrErased
	// (never ErrConflict, naming neither ids nor values) and writes
	// nothing; otherwise it writes everything. Putting a record updates
	// the token index from its old Keys to its new Keys and moves the
	// record from its old customer's list to its new one; it increments
	// the version of every token in the old and new Keys and of the old
	// and new customer, even when their lists do not change (so a reader
	// of any of them sees the record change). A customer whose list
	// becomes empty no longer exists.
	ApplyIdentity(ctx context.Context, c Change) error
	// IdentityEvent returns the event with the id, or ErrNotFound.
	IdentityEvent(ctx context.Context, id uuid.UUID) (Event, error)
	// IdentityEvents returns the events whose Before or After names the
	// customer, in the order they were applied.
	IdentityEvents(ctx context.Context, customerID uuid.UUID) ([]Event, error)
}

// TokenEntry is the index entry of one token.
type TokenEntry struct {
	Key     Key
	Records []string
	Version int64
}

// CustomerEntry is one customer as the identity store sees it.
type CustomerEntry struct {
	ID      uuid.UUID
	Records []string
	Version int64
}

// TokenVersion is a token version the writer read.
type TokenVersion struct {
	Key     Key
	Version int64
}

// CustomerVersion is a customer version the writer read.
type CustomerVersion struct {
	ID      uuid.UUID
	Version int64
}

// Change is one atomic write.
type Change struct {
	ExpectTokens    []TokenVersion
	ExpectCustomers []CustomerVersion
	// ExpectAbsent lists record ids that must not be stored yet: if one
	// is, ApplyIdentity returns ErrConflict and writes nothing. (The
	// Resolver's new-customer path uses it instead of a separate read.)
	ExpectAbsent []string
	// RefuseErased is a precondition checked atomically with the write
	// by a store that implements EraseStore: if any record in Records
	// has a tombstoned record id (TombstoneRecord) or a tombstoned
	// linking key (TombstoneKey, see KeyTombstoneHash), ApplyIdentity
	// writes nothing and returns an error wrapping ErrErased. A store
	// without tombstones has nothing to refuse. The Resolver sets it on
	// every change it writes, so a record cannot slip in between an
	// erasure's tombstones and its deletion and bring the person back.
	RefuseErased bool
	// Records are upserted; each names its customer.
	Records []StoredRecord
	// Constraints are upserted; DeleteConstraints removed.
	Constraints       []Constraint
	DeleteConstraints []string
	// Events are appended in order.
	Events []Event
}

// EventKind names what an event did.
type EventKind string

// Event kinds.
const (
	EventMerge       EventKind = "merge"        // resolution joined customers
	EventSplit       EventKind = "split"        // resolution separated a customer
	EventManualMerge EventKind = "manual_merge" // an operator merged customers (must-link)
	EventUnmerge     EventKind = "unmerge"      // an operator undid a merge (cannot-link)
	// EventProbableMerge: probabilistic matching joined customers above
	// the configured threshold (a must-link carrying the score).
	EventProbableMerge EventKind = "probable_merge"
)

// Merges reports whether the kind joins customers: a resolution merge, an
// operator's manual merge or a probable merge.
func (k EventKind) Merges() bool {
	return k == EventMerge || k == EventManualMerge || k == EventProbableMerge
}

// Event records one change of customers with its reason.
type Event struct {
	ID   uuid.UUID
	Kind EventKind
	At   time.Time
	// Record is the ingested record that caused it ("" for operator
	// actions).
	Record string
	// Before and After list the customers involved with their record ids,
	// before and after the event; Before is the exact previous state.
	Before []CustomerEntry
	After  []CustomerEntry
	// Reasons are the linking decisions that joined (merge) or separated
	// (split) the customers.
	Reasons []Edge
	// Undoes is the merge an unmerge reverted.
	Undoes uuid.UUID
	// Constraint is the operator constraint an unmerge, manual merge or
	// probable merge recorded.
	Constraint string
}

// Clone returns a deep copy.
func (e Event) Clone() Event {
	e.Before = cloneEntries(e.Before)
	e.After = cloneEntries(e.After)
	e.Reasons = slices.Clone(e.Reasons)
	return e
}

func cloneEntries(es []CustomerEntry) []CustomerEntry {
	out := slices.Clone(es)
	for i := range out {
		out[i].Records = slices.Clone(out[i].Records)
	}
	return out
}

// Survivor returns the customer id that survives a merge: the first After
// entry.
func (e Event) Survivor() uuid.UUID {
	if len(e.After) == 0 {
		return uuid.Nil
	}
	return e.After[0].ID
}

// RecordHeadReader is optionally implemented by a Store that can read
// records without copying their profile fields. The Resolver uses it on
// its matched-record fast path, which looks only at ids, times and
// customers; a Store without it is read with IdentityRecords.
type RecordHeadReader interface {
	// IdentityRecordHeads is IdentityRecords with only ID, Channel, At
	// and CustomerID set on each record (Keys, Evidence, Display, Fields
	// and Constraints left nil).
	IdentityRecordHeads(ctx context.Context, ids []string) ([]StoredRecord, error)
}

// recordHeads reads the heads of the records with the given ids.
func (r *Resolver) recordHeads(ctx context.Context, ids []string) ([]StoredRecord, error) {
	if h, ok := r.store.(RecordHeadReader); ok {
		return h.IdentityRecordHeads(ctx, ids)
	}
	return r.store.IdentityRecords(ctx, ids)
}
