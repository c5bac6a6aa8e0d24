package memstore

// arena keeps the bytes of the identity tables (record ids, channels,
// encoded records, tokens) in large pointer-free chunks, referenced by
// integers (aref), so the garbage collector has nothing to trace in them
// and a write appends instead of allocating.
//
// Freed bytes are zeroed at once (a replaced or deleted record's values
// must not stay readable); a chunk whose bytes are all freed is dropped,
// and when the freed bytes still held exceed the live ones the owner
// compacts the arena (idState.compact). Slices the arena returns are
// views into its memory: they must be copied before they leave the store.
type arena struct {
	chunks    [][]byte // nil once dropped
	chunkLive []int    // live bytes per chunk
	tail      int      // the chunk appended to; -1 before the first
	size      int      // bytes per ordinary chunk
	live      int      // live bytes in all chunks
	garbage   int      // freed bytes still held by chunks not dropped
}

// aref is a span of arena bytes: chunk, offset and length.
type aref struct{ c, off, n uint32 }

// arenaChunk is the size of an ordinary chunk; a larger item gets a chunk
// of its own.
const arenaChunk = 1 << 20

func newArena(size int) arena { return arena{tail: -1, size: size} }

// alloc reserves n bytes and returns their reference and a view to fill
// (its capacity is n, so appending to view[:0] never leaves the span).
func (a *arena) alloc(n int) (aref, []byte) {
	if n == 0 {
		return aref{}, nil
	}
	if n > a.size { // a chunk of its own; the tail stays the tail
		a.chunks = append(a.chunks, make([]byte, n))
		a.chunkLive = append(a.chunkLive, n)
		a.live += n
		c := len(a.chunks) - 1
		return aref{uint32(c), 0, uint32(n)}, a.chunks[c][:0:n]
	}
	if a.tail < 0 || len(a.chunks[a.tail])+n > a.size {
		a.chunks = append(a.chunks, make([]byte, 0, a.size))
		a.chunkLive = append(a.chunkLive, 0)
		a.tail = len(a.chunks) - 1
	}
	ch := a.chunks[a.tail]
	off := len(ch)
	a.chunks[a.tail] = ch[:off+n]
	a.chunkLive[a.tail] += n
	a.live += n
	return aref{uint32(a.tail), uint32(off), uint32(n)}, ch[off : off : off+n]
}

// bytes returns a view of r's bytes (nil when r is empty).
func (a *arena) bytes(r aref) []byte {
	if r.n == 0 {
		return nil
	}
	return a.chunks[r.c][r.off : r.off+r.n : r.off+r.n]
}

// put copies s into the arena.
func (a *arena) put(s string) aref {
	r, b := a.alloc(len(s))
	copy(b[:len(s)], s)
	return r
}

// free zeroes r's bytes and releases them; a chunk left without live
// bytes (other than the tail) is dropped.
func (a *arena) free(r aref) {
	if r.n == 0 {
		return
	}
	clear(a.bytes(r))
	n := int(r.n)
	a.live -= n
	a.chunkLive[r.c] -= n
	a.garbage += n
	if a.chunkLive[r.c] == 0 && int(r.c) != a.tail {
		a.garbage -= len(a.chunks[r.c])
		a.chunks[r.c] = nil
	}
}

// needsCompaction reports whether the freed bytes still held exceed the
// live ones (and an ordinary chunk).
func (a *arena) needsCompaction() bool {
	return a.garbage > a.live && a.garbage > a.size
}

// compactor copies live spans into a fresh arena; the owner passes every
// live reference to move and then calls done.
type compactor struct {
	old *arena
	new arena
}

func (a *arena) compactor() *compactor {
	return &compactor{old: a, new: newArena(a.size)}
}

// move copies r's bytes into the new arena and updates r.
func (c *compactor) move(r *aref) {
	nr, b := c.new.alloc(int(r.n))
	copy(b[:r.n], c.old.bytes(*r))
	*r = nr
}

// done zeroes the old chunks (their live bytes now have copies) and makes
// the new arena current.
func (c *compactor) done() {
	for _, ch := range c.old.chunks {
		clear(ch)
	}
	*c.old = c.new
}
