package memstore

// hashIdx finds table rows by a 64-bit hash of their key: an open
// addressing table (linear probing) of uint64 slots, each the hash's top
// 32 bits above the row number plus one (0 is an empty slot). It holds no
// pointers, a probe usually reads one cache line, and the key itself is
// compared (by the caller's eq) only when the top 32 bits match. A slot's
// home is given by the top bits of its hash, so growing needs no key.
type hashIdx struct {
	slots []uint64
	shift uint // 64 - log2(len(slots))
	n     int  // occupied slots
	grows int  // how often the table grew
}

const tagMask uint64 = 0xffffffff00000000

// find returns the row whose hash is h and for which eq is true (-1 when
// there is none) and its slot, or the empty slot where it would go.
func (x *hashIdx) find(h uint64, eq func(row int32) bool) (row int32, slot int) {
	if len(x.slots) == 0 {
		return -1, -1
	}
	m := len(x.slots) - 1
	tag := h & tagMask
	for i := int(h >> x.shift); ; i = (i + 1) & m {
		e := x.slots[i]
		if e == 0 {
			return -1, i
		}
		if e&tagMask == tag && eq(int32(uint32(e))-1) {
			return int32(uint32(e)) - 1, i
		}
	}
}

// peek returns the sum of the home slots of hs (0 when the table is
// empty): reading them together, before they are probed, lets their cache
// misses overlap.
func (x *hashIdx) peek(hs []uint64) uint64 {
	if len(x.slots) == 0 {
		return 0
	}
	var sum uint64
	for _, h := range hs {
		sum += x.slots[h>>x.shift]
	}
	return sum
}

// homeRow returns the row in h's home slot when its tag is h's (-1 when
// not): the row a probe for h most likely compares.
func (x *hashIdx) homeRow(h uint64) int32 {
	if len(x.slots) == 0 {
		return -1
	}
	if e := x.slots[h>>x.shift]; e != 0 && e&tagMask == h&tagMask {
		return int32(uint32(e)) - 1
	}
	return -1
}

// insert adds row under h at slot, the empty slot find returned for h
// (slot is ignored, and found again, when the table has to grow first).
func (x *hashIdx) insert(h uint64, row int32, slot int) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
		slot = x.home(h)
	}
	x.slots[slot] = h&tagMask | uint64(uint32(row+1))
	x.n++
}

// home returns the first empty slot on h's probe sequence.
func (x *hashIdx) home(h uint64) int {
	m := len(x.slots) - 1
	i := int(h >> x.shift)
	for x.slots[i] != 0 {
		i = (i + 1) & m
	}
	return i
}

func (x *hashIdx) grow() {
	old := x.slots
	x.grows++
	size := max(16, 2*len(old))
	x.slots = make([]uint64, size)
	x.shift = 64
	for s := size; s > 1; s >>= 1 {
		x.shift--
	}
	for _, e := range old {
		if e != 0 {
			x.slots[x.home(e)] = e
		}
	}
}

// remove empties slot (found by find), shifting later entries of the
// probe run back so that every entry stays reachable from its home.
func (x *hashIdx) remove(slot int) {
	m := len(x.slots) - 1
	i := slot
	for j := (i + 1) & m; x.slots[j] != 0; j = (j + 1) & m {
		k := int(x.slots[j] >> x.shift) // j's home
		// j may move to i unless its home lies cyclically in (i, j].
		if i <= j && (k <= i || k > j) || i > j && k <= i && k > j {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = 0
	x.n--
}
