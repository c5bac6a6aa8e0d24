package memstore

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cimkit/cimkit/internal/pagetoken"
	"github.com/google/uuid"
)

// key orders records for keyset paging: by time, then by id.
type key struct {
	t  int64 // UnixNano; 0 where only the id orders
	id uuid.UUID
}

func keyOf(t time.Time, id uuid.UUID) key {
	if t.IsZero() {
		return key{id: id}
	}
	return key{t: t.UnixNano(), id: id}
}

func (a key) compare(b key) int {
	if c := cmp.Compare(a.t, b.t); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// ordered is an element of a sortedSet.
type ordered[T any] interface{ compare(T) int }

// sortedSet is a sorted set kept in blocks of at most blockMax elements, so
// an insert costs a binary search and a copy of one block rather than of
// the whole set. The zero value is an empty set.
type sortedSet[T ordered[T]] struct {
	blocks [][]T
}

// sortedKeys is the set of record keys the customer tables page through.
type sortedKeys = sortedSet[key]

const blockMax = 512

// block returns the index of the first block whose last key is >= k
// (len(blocks) if none).
func (s *sortedSet[T]) block(k T) int {
	lo, hi := 0, len(s.blocks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b := s.blocks[m]; b[len(b)-1].compare(k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (s *sortedSet[T]) insert(k T) {
	bi := s.block(k)
	if bi == len(s.blocks) {
		if bi == 0 {
			s.blocks = append(s.blocks, []T{k})
			return
		}
		bi-- // append to the last block
	}
	b := s.blocks[bi]
	i, found := slices.BinarySearchFunc(b, k, T.compare)
	if found {
		return
	}
	b = slices.Insert(b, i, k)
	if len(b) > blockMax {
		half := len(b) / 2
		right := slices.Clone(b[half:])
		b = slices.Clip(b[:half])
		s.blocks = slices.Insert(s.blocks, bi+1, right)
	}
	s.blocks[bi] = b
}

func (s *sortedSet[T]) remove(k T) {
	bi := s.block(k)
	if bi == len(s.blocks) {
		return
	}
	b := s.blocks[bi]
	if i, found := slices.BinarySearchFunc(b, k, T.compare); found {
		b = slices.Delete(b, i, i+1)
		if len(b) == 0 {
			s.blocks = slices.Delete(s.blocks, bi, bi+1)
		} else {
			s.blocks[bi] = b
		}
	}
}

// pos is a position in a sortedKeys: block and index within it.
type pos struct{ b, i int }

func (s *sortedSet[T]) valid(p pos) bool {
	return p.b >= 0 && p.b < len(s.blocks) && p.i >= 0 && p.i < len(s.blocks[p.b])
}

func (s *sortedSet[T]) at(p pos) T { return s.blocks[p.b][p.i] }

func (s *sortedSet[T]) next(p pos) pos {
	if p.i+1 < len(s.blocks[p.b]) {
		return pos{p.b, p.i + 1}
	}
	return pos{p.b + 1, 0}
}

func (s *sortedSet[T]) prev(p pos) pos {
	if p.i > 0 {
		return pos{p.b, p.i - 1}
	}
	if p.b == 0 {
		return pos{-1, -1}
	}
	return pos{p.b - 1, len(s.blocks[p.b-1]) - 1}
}

// firstAfter is the position of the smallest key > k.
func (s *sortedSet[T]) firstAfter(k T) pos {
	bi := s.block(k)
	if bi == len(s.blocks) {
		return pos{bi, 0}
	}
	b := s.blocks[bi]
	i, found := slices.BinarySearchFunc(b, k, T.compare)
	if found {
		return s.next(pos{bi, i})
	}
	return pos{bi, i}
}

// lastBefore is the position of the largest key < k.
func (s *sortedSet[T]) lastBefore(k T) pos {
	bi := s.block(k)
	if bi == len(s.blocks) {
		return s.last()
	}
	i, _ := slices.BinarySearchFunc(s.blocks[bi], k, T.compare)
	if i > 0 {
		return pos{bi, i - 1}
	}
	return s.prev(pos{bi, 0})
}

func (s *sortedSet[T]) last() pos {
	if len(s.blocks) == 0 {
		return pos{-1, -1}
	}
	return pos{len(s.blocks) - 1, len(s.blocks[len(s.blocks)-1]) - 1}
}

func encodeToken(k key, desc bool) string { return pagetoken.Encode(k.t, k.id, desc) }

func decodeToken(tok string, desc bool) (key, error) {
	t, id, err := pagetoken.Decode(tok, desc)
	if err != nil {
		return key{}, fmt.Errorf("memstore: %w", errBadToken)
	}
	return key{t: t, id: id}, nil
}

// page returns up to limit items after the token's position in keys
// (before it, walking backwards, when desc), and the next token.
func page[T any](keys *sortedKeys, tok string, limit int, desc bool, get func(key) T) ([]T, string, error) {
	if keys == nil {
		keys = &sortedKeys{}
	}
	limit = clampLimit(limit)
	p := pos{}
	if desc {
		p = keys.last()
	}
	if tok != "" {
		k, err := decodeToken(tok, desc)
		if err != nil {
			return nil, "", err
		}
		if desc {
			p = keys.lastBefore(k)
		} else {
			p = keys.firstAfter(k)
		}
	}
	var out []T
	var last key
	for keys.valid(p) && len(out) < limit {
		last = keys.at(p)
		out = append(out, get(last))
		if desc {
			p = keys.prev(p)
		} else {
			p = keys.next(p)
		}
	}
	if len(out) < limit || !keys.valid(p) {
		return out, "", nil
	}
	return out, encodeToken(last, desc), nil
}

func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return 100
	case limit > 1000:
		return 1000
	}
	return limit
}
