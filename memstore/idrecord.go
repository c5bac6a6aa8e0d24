package memstore

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// idRec is a stored identity record in a compact form: the fields the
// resolver's fast paths read (id, channel, time, customer) inline, and
// everything else (keys, evidence, display values, profile fields,
// constraints) encoded in one immutable string. A million records are
// then a few million heap objects fewer for the garbage collector to
// trace, and a write costs one allocation instead of a deep copy.
type idRec struct {
	id       string
	channel  string
	at       time.Time
	customer uuid.UUID
	blob     string
}

// blob flags: which slices and maps were non-nil (so a round trip keeps
// nil and empty apart).
const (
	hasKeys = 1 << iota
	hasEvidence
	hasDisplay
	hasFields
	hasConstraints
)

// encodeRecord returns the compact form of r.
func encodeRecord(r identity.StoredRecord) idRec {
	var flags byte
	for i, nonNil := range [5]bool{r.Keys != nil, r.Evidence != nil, r.Display != nil, r.Fields != nil, r.Constraints != nil} {
		if nonNil {
			flags |= 1 << i
		}
	}
	// Fields sorted by name, so equal records encode equally.
	var fb [8]field
	fields := fb[:0]
	for k, v := range r.Fields {
		fields = append(fields, field{k, v})
	}
	if len(fields) > 1 {
		slices.SortFunc(fields, func(a, b field) int { return strings.Compare(a.k, b.k) })
	}
	counts := [5]int{len(r.Keys), len(r.Evidence), len(r.Display), len(fields), len(r.Constraints)}
	// Two passes: the exact size, then the bytes, written once into the
	// memory the string keeps.
	n := 1
	for _, c := range counts {
		n += uvarintLen(c)
	}
	for _, ks := range [2][]identity.Key{r.Keys, r.Evidence} {
		for _, k := range ks {
			n += strLen(string(k.Kind)) + strLen(k.Token)
		}
	}
	for _, s := range r.Display {
		n += strLen(s)
	}
	for _, f := range fields {
		n += strLen(f.k) + strLen(f.v)
	}
	for _, s := range r.Constraints {
		n += strLen(s)
	}
	b := make([]byte, 0, n)
	b = append(b, flags)
	for _, c := range counts {
		b = binary.AppendUvarint(b, uint64(c))
	}
	for _, ks := range [2][]identity.Key{r.Keys, r.Evidence} {
		for _, k := range ks {
			b = appendStr(appendStr(b, string(k.Kind)), k.Token)
		}
	}
	for _, s := range r.Display {
		b = appendStr(b, s)
	}
	for _, f := range fields {
		b = appendStr(appendStr(b, f.k), f.v)
	}
	for _, s := range r.Constraints {
		b = appendStr(b, s)
	}
	// b is never written again, so the string may share its memory.
	return idRec{id: r.ID, channel: r.Channel, at: r.At, customer: r.CustomerID, blob: unsafe.String(unsafe.SliceData(b), len(b))}
}

type field struct{ k, v string }

func strLen(s string) int { return uvarintLen(len(s)) + len(s) }

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// uvarintLen is the length of x's uvarint encoding.
func uvarintLen(x int) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// blobReader reads the encoded part of an idRec; the strings it returns
// share the blob's memory (it is immutable).
type blobReader struct {
	s   string
	off int
}

func (br *blobReader) uvarint() int {
	var x uint64
	var shift uint
	for {
		c := br.s[br.off]
		br.off++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int(x)
		}
		shift += 7
	}
}

func (br *blobReader) str() string {
	n := br.uvarint()
	s := br.s[br.off : br.off+n]
	br.off += n
	return s
}

// header reads the flags and the five counts.
func (br *blobReader) header() (flags byte, nk, ne, nd, nf, nc int) {
	flags = br.s[0]
	br.off = 1
	return flags, br.uvarint(), br.uvarint(), br.uvarint(), br.uvarint(), br.uvarint()
}

// keys returns the record's keys (linking keys, then evidence) in one
// array, and how many of them are linking keys.
func (x *idRec) keys() ([]identity.Key, int) {
	br := blobReader{s: x.blob}
	_, nk, ne, _, _, _ := br.header()
	if nk+ne == 0 {
		return nil, 0
	}
	ks := make([]identity.Key, nk+ne)
	for i := range ks {
		ks[i] = identity.Key{Kind: identity.Kind(br.str()), Token: br.str()}
	}
	return ks, nk
}

// linkKeys calls f for each linking key, without allocating.
func (x *idRec) linkKeys(f func(identity.Key)) {
	br := blobReader{s: x.blob}
	_, nk, _, _, _, _ := br.header()
	for range nk {
		f(identity.Key{Kind: identity.Kind(br.str()), Token: br.str()})
	}
}

// hasLinkKey reports whether k is one of the record's linking keys.
func (x *idRec) hasLinkKey(k identity.Key) bool {
	found := false
	x.linkKeys(func(y identity.Key) { found = found || y == k })
	return found
}

// head returns the record with only ID, Channel, At and CustomerID set.
func (x *idRec) head() identity.StoredRecord {
	return identity.StoredRecord{ID: x.id, Channel: x.channel, At: x.at, CustomerID: x.customer}
}

// decode returns the whole record; its slices and map are fresh.
func (x *idRec) decode() identity.StoredRecord {
	r := x.head()
	br := blobReader{s: x.blob}
	flags, nk, ne, nd, nf, nc := br.header()
	if nk+ne > 0 {
		ks := make([]identity.Key, nk+ne)
		for i := range ks {
			ks[i] = identity.Key{Kind: identity.Kind(br.str()), Token: br.str()}
		}
		r.Keys, r.Evidence = ks[:nk:nk], ks[nk:]
	}
	if flags&hasKeys != 0 && r.Keys == nil {
		r.Keys = []identity.Key{}
	}
	if flags&hasKeys == 0 {
		r.Keys = nil
	}
	switch {
	case flags&hasEvidence == 0:
		r.Evidence = nil
	case ne == 0:
		r.Evidence = []identity.Key{}
	}
	if flags&hasDisplay != 0 || nd > 0 {
		r.Display = make([]string, nd)
		for i := range r.Display {
			r.Display[i] = br.str()
		}
	}
	if flags&hasFields != 0 || nf > 0 {
		r.Fields = make(map[string]string, nf)
		for range nf {
			k := br.str()
			r.Fields[k] = br.str()
		}
	}
	if flags&hasConstraints != 0 || nc > 0 {
		r.Constraints = make([]string, nc)
		for i := range r.Constraints {
			r.Constraints[i] = br.str()
		}
	}
	return r
}

// idList is a sorted list of record ids with a version, stored by value in
// its map: one id lives inline (most tokens and customers hold one
// record), more in a slice.
type idList struct {
	version int64
	n       int32
	one     string   // the id when n == 1
	more    []string // the ids when n >= 2
}

// snapshot returns a copy of the ids and the version; a nil list is
// empty at version 0.
func (l *idList) snapshot() ([]string, int64) {
	if l == nil {
		return nil, 0
	}
	switch l.n {
	case 0:
		return nil, l.version
	case 1:
		return []string{l.one}, l.version
	}
	return slices.Clone(l.more), l.version
}

// appendIDs appends the ids to dst.
func (l *idList) appendIDs(dst []string) []string {
	switch l.n {
	case 0:
		return dst
	case 1:
		return append(dst, l.one)
	}
	return append(dst, l.more...)
}

func (l *idList) add(id string) {
	switch l.n {
	case 0:
		l.one, l.n = id, 1
		return
	case 1:
		if l.one == id {
			return
		}
		a, b := l.one, id
		if b < a {
			a, b = b, a
		}
		l.more, l.one, l.n = []string{a, b}, "", 2
		return
	}
	if i, found := slices.BinarySearch(l.more, id); !found {
		l.more = slices.Insert(l.more, i, id)
		l.n++
	}
}

func (l *idList) remove(id string) {
	switch l.n {
	case 0:
		return
	case 1:
		if l.one == id {
			l.one, l.n = "", 0
		}
		return
	}
	i, found := slices.BinarySearch(l.more, id)
	if !found {
		return
	}
	l.more = slices.Delete(l.more, i, i+1)
	l.n--
	if l.n == 1 {
		l.one, l.more = l.more[0], nil
	}
}

// lists is a table of idLists by key: a map from the key's 64-bit hash to
// a row of a slab, so a list is found with one lookup in a map that holds
// no pointers (the garbage collector skips it, and a miss never reads a
// stored key) and then changed in place. Keys whose hashes collide are
// chained through the rows. Rows are never removed (a list's version
// outlives its ids).
type lists[K comparable] struct {
	seed maphash.Seed
	idx  map[uint64]int32
	// rows are kept in fixed-size chunks, so adding one never copies
	// the others (a million-row table grows without doubling).
	rows [][]listRow[K]
	n    int32
	// stamp numbers the calls of bump
	stamp uint32
	// mask, when not zero, keeps only these bits of each hash: tests use
	// it to force collisions.
	mask uint64
}

type listRow[K comparable] struct {
	key   K
	next  int32  // the next row with the same hash, or -1
	stamp uint32 // the bump that last incremented the version
	idList
}

// bump increments the version of every row listed, once each however
// often it is listed. Each call stamps the rows it increments with a new
// number, so repeats are found without a set.
func (t *lists[K]) bump(rows []int32) {
	t.stamp++
	if t.stamp == 0 { // wrapped: no row may look stamped by this call
		for i := range t.n {
			t.row(i).stamp = 0
		}
		t.stamp = 1
	}
	for _, i := range rows {
		if r := t.row(i); r.stamp != t.stamp {
			r.stamp = t.stamp
			r.version++
		}
	}
}

func newLists[K comparable]() lists[K] {
	return lists[K]{seed: maphash.MakeSeed(), idx: map[uint64]int32{}}
}

// find returns the row of k (-1 when there is none), the key's hash and
// the first row with that hash (-1 when there is none).
func (t *lists[K]) find(k K) (i int32, h uint64, head int32) {
	h = maphash.Comparable(t.seed, k)
	if t.mask != 0 {
		h &= t.mask
	}
	head, ok := t.idx[h]
	if !ok {
		return -1, h, -1
	}
	for i = head; i >= 0 && t.row(i).key != k; {
		i = t.row(i).next
	}
	return i, h, head
}

// get returns the list of k, or nil. The pointer is valid until the next
// call of at.
func (t *lists[K]) get(k K) *idList {
	if i, _, _ := t.find(k); i >= 0 {
		return &t.row(i).idList
	}
	return nil
}

// version returns the version of k's list (0 when there is none).
func (t *lists[K]) version(k K) int64 {
	if i, _, _ := t.find(k); i >= 0 {
		return t.row(i).version
	}
	return 0
}

// at returns the row of k, adding an empty list when there is none.
func (t *lists[K]) at(k K) int32 {
	i, h, head := t.find(k)
	if i >= 0 {
		return i
	}
	i = t.n
	if i&(rowChunk-1) == 0 {
		t.rows = append(t.rows, make([]listRow[K], rowChunk))
	}
	t.n++
	*t.row(i) = listRow[K]{key: k, next: head}
	t.idx[h] = i
	return i
}

// detach gives the row a key of its own, so that it no longer keeps a
// removed or replaced record's blob (with its profile values) in memory.
func (r *listRow[K]) detach() {
	if k, ok := any(r.key).(identity.Key); ok {
		k = identity.Key{Kind: identity.Kind(strings.Clone(string(k.Kind))), Token: strings.Clone(k.Token)}
		r.key = any(k).(K)
	}
}

// Rows per chunk.
const (
	rowShift = 10
	rowChunk = 1 << rowShift
)

// row returns row i.
func (t *lists[K]) row(i int32) *listRow[K] { return &t.rows[i>>rowShift][i&(rowChunk-1)] }

// recTable holds the identity records by id, like lists: a pointer-free
// map from the id's 64-bit hash to a row of a chunked slab, colliding ids
// chained through the rows. Deleted rows are reused.
type recTable struct {
	seed maphash.Seed
	idx  map[uint64]int32
	rows [][]recRow
	n    int32
	free []int32
	mask uint64 // as in lists: tests force collisions with it
}

type recRow struct {
	next int32 // the next row with the same hash, or -1
	rec  idRec
}

func newRecTable() recTable { return recTable{seed: maphash.MakeSeed(), idx: map[uint64]int32{}} }

func (t *recTable) row(i int32) *recRow { return &t.rows[i>>rowShift][i&(rowChunk-1)] }

func (t *recTable) hash(id string) uint64 {
	h := maphash.String(t.seed, id)
	if t.mask != 0 {
		h &= t.mask
	}
	return h
}

// get returns the record with the id, or nil. The pointer is valid until
// the next put or remove.
func (t *recTable) get(id string) *idRec {
	i, ok := t.idx[t.hash(id)]
	for ok && i >= 0 {
		if r := t.row(i); r.rec.id == id {
			return &r.rec
		}
		i = t.row(i).next
	}
	return nil
}

// put stores r, replacing the record with its id.
func (t *recTable) put(r idRec) {
	h := t.hash(r.id)
	head, ok := t.idx[h]
	if !ok {
		head = -1
	}
	for i := head; i >= 0; i = t.row(i).next {
		if t.row(i).rec.id == r.id {
			t.row(i).rec = r
			return
		}
	}
	var i int32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
	} else {
		i = t.n
		if i&(rowChunk-1) == 0 {
			t.rows = append(t.rows, make([]recRow, rowChunk))
		}
		t.n++
	}
	*t.row(i) = recRow{next: head, rec: r}
	t.idx[h] = i
}

// remove deletes the record with the id, if any.
func (t *recTable) remove(id string) {
	h := t.hash(id)
	head, ok := t.idx[h]
	if !ok {
		return
	}
	prev := int32(-1)
	for i := head; i >= 0; prev, i = i, t.row(i).next {
		r := t.row(i)
		if r.rec.id != id {
			continue
		}
		switch {
		case prev >= 0:
			t.row(prev).next = r.next
		case r.next >= 0:
			t.idx[h] = r.next
		default:
			delete(t.idx, h)
		}
		*r = recRow{next: -1}
		t.free = append(t.free, i)
		return
	}
}
