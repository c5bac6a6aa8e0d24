package memstore

import (
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/cimkit/cimkit/identity"
)

// recRow is a stored identity record without pointers: its bytes are one
// arena entry (ent) holding the id, the channel and the encoded rest
// (keys, evidence, display values, profile fields, constraints); its time
// is kept as integers and its customer as a customer row. A record's
// linking keys are encoded as token rows, so replacing or deleting it
// finds its token lists without hashing.
type recRow struct {
	ent          aref
	idLen, chLen uint32
	sec          int64 // At: Unix seconds, nanoseconds and location
	nsec         int32
	loc          int32 // index in idState.locs
	cust         int32 // customer row
	live         bool
}

// recTable holds the records by id; deleted rows are reused.
type recTable struct {
	seed maphash.Seed
	idx  hashIdx
	free []int32
	mask uint64 // as in tokTable: tests force collisions with it
	slab[recRow]
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

func (t *recTable) hash(id string) uint64 {
	h := maphash.String(t.seed, id)
	if t.mask != 0 {
		h &= t.mask
	}
	return h
}

// recID returns a view of record row r's id.
func (st *idState) recID(r int32) []byte {
	x := st.records.row(r)
	return st.arena.bytes(x.ent)[:x.idLen]
}

// recFind returns the row of the record with the id (-1 when there is
// none), the id's hash and the slot for recTable.idx.insert.
func (st *idState) recFind(id string) (row int32, h uint64, slot int) {
	h = st.records.hash(id)
	row, slot = st.recFindHash(id, h)
	return row, h, slot
}

// recFindHash is recFind with the id's hash already known.
func (st *idState) recFindHash(id string, h uint64) (row int32, slot int) {
	return st.records.idx.find(h, func(r int32) bool { return string(st.recID(r)) == id })
}

// recNew returns a new row for a record whose id hashes to h, indexed at
// slot (from recFind); the caller fills it with recWrite.
func (st *idState) recNew(h uint64, slot int) int32 {
	t := &st.records
	var i int32
	if n := len(t.free); n > 0 {
		i, t.free = t.free[n-1], t.free[:n-1]
	} else {
		i = t.add()
	}
	t.idx.insert(h, i, slot)
	return i
}

// recDelete zeroes and releases record row r and unindexes it.
func (st *idState) recDelete(r int32) {
	h := st.records.hash(string(st.recID(r)))
	_, slot := st.records.idx.find(h, func(x int32) bool { return x == r })
	st.records.idx.remove(slot)
	st.arena.free(st.records.row(r).ent)
	*st.records.row(r) = recRow{}
	st.records.free = append(st.records.free, r)
	if st.topOK && st.top == r {
		st.topOK = false
	}
}

// findTop finds the row of the greatest record id.
func (st *idState) findTop() {
	st.top, st.topOK = -1, true
	for i := range st.records.n {
		if st.records.row(i).live {
			st.raiseTop(i)
		}
	}
}

// raiseTop makes new record row r the top when its id is greater.
func (st *idState) raiseTop(r int32) {
	if st.topOK && (st.top < 0 || st.cmpID(st.top, st.recID(r)) < 0) {
		st.top = r
	}
}

// isTop reports whether record row r holds the greatest id: adding it to
// a list needs no comparison.
func (st *idState) isTop(r int32) bool { return st.topOK && st.top == r }

// maxLocs bounds the locations interned by pointer: a caller whose every
// time has a location of its own (time.Parse makes a new FixedZone for
// each offset it parses) would otherwise grow the table by one per
// record, for good. Past the bound a time keeps its zone (name and offset
// at that instant) in a FixedZone interned by both: the same instant and
// zone, no longer the same *time.Location.
const maxLocs = 1024

// zone is a location past maxLocs.
type zone struct {
	name   string
	offset int
}

// locIndex returns the index in st.locs of t's location (0 is UTC).
func (st *idState) locIndex(t time.Time) int32 {
	loc := t.Location()
	if loc == time.UTC {
		return 0
	}
	if i, ok := st.locAt[loc]; ok {
		return i
	}
	if st.locAt == nil {
		st.locAt = map[*time.Location]int32{}
		st.locs = []*time.Location{time.UTC}
	}
	if len(st.locAt) < maxLocs {
		i := int32(len(st.locs))
		st.locs = append(st.locs, loc)
		st.locAt[loc] = i
		return i
	}
	name, offset := t.Zone()
	z := zone{name, offset}
	if i, ok := st.zoneAt[z]; ok {
		return i
	}
	if st.zoneAt == nil {
		st.zoneAt = map[zone]int32{}
	}
	i := int32(len(st.locs))
	st.locs = append(st.locs, time.FixedZone(name, offset))
	st.zoneAt[z] = i
	return i
}

// recWrite writes r into record row i, whose previous entry (if any) the
// caller has released; keyRows are the token rows of r.Keys, fields
// r.Fields sorted by name (appendFields), cust its customer row.
func (st *idState) recWrite(i int32, r *identity.StoredRecord, keyRows []int32, fields []field, cust int32) {
	var flags byte
	for j, nonNil := range [5]bool{r.Keys != nil, r.Evidence != nil, r.Display != nil, r.Fields != nil, r.Constraints != nil} {
		if nonNil {
			flags |= 1 << j
		}
	}
	counts := [5]int{len(r.Keys), len(r.Evidence), len(r.Display), len(fields), len(r.Constraints)}
	// Two passes: the exact size, then the bytes, written once into the
	// arena.
	n := len(r.ID) + len(r.Channel) + 1
	for _, c := range counts {
		n += uvarintLen(c)
	}
	for _, k := range keyRows {
		n += uvarintLen(int(k))
	}
	// An evidence token of 32 lowercase hex digits is kept packed in 16
	// bytes (as token rows keep theirs), marked in its kind's low bit.
	var evb [8]inlineTok
	for j, k := range r.Evidence { // kinds are few: interning them twice is cheap
		f := packedForm(k.Token)
		if j < len(evb) {
			evb[j] = f
		}
		n += uvarintLen(int(st.kind(k.Kind, true))<<1 | 1)
		if f.n == hexTok {
			n += len(f.b)
		} else {
			n += strLen(k.Token)
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
	ref, b := st.arena.alloc(n)
	b = append(b, r.ID...)
	b = append(b, r.Channel...)
	b = append(b, flags)
	for _, c := range counts {
		b = binary.AppendUvarint(b, uint64(c))
	}
	for _, k := range keyRows {
		b = binary.AppendUvarint(b, uint64(k))
	}
	for j, k := range r.Evidence {
		f := evb[min(j, len(evb)-1)]
		if j >= len(evb) {
			f = packedForm(k.Token)
		}
		kind := uint64(st.kind(k.Kind, false)) << 1
		if f.n == hexTok {
			b = append(binary.AppendUvarint(b, kind|1), f.b[:]...)
		} else {
			b = appendStr(binary.AppendUvarint(b, kind), k.Token)
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
	_ = b[:n] // the size was exact
	*st.records.row(i) = recRow{ent: ref, idLen: uint32(len(r.ID)), chLen: uint32(len(r.Channel)),
		sec: r.At.Unix(), nsec: int32(r.At.Nanosecond()), loc: st.locIndex(r.At), cust: cust, live: true}
}

type field struct{ k, v string }

// appendFields appends m's fields to dst, sorted by name (so equal
// records encode equally).
func appendFields(dst []field, m map[string]string) []field {
	start := len(dst)
	for k, v := range m {
		dst = append(dst, field{k, v})
	}
	if len(dst)-start > 1 {
		slices.SortFunc(dst[start:], func(a, b field) int { return strings.Compare(a.k, b.k) })
	}
	return dst
}

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

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// blobReader reads an encoded record.
type blobReader struct {
	b   []byte
	off int
}

func (br *blobReader) uvarint() int {
	x, n := binary.Uvarint(br.b[br.off:])
	br.off += n
	return int(x)
}

// bytes returns the next length-prefixed bytes.
func (br *blobReader) bytes() []byte {
	n := br.uvarint()
	s := br.b[br.off : br.off+n]
	br.off += n
	return s
}

// header reads the flags and the five counts.
func (br *blobReader) header() (flags byte, nk, ne, nd, nf, nc int) {
	flags = br.b[br.off]
	br.off++
	return flags, br.uvarint(), br.uvarint(), br.uvarint(), br.uvarint(), br.uvarint()
}

// reader returns a reader of record row r's encoded part: b is the
// arena entry itself, or a copy of it.
func (x *recRow) reader(b []byte) blobReader {
	return blobReader{b: b, off: int(x.idLen + x.chLen)}
}

// keyRows appends the token rows of record row r's linking keys to dst.
func (st *idState) keyRows(dst []int32, r int32) []int32 {
	x := st.records.row(r)
	br := x.reader(st.arena.bytes(x.ent))
	_, nk, _, _, _, _ := br.header()
	for range nk {
		dst = append(dst, int32(br.uvarint()))
	}
	return dst
}

// at returns record row r's time.
func (st *idState) at(x *recRow) time.Time {
	t := time.Unix(x.sec, int64(x.nsec))
	if x.loc == 0 {
		return t.UTC()
	}
	return t.In(st.locs[x.loc])
}

// headSize is the number of bytes head appends to its buffer.
func (st *idState) headSize(r int32) int {
	x := st.records.row(r)
	return int(x.idLen + x.chLen)
}

// head returns the record with only ID, Channel, At and CustomerID set;
// its strings are copies appended to buf.
func (st *idState) head(r int32, buf []byte) (identity.StoredRecord, []byte) {
	x := st.records.row(r)
	start := len(buf)
	buf = append(buf, st.arena.bytes(x.ent)[:x.idLen+x.chLen]...)
	b := buf[start:]
	return identity.StoredRecord{ID: unsafeString(b[:x.idLen]), Channel: unsafeString(b[x.idLen:]),
		At: st.at(x), CustomerID: st.customers.row(x.cust).id}, buf
}

// decodeSize is the number of bytes decode appends to its buffer: the
// record's entry and its linking keys' tokens.
func (st *idState) decodeSize(r int32) int {
	x := st.records.row(r)
	ent := st.arena.bytes(x.ent)
	br := x.reader(ent)
	_, nk, ne, _, _, _ := br.header()
	size := len(ent)
	for range nk {
		size += st.tokenLen(int32(br.uvarint()))
	}
	for range ne { // a packed token grows back to 32 digits
		if br.uvarint()&1 != 0 {
			br.off += 16
			size += hexTok
		} else {
			br.bytes()
		}
	}
	return size
}

// decode returns the whole record; its slices and map are new, its
// strings copies appended to buf (a buf with decodeSize spare capacity is
// not reallocated).
func (st *idState) decode(r int32, buf []byte) (identity.StoredRecord, []byte) {
	x := st.records.row(r)
	start := len(buf)
	buf = append(buf, st.arena.bytes(x.ent)...)
	ent := buf[start:]
	rec := identity.StoredRecord{ID: unsafeString(ent[:x.idLen]), Channel: unsafeString(ent[x.idLen : x.idLen+x.chLen]),
		At: st.at(x), CustomerID: st.customers.row(x.cust).id}
	br := x.reader(ent)
	str := func() string { return unsafeString(br.bytes()) }
	flags, nk, ne, nd, nf, nc := br.header()
	if nk+ne > 0 {
		ks := make([]identity.Key, nk+ne)
		for i := range nk {
			t := int32(br.uvarint())
			start := len(buf)
			buf = st.appendToken(buf, t)
			ks[i] = identity.Key{Kind: identity.Kind(st.kinds[st.tokens.row(t).kind]), Token: unsafeString(buf[start:])}
		}
		for i := nk; i < nk+ne; i++ {
			kind := br.uvarint()
			ks[i].Kind = identity.Kind(st.kinds[kind>>1])
			if kind&1 == 0 {
				ks[i].Token = str()
				continue
			}
			start := len(buf)
			buf = hex.AppendEncode(buf, br.b[br.off:br.off+16])
			br.off += 16
			ks[i].Token = unsafeString(buf[start:])
		}
		rec.Keys, rec.Evidence = ks[:nk:nk], ks[nk:]
	}
	if flags&hasKeys != 0 && rec.Keys == nil {
		rec.Keys = []identity.Key{}
	}
	if flags&hasKeys == 0 {
		rec.Keys = nil
	}
	switch {
	case flags&hasEvidence == 0:
		rec.Evidence = nil
	case ne == 0:
		rec.Evidence = []identity.Key{}
	}
	if flags&hasDisplay != 0 || nd > 0 {
		rec.Display = make([]string, nd)
		for i := range rec.Display {
			rec.Display[i] = str()
		}
	}
	if flags&hasFields != 0 || nf > 0 {
		rec.Fields = make(map[string]string, nf)
		for range nf {
			k := str()
			rec.Fields[k] = str()
		}
	}
	if flags&hasConstraints != 0 || nc > 0 {
		rec.Constraints = make([]string, nc)
		for i := range rec.Constraints {
			rec.Constraints[i] = str()
		}
	}
	return rec, buf
}
