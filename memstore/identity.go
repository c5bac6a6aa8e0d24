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
		c.move(&st.tokens.row(i).tok)
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

// ApplyIdentity implements identity.Store.
func (s *Store) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.idmu.Lock()
	defer s.idmu.Unlock()
	st := &s.id
	sc := &st.scratch
	defer sc.release()
	// Every key's hash is computed once, and the home slots of a block
	// of keys are read together, one block ahead of their probes: the
	// slots' cache misses overlap instead of following one another.
	hashTokens := func(lo, hi int) {
		for _, e := range c.ExpectTokens[lo:hi] {
			kind := st.kind(e.Key.Kind, true)
			sc.kinds, sc.tokHash = append(sc.kinds, kind), append(sc.tokHash, st.tokens.hash(kind, e.Key.Token))
		}
		st.sink += st.tokens.idx.peek(sc.tokHash[lo:hi])
	}
	n := len(c.ExpectTokens)
	hashTokens(0, min(aheadBlock, n))
	// The rows of the expected tokens are found once and reused when the
	// records link their keys. A row made here for a token not stored yet
	// is an empty list at version 0: the same as no row, even when the
	// change is refused.
	for lo := 0; lo < n; lo += aheadBlock {
		hi := min(lo+aheadBlock, n)
		hashTokens(hi, min(hi+aheadBlock, n))
		for j := lo; j < hi; j++ {
			i := st.tokAtHash(sc.kinds[j], sc.tokHash[j], c.ExpectTokens[j].Key.Token)
			if st.tokens.row(i).version != c.ExpectTokens[j].Version {
				return fmt.Errorf("memstore: identity token version: %w", identity.ErrConflict)
			}
			sc.seen = append(sc.seen, i)
		}
	}
	for _, e := range c.ExpectCustomers {
		var v int64
		if i := st.customers.find(e.ID); i >= 0 {
			v = st.customers.row(i).version
		}
		if v != e.Version {
			return fmt.Errorf("memstore: identity customer version: %w", identity.ErrConflict)
		}
	}
	hashAbsent := func(lo, hi int) {
		for _, id := range c.ExpectAbsent[lo:hi] {
			sc.recHash = append(sc.recHash, st.records.hash(id))
		}
		st.sink += st.records.idx.peek(sc.recHash[lo:hi])
	}
	n = len(c.ExpectAbsent)
	hashAbsent(0, min(aheadBlock, n))
	for lo := 0; lo < n; lo += aheadBlock {
		hi := min(lo+aheadBlock, n)
		hashAbsent(hi, min(hi+aheadBlock, n))
		for j := lo; j < hi; j++ {
			if r, _ := st.recFindHash(c.ExpectAbsent[j], sc.recHash[j]); r >= 0 {
				return fmt.Errorf("memstore: identity record exists: %w", identity.ErrConflict)
			}
		}
	}
	if c.RefuseErased && len(st.tombstones) > 0 { // no hashing until something is erased
		if err := refuseErased(st.tombstones, c.Records); err != nil {
			return err
		}
	}
	// tokenAt returns the row of a record's key: the next expected token
	// when the change lists them in the records' order (as the resolver
	// does), else found again.
	seen, next := sc.seen, 0
	tokenAt := func(k identity.Key) int32 {
		if next < len(seen) && c.ExpectTokens[next].Key == k {
			next++
			return seen[next-1]
		}
		if len(seen) <= 16 {
			for j, e := range c.ExpectTokens {
				if e.Key == k {
					return seen[j]
				}
			}
		}
		return st.tokAt(k)
	}
	// recHash returns a record id's hash: the next expected-absent one's
	// when the change lists them in the records' order.
	nextAbsent := 0
	recHash := func(id string) uint64 {
		if nextAbsent < len(c.ExpectAbsent) && c.ExpectAbsent[nextAbsent] == id {
			nextAbsent++
			return sc.recHash[nextAbsent-1]
		}
		return st.records.hash(id)
	}
	// Every list the change touches gets its version incremented once:
	// the touched rows are collected, and bumped at the end.
	var keyBuf, oldBuf [8]int32
	tokTouched, custTouched := sc.tokTouched, sc.custTouched
	// The records' customers are hashed, and the records read, a block
	// ahead too.
	hashCustomers := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			sc.custHash = append(sc.custHash, st.customers.hash(c.Records[j].CustomerID))
		}
		st.sink += st.customers.idx.peek(sc.custHash[lo:hi])
		st.sink += st.records.idx.peek(sc.recHash[min(lo, len(sc.recHash)):min(hi, len(sc.recHash))])
		for j := lo; j < hi; j++ {
			st.sink += touchRecord(&c.Records[j])
		}
	}
	n = len(c.Records)
	hashCustomers(0, min(aheadBlock, n))
	for j := range c.Records {
		r := &c.Records[j]
		if j%aheadBlock == 0 && j+aheadBlock < n {
			hashCustomers(j+aheadBlock, min(j+2*aheadBlock, n))
		}
		keys := keyBuf[:0]
		for _, k := range r.Keys {
			keys = append(keys, tokenAt(k))
		}
		cust := st.customers.atHash(r.CustomerID, sc.custHash[j])
		h := recHash(r.ID)
		row, slot := st.recFindHash(r.ID, h)
		if row >= 0 {
			old := st.records.row(row)
			for _, t := range st.keyRows(oldBuf[:0], row) {
				tokTouched = append(tokTouched, t)
				if !slices.Contains(keys, t) {
					st.listRemove(st.tokens.list(t), row)
				}
			}
			custTouched = append(custTouched, old.cust)
			if old.cust != cust {
				st.listRemove(st.customers.list(old.cust), row)
			}
			st.arena.free(old.ent) // zeroed: the old values are gone
		} else {
			row = st.recNew(h, slot)
		}
		st.recWrite(row, r, keys, cust)
		for _, t := range keys {
			tokTouched = append(tokTouched, t)
			st.listAdd(st.tokens.list(t), row)
		}
		custTouched = append(custTouched, cust)
		st.listAdd(st.customers.list(cust), row)
	}
	sc.tokTouched, sc.custTouched = tokTouched, custTouched
	bump(&st.tokens.stamp, st.tokens.n, st.tokens.list, tokTouched)
	bump(&st.customers.stamp, st.customers.n, st.customers.list, custTouched)
	if st.arena.needsCompaction() {
		st.compact()
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

// applyScratch holds ApplyIdentity's working slices, kept between calls
// (under the lock) so a batch of changes does not allocate them anew.
type applyScratch struct {
	kinds                         []int32  // of the expected tokens
	tokHash, recHash, custHash    []uint64 // of the expected tokens, expected-absent ids, records' customers
	seen, tokTouched, custTouched []int32
}

// release empties the slices, and drops them when a large change made
// them large.
func (sc *applyScratch) release() {
	if cap(sc.tokHash) > 1<<16 || cap(sc.tokTouched) > 1<<17 {
		*sc = applyScratch{}
		return
	}
	*sc = applyScratch{sc.kinds[:0], sc.tokHash[:0], sc.recHash[:0], sc.custHash[:0], sc.seen[:0], sc.tokTouched[:0], sc.custTouched[:0]}
}

// aheadBlock is how many keys, ids or records ApplyIdentity reads ahead
// of their probes and copies, together.
const aheadBlock = 16

// touchRecord reads the first byte of each of r's strings that
// ApplyIdentity copies, so that their cache misses overlap with the work
// on earlier records instead of stalling the copy.
func touchRecord(r *identity.StoredRecord) uint64 {
	sum := touch(r.ID) + touch(r.Channel)
	if _, ok := r.Fields[""]; ok { // a look-up reads the map's header and first slots
		sum++
	}
	for _, k := range r.Evidence {
		sum += touch(k.Token)
	}
	for _, d := range r.Display {
		sum += touch(d)
	}
	return sum
}

// touch returns the first byte of s (0 when empty).
func touch(s string) uint64 {
	if s == "" {
		return 0
	}
	return uint64(s[0])
}
