package memstore

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

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

// sortedKeys is a sorted set of keys.
type sortedKeys []key

func (s sortedKeys) find(k key) (int, bool) {
	return slices.BinarySearchFunc(s, k, key.compare)
}

func (s *sortedKeys) insert(k key) {
	i, found := s.find(k)
	if !found {
		*s = slices.Insert(*s, i, k)
	}
}

func (s *sortedKeys) remove(k key) {
	if i, found := s.find(k); found {
		*s = slices.Delete(*s, i, i+1)
	}
}

const tokenVersion = 1

func encodeToken(k key, desc bool) string {
	var b [26]byte
	b[0] = tokenVersion
	if desc {
		b[1] = 1
	}
	binary.BigEndian.PutUint64(b[2:10], uint64(k.t))
	copy(b[10:], k.id[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func decodeToken(tok string, desc bool) (key, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 26 || b[0] != tokenVersion || (b[1] == 1) != desc || b[1] > 1 {
		return key{}, fmt.Errorf("memstore: %w", errBadToken)
	}
	var k key
	k.t = int64(binary.BigEndian.Uint64(b[2:10]))
	copy(k.id[:], b[10:])
	return k, nil
}

// page returns up to limit items after the token's position in keys
// (before it, walking backwards, when desc), and the next token.
func page[T any](keys sortedKeys, tok string, limit int, desc bool, get func(key) T) ([]T, string, error) {
	limit = clampLimit(limit)
	start := 0
	if desc {
		start = len(keys) - 1
	}
	if tok != "" {
		k, err := decodeToken(tok, desc)
		if err != nil {
			return nil, "", err
		}
		i, found := keys.find(k)
		switch {
		case desc:
			start = i - 1
		case found:
			start = i + 1
		default:
			start = i
		}
	}
	var out []T
	var last key
	for i := start; i >= 0 && i < len(keys) && len(out) < limit; {
		last = keys[i]
		out = append(out, get(keys[i]))
		if desc {
			i--
		} else {
			i++
		}
	}
	if len(out) < limit {
		return out, "", nil
	}
	// More may follow; check so the last page carries no token.
	if i, found := keys.find(last); desc && i == 0 || !desc && found && i == len(keys)-1 {
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
