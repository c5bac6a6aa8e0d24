package rfm

import (
	"encoding/binary"
	"hash/maphash"
)

// idTable interns byte-string ids, optionally scoped by an owner number (an
// order id is scoped by its customer), numbering them 0, 1, ... in first-seen
// order. Ids live in one arena and the slots hold no pointers, so a table of
// millions of ids costs the garbage collector nothing; short ids (<= 8 bytes)
// are compared inside the slot without touching the arena. A hash match is
// always confirmed on the bytes, so distinct ids never merge.
type idTable struct {
	seed  maphash.Seed
	slots []idSlot
	mask  uint64
	arena []byte
	off   []int   // id i is arena[off[i]:off[i+1]]
	owner []int32 // per id, when scoped
}

type idSlot struct {
	h   uint64
	k0  uint64 // first 8 bytes of the id, zero-padded
	idx int32  // id number + 1; 0 is empty
	n   uint32 // id length
}

func newIDTable(seed maphash.Seed) *idTable {
	return &idTable{seed: seed, slots: make([]idSlot, 1<<12), mask: 1<<12 - 1, off: []int{0}}
}

func prefix8[K ~string | ~[]byte](b K) uint64 {
	var p [8]byte
	copy(p[:], b[:min(8, len(b))])
	return binary.LittleEndian.Uint64(p[:])
}

func scope(h uint64, owner int32) uint64 {
	h ^= (uint64(uint32(owner)) + 1) * 0x9E3779B97F4A7C15
	return h ^ h>>29
}

// intern returns the number of (owner, key), adding it when new.
func (t *idTable) intern(owner int32, scoped bool, key []byte) int32 {
	h := maphash.Bytes(t.seed, key)
	if scoped {
		h = scope(h, owner)
	}
	return internKey(t, h, owner, scoped, key)
}

// internString is intern for a string key.
func (t *idTable) internString(owner int32, scoped bool, key string) int32 {
	h := maphash.String(t.seed, key)
	if scoped {
		h = scope(h, owner)
	}
	return internKey(t, h, owner, scoped, key)
}

// id returns the bytes of id i.
func (t *idTable) id(i int32) []byte { return t.arena[t.off[i]:t.off[i+1]] }

// len returns the number of ids.
func (t *idTable) len() int { return len(t.off) - 1 }

func internKey[K ~string | ~[]byte](t *idTable, h uint64, owner int32, scoped bool, key K) int32 {
	k0, n := prefix8(key), uint32(len(key))
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.idx == 0 {
			id := int32(len(t.off) - 1)
			*s = idSlot{h: h, k0: k0, idx: id + 1, n: n}
			t.arena = append(t.arena, key...)
			t.off = append(t.off, len(t.arena))
			if scoped {
				t.owner = append(t.owner, owner)
			}
			if uint64(id+1)*2 > t.mask {
				t.grow()
			}
			return id
		}
		if s.h != h || s.n != n || s.k0 != k0 {
			continue
		}
		id := s.idx - 1
		if scoped && t.owner[id] != owner {
			continue
		}
		if n <= 8 || string(t.arena[t.off[id]:t.off[id+1]]) == string(key) {
			return id
		}
	}
}

func (t *idTable) grow() {
	n := uint64(len(t.slots)) * 2
	old := t.slots
	t.slots = make([]idSlot, n)
	t.mask = n - 1
	for _, s := range old {
		if s.idx == 0 {
			continue
		}
		i := s.h & t.mask
		for t.slots[i].idx != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
	}
}

// strings returns all ids as strings sharing one allocation.
func (t *idTable) strings() []string {
	all := string(t.arena)
	out := make([]string, len(t.off)-1)
	for i := range out {
		out[i] = all[t.off[i]:t.off[i+1]]
	}
	return out
}
