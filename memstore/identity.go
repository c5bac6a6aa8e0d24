package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// identity state, guarded by Store.idmu. Lists are stored by value and
// records in their compact form (idrecord.go).
type idState struct {
	tokens      lists[identity.Key]
	records     recTable
	customers   lists[uuid.UUID]
	constraints map[string]identity.Constraint
	events      []identity.Event
	eventAt     map[uuid.UUID]int
	eventsBy    map[uuid.UUID][]int
	tombstones  map[string]identity.Tombstone // by hash; made on first write
}

func newIDState() idState {
	return idState{
		tokens:      newLists[identity.Key](),
		records:     newRecTable(),
		customers:   newLists[uuid.UUID](),
		constraints: map[string]identity.Constraint{},
		eventAt:     map[uuid.UUID]int{},
		eventsBy:    map[uuid.UUID][]int{},
	}
}

var _ identity.Store = (*Store)(nil)

// IdentityTokens implements identity.Store.
func (s *Store) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	out := make([]identity.TokenEntry, len(keys))
	var rowBuf [8]*idList
	rows := rowBuf[:0]
	n := 0
	for _, k := range keys {
		l := s.id.tokens.get(k)
		rows = append(rows, l)
		if l != nil {
			n += int(l.n)
		}
	}
	// One array holds every entry's ids (each capped, so appending to
	// one cannot overwrite the next).
	ids := make([]string, 0, n)
	for i, k := range keys {
		out[i].Key = k
		l := rows[i]
		if l == nil {
			continue
		}
		start := len(ids)
		ids = l.appendIDs(ids)
		if len(ids) > start {
			out[i].Records = ids[start:len(ids):len(ids)]
		}
		out[i].Version = l.version
	}
	return out, nil
}

// IdentityRecords implements identity.Store.
func (s *Store) IdentityRecords(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.readRecords(ids, (*idRec).decode), nil
}

// readRecords returns view(r) for each stored record among ids, in order;
// nil when there is none.
func (s *Store) readRecords(ids []string, view func(*idRec) identity.StoredRecord) []identity.StoredRecord {
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	var out []identity.StoredRecord
	for _, id := range ids {
		if r := s.id.records.get(id); r != nil {
			if out == nil {
				out = make([]identity.StoredRecord, 0, len(ids))
			}
			out = append(out, view(r))
		}
	}
	return out
}

var _ identity.RecordHeadReader = (*Store)(nil)

// IdentityRecordHeads implements identity.RecordHeadReader: the records'
// ids, channels, times and customers, nothing to decode.
func (s *Store) IdentityRecordHeads(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.readRecords(ids, (*idRec).head), nil
}

// IdentityCustomers implements identity.Store.
func (s *Store) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	out := make([]identity.CustomerEntry, len(ids))
	for i, id := range ids {
		out[i].ID = id
		out[i].Records, out[i].Version = s.id.customers.get(id).snapshot()
	}
	return out, nil
}

// IdentityConstraints implements identity.Store.
func (s *Store) IdentityConstraints(ctx context.Context, ids []string) ([]identity.Constraint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	var out []identity.Constraint
	for _, id := range ids {
		if c, ok := s.id.constraints[id]; ok {
			out = append(out, c.Clone())
		}
	}
	return out, nil
}

// ApplyIdentity implements identity.Store.
func (s *Store) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The records are encoded before the lock is taken.
	var encBuf [1]idRec
	enc := encBuf[:0]
	for _, r := range c.Records {
		enc = append(enc, encodeRecord(r))
	}
	s.idmu.Lock()
	defer s.idmu.Unlock()
	st := &s.id
	// The rows of the expected tokens are found once and reused when the
	// records link their keys. A row made here for a token not stored yet
	// is an empty list at version 0: the same as no row, even when the
	// change is refused.
	var seenBuf [16]tokenRow
	seen := seenBuf[:0]
	for _, e := range c.ExpectTokens {
		i := st.tokens.at(e.Key)
		if st.tokens.row(i).version != e.Version {
			return fmt.Errorf("memstore: identity token version: %w", identity.ErrConflict)
		}
		seen = append(seen, tokenRow{e.Key, i})
	}
	// A large change (a batch import) finds its rows through a map; a
	// small one scans.
	var seenAt map[identity.Key]int32
	if len(seen) > 16 {
		seenAt = make(map[identity.Key]int32, len(seen))
		for _, x := range seen {
			seenAt[x.key] = x.row
		}
	}
	tokenAt := func(k identity.Key) int32 {
		if seenAt != nil {
			if i, ok := seenAt[k]; ok {
				return i
			}
			return st.tokens.at(k)
		}
		for _, x := range seen {
			if x.key == k {
				return x.row
			}
		}
		return st.tokens.at(k)
	}
	for _, e := range c.ExpectCustomers {
		if st.customers.version(e.ID) != e.Version {
			return fmt.Errorf("memstore: identity customer version: %w", identity.ErrConflict)
		}
	}
	for _, id := range c.ExpectAbsent {
		if st.records.get(id) != nil {
			return fmt.Errorf("memstore: identity record exists: %w", identity.ErrConflict)
		}
	}
	absent := func(id string) bool { return slices.Contains(c.ExpectAbsent, id) }
	if len(c.ExpectAbsent) > 16 {
		set := make(map[string]struct{}, len(c.ExpectAbsent))
		for _, id := range c.ExpectAbsent {
			set[id] = struct{}{}
		}
		absent = func(id string) bool { _, ok := set[id]; return ok }
	}
	if c.RefuseErased && len(st.tombstones) > 0 { // no hashing until something is erased
		if err := refuseErased(st.tombstones, c.Records); err != nil {
			return err
		}
	}
	// Every list the change touches gets its version incremented once:
	// the touched rows are collected, deduplicated, and bumped at the end.
	var tokBuf [16]int32
	var custBuf [8]int32
	tokTouched, custTouched := tokBuf[:0], custBuf[:0]
	for j, r := range c.Records {
		nr := enc[j]
		// A record ExpectAbsent just proved absent is not looked up again.
		var old *idRec
		if !absent(r.ID) {
			old = st.records.get(r.ID)
		}
		if old != nil {
			old.linkKeys(func(k identity.Key) {
				i := tokenAt(k)
				tokTouched = append(tokTouched, i)
				if !nr.hasLinkKey(k) {
					st.tokens.row(i).remove(r.ID)
					st.tokens.row(i).detach()
				}
			})
			i := st.customers.at(old.customer)
			custTouched = append(custTouched, i)
			if old.customer != r.CustomerID {
				st.customers.row(i).remove(r.ID)
			}
		}
		// Index under the keys as stored in the blob, so the map keys
		// share its memory rather than the caller's.
		nr.linkKeys(func(k identity.Key) {
			i := tokenAt(k)
			tokTouched = append(tokTouched, i)
			row := st.tokens.row(i)
			row.key = k // the newest blob, not the caller's copy or an old one
			row.add(nr.id)
		})
		i := st.customers.at(r.CustomerID)
		custTouched = append(custTouched, i)
		st.customers.row(i).add(nr.id)
		st.records.put(nr)
	}
	st.tokens.bump(tokTouched)
	st.customers.bump(custTouched)
	for _, id := range c.DeleteConstraints {
		delete(st.constraints, id)
	}
	for _, k := range c.Constraints {
		st.constraints[k.ID] = k.Clone()
	}
	for _, e := range c.Events {
		n := len(st.events)
		st.events = append(st.events, e.Clone())
		st.eventAt[e.ID] = n
		var named []uuid.UUID
		for _, ce := range append(slices.Clone(e.Before), e.After...) {
			if !slices.Contains(named, ce.ID) {
				named = append(named, ce.ID)
				st.eventsBy[ce.ID] = append(st.eventsBy[ce.ID], n)
			}
		}
	}
	return nil
}

// IdentityEvent implements identity.Store.
func (s *Store) IdentityEvent(ctx context.Context, id uuid.UUID) (identity.Event, error) {
	if err := ctx.Err(); err != nil {
		return identity.Event{}, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	n, ok := s.id.eventAt[id]
	if !ok {
		return identity.Event{}, fmt.Errorf("memstore: identity event: %w", identity.ErrNotFound)
	}
	return s.id.events[n].Clone(), nil
}

// IdentityEvents implements identity.Store.
func (s *Store) IdentityEvents(ctx context.Context, customerID uuid.UUID) ([]identity.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	var out []identity.Event
	for _, n := range s.id.eventsBy[customerID] {
		out = append(out, s.id.events[n].Clone())
	}
	return out, nil
}

var _ identity.EraseStore = (*Store)(nil)

// PutTombstones implements identity.EraseStore.
func (s *Store) PutTombstones(ctx context.Context, ts []identity.Tombstone) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.idmu.Lock()
	defer s.idmu.Unlock()
	if s.id.tombstones == nil {
		s.id.tombstones = map[string]identity.Tombstone{}
	}
	for _, t := range ts {
		if _, ok := s.id.tombstones[t.Hash]; !ok {
			s.id.tombstones[t.Hash] = t
		}
	}
	return nil
}

// Tombstones implements identity.EraseStore.
func (s *Store) Tombstones(ctx context.Context, hashes []string) ([]identity.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	var out []identity.Tombstone
	for _, h := range hashes {
		if t, ok := s.id.tombstones[h]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// CustomerTombstones implements identity.EraseStore.
func (s *Store) CustomerTombstones(ctx context.Context, customer uuid.UUID) ([]identity.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	var out []identity.Tombstone
	for _, t := range s.id.tombstones {
		if t.Customer == customer {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b identity.Tombstone) int { return strings.Compare(a.Hash, b.Hash) })
	return out, nil
}

// DeleteIdentityRecords implements identity.EraseStore.
func (s *Store) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.idmu.Lock()
	defer s.idmu.Unlock()
	st := &s.id
	for _, id := range ids {
		r := st.records.get(id)
		if r == nil {
			continue
		}
		r.linkKeys(func(k identity.Key) {
			if i, _, _ := st.tokens.find(k); i >= 0 {
				l := st.tokens.row(i)
				l.remove(id)
				l.version++
				l.detach()
			}
		})
		if l := st.customers.get(r.customer); l != nil {
			l.remove(id)
			l.version++
		}
		st.records.remove(id)
	}
	return nil
}

// tokenRow is a token and its row in the token table.
type tokenRow struct {
	key identity.Key
	row int32
}
