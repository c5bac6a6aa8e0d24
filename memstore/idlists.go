package memstore

import (
	"bytes"
	"hash/maphash"
	"slices"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// idList is the list of records holding a token or belonging to a
// customer, with its version: record ROW numbers (recTable) kept in
// ascending order of the records' ids. One record lives inline (most
// tokens and customers hold one); more are a slice in idState.multi.
type idList struct {
	version int64
	n       int32
	one     int32  // the record row when n == 1; the index in multi when n >= 2
	stamp   uint32 // the bump that last incremented the version
}

// Rows per slab chunk.
const (
	rowShift = 10
	rowChunk = 1 << rowShift
)

// slab is a table of rows in fixed-size chunks, so adding one never
// copies the others (a million-row table grows without doubling).
type slab[T any] struct {
	rows [][]T
	n    int32
}

// row returns row i.
func (s *slab[T]) row(i int32) *T { return &s.rows[i>>rowShift][i&(rowChunk-1)] }

// add appends a zero row and returns its number.
func (s *slab[T]) add() int32 {
	i := s.n
	if i&(rowChunk-1) == 0 {
		s.rows = append(s.rows, make([]T, rowChunk))
	}
	s.n++
	return i
}

// tokRow is a token's list: its kind (index in idState.kinds) and token
// (inline, else its bytes in the arena; kept as long as the row: a
// version outlives its records).
type tokRow struct {
	kind int32
	in   inlineTok // the token, or its arena reference
	idList
}

// custRow is a customer's list.
type custRow struct {
	id uuid.UUID
	idList
}

// tokTable and custTable hold the lists by key. Rows are never removed.
type tokTable struct {
	seed  maphash.Seed
	idx   hashIdx
	stamp uint32 // numbers the calls of bump
	mask  uint64 // when not zero, keeps only these hash bits: tests force collisions
	slab[tokRow]
}

type custTable struct {
	seed  maphash.Seed
	idx   hashIdx
	stamp uint32
	mask  uint64
	slab[custRow]
}

// kind returns k's index in st.kinds, adding it when add is set; -1 when
// it is not there.
func (st *idState) kind(k identity.Kind, add bool) int32 {
	if st.kindAt == nil {
		for i, x := range st.kinds {
			if x == string(k) {
				return int32(i)
			}
		}
	} else if i, ok := st.kindAt[string(k)]; ok {
		return i
	}
	if !add {
		return -1
	}
	i := int32(len(st.kinds))
	st.kinds = append(st.kinds, string(k)) // strings are immutable: no copy needed
	if len(st.kinds) > 8 && st.kindAt == nil {
		st.kindAt = make(map[string]int32, 16)
		for j, x := range st.kinds {
			st.kindAt[x] = int32(j)
		}
	} else if st.kindAt != nil {
		st.kindAt[string(k)] = i
	}
	return i
}

func (t *tokTable) hash(kind int32, token string) uint64 {
	h := maphash.String(t.seed, token) + uint64(kind)*0x9e3779b97f4a7c15
	if t.mask != 0 {
		h &= t.mask
	}
	return h
}

// tokFind returns the row of k, or -1.
func (st *idState) tokFind(k identity.Key) int32 {
	kind := st.kind(k.Kind, false)
	if kind < 0 {
		return -1
	}
	in := inlineForm(k.Token)
	i, _ := st.tokens.idx.find(st.tokens.hash(kind, k.Token), st.tokEq(kind, k.Token, &in))
	return i
}

// tokEq returns the test that token row i holds the kind and token
// whose inline form is in.
func (st *idState) tokEq(kind int32, token string, in *inlineTok) func(int32) bool {
	return func(i int32) bool {
		r := st.tokens.row(i)
		if r.kind != kind || r.in.n != in.n {
			return false
		}
		if in.n != 0 {
			return r.in.b == in.b
		}
		return string(st.arena.bytes(r.in.ref())) == token
	}
}

// tokAt returns the row of k, adding an empty list when there is none.
func (st *idState) tokAt(k identity.Key) int32 {
	kind := st.kind(k.Kind, true)
	return st.tokAtHash(kind, st.tokens.hash(kind, k.Token), k.Token)
}

// tokAtHash is tokAt with the kind's index and the hash already known.
func (st *idState) tokAtHash(kind int32, h uint64, token string) int32 {
	in := inlineForm(token)
	i, slot := st.tokens.idx.find(h, st.tokEq(kind, token, &in))
	if i >= 0 {
		return i
	}
	i = st.tokens.add()
	r := st.tokens.row(i)
	*r = tokRow{kind: kind, in: in}
	if in.n == 0 {
		r.in.setRef(st.arena.put(token))
	}
	st.tokens.idx.insert(h, i, slot)
	return i
}

func (t *custTable) hash(id uuid.UUID) uint64 {
	h := maphash.Comparable(t.seed, id)
	if t.mask != 0 {
		h &= t.mask
	}
	return h
}

// custFind returns the row of the customer, or -1.
func (t *custTable) find(id uuid.UUID) int32 {
	i, _ := t.findHash(id, t.hash(id))
	return i
}

// findHash returns the row of the customer whose id hashes to h (-1 when
// there is none) and its slot, or the empty slot where it would go.
func (t *custTable) findHash(id uuid.UUID, h uint64) (row int32, slot int) {
	return t.idx.find(h, func(i int32) bool { return t.row(i).id == id })
}

// at returns the row of the customer, adding an empty list when there is
// none.
func (t *custTable) at(id uuid.UUID) int32 { return t.atHash(id, t.hash(id)) }

// atHash is at with the id's hash already known.
func (t *custTable) atHash(id uuid.UUID, h uint64) int32 {
	i, slot := t.findHash(id, h)
	if i >= 0 {
		return i
	}
	i = t.add()
	t.row(i).id = id
	t.idx.insert(h, i, slot)
	return i
}

// bump increments the version of every list listed, once each however
// often it is listed. Each call stamps the lists it increments with a new
// number (*stamp), so repeats are found without a set.
func bump(stamp *uint32, n int32, list func(int32) *idList, rows []int32) {
	*stamp++
	if *stamp == 0 { // wrapped: no row may look stamped by this call
		for i := range n {
			list(i).stamp = 0
		}
		*stamp = 1
	}
	for _, i := range rows {
		if l := list(i); l.stamp != *stamp {
			l.stamp = *stamp
			l.version++
		}
	}
}

func (t *tokTable) list(i int32) *idList  { return &t.row(i).idList }
func (t *custTable) list(i int32) *idList { return &t.row(i).idList }

// appendRows appends l's record rows to dst.
func (st *idState) appendRows(dst []int32, l *idList) []int32 {
	switch l.n {
	case 0:
		return dst
	case 1:
		return append(dst, l.one)
	}
	return append(dst, st.multi[l.one]...)
}

// cmpID orders record row r against the id.
func (st *idState) cmpID(r int32, id []byte) int { return bytes.Compare(st.recID(r), id) }

// listAdd adds record row r to l; fresh says that r is in no list (a
// new record).
func (st *idState) listAdd(l *idList, r int32, fresh bool) {
	switch l.n {
	case 0:
		l.one, l.n = r, 1
		return
	case 1:
		if l.one == r {
			return
		}
		a, b := l.one, r
		if !st.isTop(b) && st.cmpID(a, st.recID(b)) > 0 {
			a, b = b, a
		}
		s := []int32{a, b}
		if n := len(st.multiFree); n > 0 {
			l.one, st.multiFree = st.multiFree[n-1], st.multiFree[:n-1]
			st.multi[l.one] = s
		} else {
			l.one = int32(len(st.multi))
			st.multi = append(st.multi, s)
		}
		l.n = 2
		return
	}
	if fresh && st.isTop(r) { // the usual case: ids come ascending
		st.multi[l.one] = append(st.multi[l.one], r)
		l.n++
		return
	}
	s := st.multi[l.one]
	id := st.recID(r)
	if last := s[len(s)-1]; last != r && st.cmpID(last, id) < 0 {
		st.multi[l.one] = append(s, r)
		l.n++
		return
	}
	if i, found := slices.BinarySearchFunc(s, id, st.cmpID); !found {
		st.multi[l.one] = slices.Insert(s, i, r)
		l.n++
	}
}

// listRemove removes record row r from l.
func (st *idState) listRemove(l *idList, r int32) {
	switch l.n {
	case 0:
		return
	case 1:
		if l.one == r {
			l.one, l.n = 0, 0
		}
		return
	}
	s := st.multi[l.one]
	i, found := slices.BinarySearchFunc(s, st.recID(r), st.cmpID)
	if !found || s[i] != r {
		return
	}
	s = slices.Delete(s, i, i+1)
	l.n--
	if l.n > 1 {
		st.multi[l.one] = s
		return
	}
	st.multi[l.one] = nil
	st.multiFree = append(st.multiFree, l.one)
	l.one = s[0]
}

// idsSize returns the number of l's records and the length of their ids.
func (st *idState) idsSize(l *idList) (n, size int) {
	var rowBuf [1]int32
	for _, r := range st.appendRows(rowBuf[:0], l) {
		size += len(st.recID(r))
	}
	return int(l.n), size
}

// appendIDs appends the ids of l's records to dst, as strings whose bytes
// are appended to buf (copies: they never alias the arena). A buf of
// enough capacity (idsSize) is never reallocated.
func (st *idState) appendIDs(dst []string, buf []byte, l *idList) ([]string, []byte) {
	var rowBuf [1]int32
	for _, r := range st.appendRows(rowBuf[:0], l) {
		start := len(buf)
		buf = append(buf, st.recID(r)...)
		dst = append(dst, unsafeString(buf[start:]))
	}
	return dst, buf
}
