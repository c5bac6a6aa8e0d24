package memstore

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// identity state, guarded by Store.idmu. The records and the token and
// customer lists hold no pointers: their bytes are in the arena, lists
// hold record rows (idlists.go, idrecord.go).
type idState struct {
	arena     arena
	records   recTable
	tokens    tokTable
	customers custTable
	kinds     []string         // identifier kinds, interned
	kindAt    map[string]int32 // index of kinds, once there are many
	locs      []*time.Location // record time locations, interned; locs[0] is UTC
	locAt     map[*time.Location]int32
	zoneAt    map[zone]int32 // locations past maxLocs, by zone
	multi     [][]int32      // the rows of lists holding two records or more
	multiFree []int32        // free indexes in multi
	scratch   applyScratch
	top       int32 // while topOK, the row of the greatest record id (-1: no records)
	topOK     bool
	sink      uint64 // keeps ApplyIdentity's slot reads

	constraints map[string]identity.Constraint
	events      []identity.Event
	eventAt     map[uuid.UUID]int
	eventsBy    map[uuid.UUID][]int
	tombstones  map[string]identity.Tombstone // by hash; made on first write
}

func newIDState() idState {
	return idState{
		arena:       newArena(arenaChunk),
		records:     recTable{seed: maphash.MakeSeed()},
		tokens:      tokTable{seed: maphash.MakeSeed()},
		customers:   custTable{seed: maphash.MakeSeed()},
		constraints: map[string]identity.Constraint{},
		eventAt:     map[uuid.UUID]int{},
		eventsBy:    map[uuid.UUID][]int{},
	}
}

// compact moves the live arena bytes into new chunks and drops the old
// ones (zeroed).
func (st *idState) compact() {
	c := st.arena.compactor()
	for i := range st.records.n {
		if x := st.records.row(i); x.live {
			c.move(&x.ent)
		}
	}
	for i := range st.tokens.n {
		if in := &st.tokens.row(i).in; in.n == 0 {
			r := in.ref()
			c.move(&r)
			in.setRef(r)
		}
	}
	c.done()
}

var _ identity.Store = (*Store)(nil)

// IdentityTokens implements identity.Store.
func (s *Store) IdentityTokens(ctx context.Context, keys []identity.Key) ([]identity.TokenEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	st := &s.id
	out := make([]identity.TokenEntry, len(keys))
	var rowBuf [8]int32
	rows := rowBuf[:0] // token rows, -1 for none
	n, size := 0, 0
	for _, k := range keys {
		t := st.tokFind(k)
		rows = append(rows, t)
		if t >= 0 {
			n1, s1 := st.idsSize(st.tokens.list(t))
			n, size = n+n1, size+s1
		}
	}
	// One array holds every entry's ids (each capped, so appending to
	// one cannot overwrite the next), one buffer their bytes.
	ids := make([]string, 0, n)
	buf := make([]byte, 0, size)
	for i, k := range keys {
		out[i].Key = k
		if rows[i] < 0 {
			continue
		}
		l := st.tokens.list(rows[i])
		start := len(ids)
		ids, buf = st.appendIDs(ids, buf, l)
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
	return s.readRecords(ids, (*idState).decodeSize, (*idState).decode), nil
}

// readRecords returns view(row) for each stored record among ids, in
// order (nil when there is none); the records' strings share one new
// buffer of the size that size(row) adds up to.
func (s *Store) readRecords(ids []string, size func(*idState, int32) int,
	view func(*idState, int32, []byte) (identity.StoredRecord, []byte)) []identity.StoredRecord {
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	st := &s.id
	var rowBuf [8]int32
	rows := rowBuf[:0]
	n := 0
	for _, id := range ids {
		if r, _, _ := st.recFind(id); r >= 0 {
			rows = append(rows, r)
			n += size(st, r)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	out := make([]identity.StoredRecord, len(rows))
	buf := make([]byte, 0, n)
	for i, r := range rows {
		out[i], buf = view(st, r, buf)
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
	return s.readRecords(ids, (*idState).headSize, (*idState).head), nil
}

// IdentityCustomers implements identity.Store.
func (s *Store) IdentityCustomers(ctx context.Context, ids []uuid.UUID) ([]identity.CustomerEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.idmu.RLock()
	defer s.idmu.RUnlock()
	st := &s.id
	out := make([]identity.CustomerEntry, len(ids))
	var rowBuf [8]int32
	rows := rowBuf[:0] // customer rows, -1 for none
	n, size := 0, 0
	for _, id := range ids {
		c := st.customers.find(id)
		rows = append(rows, c)
		if c >= 0 {
			n1, s1 := st.idsSize(st.customers.list(c))
			n, size = n+n1, size+s1
		}
	}
	// As in IdentityTokens: one array of ids, one buffer of their bytes.
	all := make([]string, 0, n)
	buf := make([]byte, 0, size)
	for i, id := range ids {
		out[i].ID = id
		if rows[i] < 0 {
			continue
		}
		l := st.customers.list(rows[i])
		start := len(all)
		all, buf = st.appendIDs(all, buf, l)
		if len(all) > start {
			out[i].Records = all[start:len(all):len(all)]
		}
		out[i].Version = l.version
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
	var buf [8]int32
	for _, id := range ids {
		r, _, _ := st.recFind(id)
		if r < 0 {
			continue
		}
		for _, t := range st.keyRows(buf[:0], r) {
			l := st.tokens.list(t)
			st.listRemove(l, r)
			l.version++
		}
		l := st.customers.list(st.records.row(r).cust)
		st.listRemove(l, r)
		l.version++
		st.recDelete(r)
	}
	if st.arena.needsCompaction() {
		st.compact()
	}
	return nil
}
