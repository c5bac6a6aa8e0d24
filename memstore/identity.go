package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// identity state, guarded by Store.idmu.
type idState struct {
	tokens      map[identity.Key]*idList
	records     map[string]identity.StoredRecord
	customers   map[uuid.UUID]*idList
	constraints map[string]identity.Constraint
	events      []identity.Event
	eventAt     map[uuid.UUID]int
	eventsBy    map[uuid.UUID][]int
	tombstones  map[string]identity.Tombstone // by hash; made on first write
	gen         uint64                        // ApplyIdentity's generation, for idList.mark
}

// idList is a sorted list of record ids with a version.
type idList struct {
	ids     []string
	version int64
	mark    uint64 // the last ApplyIdentity generation that touched the list
}

// idListOne is an idList with room for its first id in the same
// allocation: most tokens and customers hold one record.
type idListOne struct {
	l   idList
	one [1]string
}

// newIDList returns an empty list whose first add does not allocate.
func newIDList() *idList {
	n := &idListOne{}
	n.l.ids = n.one[:0]
	return &n.l
}

// add and remove change the list; ApplyIdentity increments the version
// of every list a change touches, once.
func (l *idList) add(id string) {
	if i, found := slices.BinarySearch(l.ids, id); !found {
		l.ids = slices.Insert(l.ids, i, id)
	}
}

func (l *idList) remove(id string) {
	if i, found := slices.BinarySearch(l.ids, id); found {
		l.ids = slices.Delete(l.ids, i, i+1)
	}
}

// snapshot copies the list's ids and version; a nil list is empty at
// version 0.
func (l *idList) snapshot() ([]string, int64) {
	if l == nil {
		return nil, 0
	}
	return slices.Clone(l.ids), l.version
}

func newIDState() idState {
	return idState{
		tokens:      map[identity.Key]*idList{},
		records:     map[string]identity.StoredRecord{},
		customers:   map[uuid.UUID]*idList{},
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
	for i, k := range keys {
		out[i].Key = k
		out[i].Records, out[i].Version = s.id.tokens[k].snapshot()
	}
	return out, nil
}

// IdentityRecords implements identity.Store.
func (s *Store) IdentityRecords(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.readRecords(ids, identity.StoredRecord.Clone), nil
}

// readRecords returns view(r) for each stored record among ids, in order.
func (s *Store) readRecords(ids []string, view func(identity.StoredRecord) identity.StoredRecord) []identity.StoredRecord {
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	out := make([]identity.StoredRecord, 0, len(ids))
	for _, id := range ids {
		if r, ok := s.id.records[id]; ok {
			out = append(out, view(r))
		}
	}
	return out
}

var _ identity.RecordHeadReader = (*Store)(nil)

// IdentityRecordHeads implements identity.RecordHeadReader: the records'
// ids, channels, times and customers, nothing to deep-copy.
func (s *Store) IdentityRecordHeads(ctx context.Context, ids []string) ([]identity.StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.readRecords(ids, func(r identity.StoredRecord) identity.StoredRecord {
		return identity.StoredRecord{ID: r.ID, Channel: r.Channel, At: r.At, CustomerID: r.CustomerID}
	}), nil
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
		out[i].Records, out[i].Version = s.id.customers[id].snapshot()
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
	s.idmu.Lock()
	defer s.idmu.Unlock()
	st := &s.id
	for _, e := range c.ExpectTokens {
		var v int64
		if l := st.tokens[e.Key]; l != nil {
			v = l.version
		}
		if v != e.Version {
			return fmt.Errorf("memstore: identity token version: %w", identity.ErrConflict)
		}
	}
	for _, e := range c.ExpectCustomers {
		var v int64
		if l := st.customers[e.ID]; l != nil {
			v = l.version
		}
		if v != e.Version {
			return fmt.Errorf("memstore: identity customer version: %w", identity.ErrConflict)
		}
	}
	// Each list touched is collected once, marked with this change's
	// generation (cheaper than a set map; the write lock is held).
	st.gen++
	var touchedBuf [16]*idList
	touched := touchedBuf[:0]
	touch := func(l *idList) {
		if l.mark != st.gen {
			l.mark = st.gen
			touched = append(touched, l)
		}
	}
	list := func(m map[identity.Key]*idList, k identity.Key) *idList {
		l := m[k]
		if l == nil {
			l = newIDList()
			m[k] = l
		}
		touch(l)
		return l
	}
	cust := func(id uuid.UUID) *idList {
		l := st.customers[id]
		if l == nil {
			l = newIDList()
			st.customers[id] = l
		}
		touch(l)
		return l
	}
	for _, r := range c.Records {
		old, existed := st.records[r.ID]
		if existed {
			for _, k := range old.Keys {
				l := list(st.tokens, k)
				if !slices.Contains(r.Keys, k) {
					l.remove(r.ID)
				}
			}
			l := cust(old.CustomerID)
			if old.CustomerID != r.CustomerID {
				l.remove(r.ID)
			}
		}
		for _, k := range r.Keys {
			list(st.tokens, k).add(r.ID)
		}
		cust(r.CustomerID).add(r.ID)
		st.records[r.ID] = r.Clone()
	}
	for _, l := range touched {
		l.version++
	}
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
		r, ok := st.records[id]
		if !ok {
			continue
		}
		for _, k := range r.Keys {
			if l := st.tokens[k]; l != nil {
				l.remove(id)
				l.version++
			}
		}
		if l := st.customers[r.CustomerID]; l != nil {
			l.remove(id)
			l.version++
		}
		delete(st.records, id)
	}
	return nil
}
