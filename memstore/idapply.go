package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// ApplyIdentity implements identity.Store.
func (s *Store) ApplyIdentity(ctx context.Context, c identity.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.idmu.Lock()
	defer s.idmu.Unlock()
	st := &s.id
	// The scratch is worked on as a local: appending to its slices here
	// needs no write barriers while the collector runs (the read-ahead
	// closures below, which reach it by reference, append to local
	// copies of its slices for the same reason).
	sc := st.scratch
	defer func() {
		sc.release()
		st.scratch = sc
	}()
	// Every key's hash is computed once, in blocks of keys, two blocks
	// ahead of their probes; one block ahead, the rows their home slots
	// name are read. Each step reads a block's memory together, so its
	// cache misses overlap instead of following one another.
	n := len(c.ExpectTokens)
	hashTokens := func(lo int) {
		hi := min(lo+aheadBlock, n)
		if lo >= hi {
			return
		}
		for _, e := range c.ExpectTokens[lo:hi] {
			st.sink += touch(e.Key.Token)
		}
		kinds, hs := sc.kinds, sc.tokHash // appended as locals: no write barriers
		for _, e := range c.ExpectTokens[lo:hi] {
			kind := st.kind(e.Key.Kind, true)
			kinds, hs = append(kinds, kind), append(hs, st.tokens.hash(kind, e.Key.Token))
		}
		sc.kinds, sc.tokHash = kinds, hs
		st.sink += st.tokens.idx.peek(sc.tokHash[lo:hi])
	}
	touchRows := func(lo int) {
		for _, h := range sc.tokHash[min(lo, len(sc.tokHash)):min(lo+aheadBlock, len(sc.tokHash))] {
			if i := st.tokens.idx.homeRow(h); i >= 0 {
				st.sink += uint64(st.tokens.row(i).version)
			}
		}
	}
	hashTokens(0)
	hashTokens(aheadBlock)
	touchRows(0)
	// The rows of the expected tokens are found once and reused when the
	// records link their keys. A row made here for a token not stored yet
	// is an empty list at version 0: the same as no row, even when the
	// change is refused.
	for lo := 0; lo < n; lo += aheadBlock {
		hi := min(lo+aheadBlock, n)
		hashTokens(lo + 2*aheadBlock)
		touchRows(hi)
		for j := lo; j < hi; j++ {
			i := st.tokAtHash(sc.kinds[j], sc.tokHash[j], c.ExpectTokens[j].Key.Token)
			if st.tokens.row(i).version != c.ExpectTokens[j].Version {
				return fmt.Errorf("memstore: identity token version: %w", identity.ErrConflict)
			}
			sc.seen = append(sc.seen, i)
		}
	}
	// The expected customers' rows too are found once (-1 for none) and
	// reused for the records of those customers.
	hashExpCust := func(lo, hi int) {
		hs := sc.expCustHash
		for _, e := range c.ExpectCustomers[lo:hi] {
			hs = append(hs, st.customers.hash(e.ID))
		}
		sc.expCustHash = hs
		st.sink += st.customers.idx.peek(sc.expCustHash[lo:hi])
	}
	n = len(c.ExpectCustomers)
	hashExpCust(0, min(aheadBlock, n))
	for lo := 0; lo < n; lo += aheadBlock {
		hi := min(lo+aheadBlock, n)
		hashExpCust(hi, min(hi+aheadBlock, n))
		for j := lo; j < hi; j++ {
			var v int64
			i, _ := st.customers.findHash(c.ExpectCustomers[j].ID, sc.expCustHash[j])
			if i >= 0 {
				v = st.customers.row(i).version
			}
			if v != c.ExpectCustomers[j].Version {
				return fmt.Errorf("memstore: identity customer version: %w", identity.ErrConflict)
			}
			sc.custSeen = append(sc.custSeen, i)
		}
	}
	hashAbsent := func(lo, hi int) {
		hs := sc.recHash
		for _, id := range c.ExpectAbsent[lo:hi] {
			hs = append(hs, st.records.hash(id))
		}
		sc.recHash = hs
		st.sink += st.records.idx.peek(sc.recHash[lo:hi])
	}
	n = len(c.ExpectAbsent)
	hashAbsent(0, min(aheadBlock, n))
	for lo := 0; lo < n; lo += aheadBlock {
		hi := min(lo+aheadBlock, n)
		hashAbsent(hi, min(hi+aheadBlock, n))
		for j := lo; j < hi; j++ {
			r, slot := st.recFindHash(c.ExpectAbsent[j], sc.recHash[j])
			if r >= 0 {
				return fmt.Errorf("memstore: identity record exists: %w", identity.ErrConflict)
			}
			sc.absentSlot = append(sc.absentSlot, slot)
		}
	}
	absentGrows := st.records.idx.grows
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
	// recFind returns recFind(id), for the next expected-absent id (when
	// the change lists them in the records' order) from its check: the
	// empty slot the check found is still where the id goes while the
	// index has not grown and no insert filled it (inserts fill only
	// empty slots, and ApplyIdentity removes none).
	nextAbsent := 0
	recFind := func(id string) (row int32, h uint64, slot int) {
		if nextAbsent < len(c.ExpectAbsent) && c.ExpectAbsent[nextAbsent] == id {
			nextAbsent++
			h, slot = sc.recHash[nextAbsent-1], sc.absentSlot[nextAbsent-1]
			if x := &st.records.idx; x.grows == absentGrows && slot >= 0 && x.slots[slot] == 0 {
				return -1, h, slot
			}
			row, slot = st.recFindHash(id, h)
			return row, h, slot
		}
		return st.recFind(id)
	}
	// Every list the change touches gets its version incremented once:
	// the touched rows are collected, and bumped at the end.
	var keyBuf, oldBuf [8]int32
	tokTouched, custTouched := sc.tokTouched, sc.custTouched
	// The records' customers are hashed, and the records read, a block
	// ahead too; their fields are taken out of their maps there, sorted
	// by name (so equal records encode equally), their values touched.
	hashCustomers := func(lo, hi int) {
		hs := sc.custHash
		for j := lo; j < hi; j++ {
			hs = append(hs, st.customers.hash(c.Records[j].CustomerID))
		}
		sc.custHash = hs
		st.sink += st.customers.idx.peek(sc.custHash[lo:hi])
		st.sink += st.records.idx.peek(sc.recHash[min(lo, len(sc.recHash)):min(hi, len(sc.recHash))])
		// Each loop's reads are independent, so their misses overlap.
		for j := lo; j < hi; j++ {
			st.sink += touchRecord(&c.Records[j])
		}
		fields, ends := sc.fields, sc.fieldEnd
		start := len(fields)
		for j := lo; j < hi; j++ {
			fields = appendFields(fields, c.Records[j].Fields)
			ends = append(ends, int32(len(fields)))
		}
		for _, f := range fields[start:] {
			st.sink += touch(f.v)
		}
		sc.fields, sc.fieldEnd = fields, ends
	}
	nextCust := 0
	n = len(c.Records)
	if !st.topOK && n > 0 && int(st.records.n)-len(st.records.free) <= 64*n { // its cost spread over the records
		st.findTop()
	}
	hashCustomers(0, min(aheadBlock, n))
	fieldStart := int32(0)
	for j := range c.Records {
		r := &c.Records[j]
		if j%aheadBlock == 0 && j+aheadBlock < n {
			hashCustomers(j+aheadBlock, min(j+2*aheadBlock, n))
		}
		keys := keyBuf[:0]
		for _, k := range r.Keys {
			keys = append(keys, tokenAt(k))
		}
		cust := int32(-1)
		if nextCust < len(c.ExpectCustomers) && c.ExpectCustomers[nextCust].ID == r.CustomerID {
			cust = sc.custSeen[nextCust]
			nextCust++
		}
		if cust < 0 {
			cust = st.customers.atHash(r.CustomerID, sc.custHash[j])
		}
		row, h, slot := recFind(r.ID)
		isNew := row < 0
		if !isNew {
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
		st.recWrite(row, r, keys, sc.fields[fieldStart:sc.fieldEnd[j]], cust)
		if isNew {
			st.raiseTop(row)
		}
		fieldStart = sc.fieldEnd[j]
		for _, t := range keys {
			tokTouched = append(tokTouched, t)
			st.listAdd(st.tokens.list(t), row, isNew)
		}
		custTouched = append(custTouched, cust)
		st.listAdd(st.customers.list(cust), row, isNew)
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

// applyScratch holds ApplyIdentity's working slices, kept between calls
// (under the lock) so a batch of changes does not allocate them anew.
type applyScratch struct {
	kinds                      []int32  // of the expected tokens
	tokHash, recHash, custHash []uint64 // of the expected tokens, expected-absent ids, records' customers
	expCustHash                []uint64 // of the expected customers
	seen, custSeen             []int32  // rows of the expected tokens and customers
	absentSlot                 []int    // the empty slots the expected-absent ids' checks found
	tokTouched, custTouched    []int32
	fields                     []field // the records' fields, sorted by record and name
	fieldEnd                   []int32 // where each record's fields end in fields
}

// release empties the slices, and drops them when a large change made
// them large.
func (sc *applyScratch) release() {
	if cap(sc.tokHash) > 1<<16 || cap(sc.tokTouched) > 1<<17 || cap(sc.fields) > 1<<16 {
		*sc = applyScratch{}
		return
	}
	clear(sc.fields) // no references to the caller's strings are kept
	*sc = applyScratch{sc.kinds[:0], sc.tokHash[:0], sc.recHash[:0], sc.custHash[:0], sc.expCustHash[:0],
		sc.seen[:0], sc.custSeen[:0], sc.absentSlot[:0], sc.tokTouched[:0], sc.custTouched[:0], sc.fields[:0], sc.fieldEnd[:0]}
}

// aheadBlock is how many keys, ids or records ApplyIdentity reads ahead
// of their probes and copies, together.
const aheadBlock = 32

// touchRecord reads the first byte of each of r's strings that
// ApplyIdentity copies, so that their cache misses overlap with the work
// on earlier records instead of stalling the copy.
func touchRecord(r *identity.StoredRecord) uint64 {
	sum := touch(r.ID) + touch(r.Channel) + uint64(len(r.Fields)) // len reads the map's header
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
