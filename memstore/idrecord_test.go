package memstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// The compact record form gives back exactly what was stored, nil and
// empty kept apart.
func TestRecordEncodingRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	k := func(kind, tok string) identity.Key { return identity.Key{Kind: identity.Kind(kind), Token: tok} }
	long := string(make([]byte, 300)) // a length that needs two varint bytes
	cases := []identity.StoredRecord{
		{ID: "a"},
		{ID: "b", Channel: "pos", At: at, CustomerID: uuid.New(),
			Keys: []identity.Key{k("device", "d1"), k("phone", "p1")}, Evidence: []identity.Key{k("name", "n1")},
			Display: []string{"d*1", "+86 138****0000", "张*"}, Fields: map[string]string{"name": "张三", "gender": "f", "a": long},
			Constraints: []string{"c1", "c2"}},
		{ID: "c", Keys: []identity.Key{}, Evidence: []identity.Key{}, Display: []string{}, Fields: map[string]string{}, Constraints: []string{}},
		{ID: "d", Evidence: []identity.Key{k("name", "x")}, Display: []string{""}},
		{ID: "e", Keys: []identity.Key{k("phone", long)}},
	}
	for _, want := range cases {
		x := encodeRecord(want)
		got := x.decode()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %s:\n got %#v\nwant %#v", want.ID, got, want)
		}
		if h := x.head(); h.ID != want.ID || h.Channel != want.Channel || !h.At.Equal(want.At) || h.CustomerID != want.CustomerID {
			t.Errorf("head of %s = %+v", want.ID, h)
		}
		var linked []identity.Key
		x.linkKeys(func(k identity.Key) { linked = append(linked, k) })
		if len(linked) != len(want.Keys) || len(want.Keys) > 0 && !reflect.DeepEqual(linked, want.Keys) {
			t.Errorf("linkKeys of %s = %v, want %v", want.ID, linked, want.Keys)
		}
	}
}

// idList keeps its ids sorted and unique through adds and removes,
// compared with a plain sorted slice.
func TestIDListMatchesSortedSlice(t *testing.T) {
	var l idList
	var ref []string
	ops := []struct {
		add bool
		id  string
	}{{true, "m"}, {true, "m"}, {true, "c"}, {true, "x"}, {false, "m"}, {false, "q"}, {false, "c"}, {false, "x"}, {true, "b"}, {true, "a"}, {false, "a"}}
	for i, op := range ops {
		if op.add {
			l.add(op.id)
			if !contains(ref, op.id) {
				ref = insertSorted(ref, op.id)
			}
		} else {
			l.remove(op.id)
			ref = removeStr(ref, op.id)
		}
		got, _ := l.snapshot()
		if len(got) != len(ref) || len(ref) > 0 && !reflect.DeepEqual(got, ref) {
			t.Fatalf("after op %d: %v, want %v", i, got, ref)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func insertSorted(xs []string, x string) []string {
	i := 0
	for i < len(xs) && xs[i] < x {
		i++
	}
	return append(xs[:i:i], append([]string{x}, xs[i:]...)...)
}

func removeStr(xs []string, x string) []string {
	var out []string
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// lists finds every key through hash collisions: with the hash cut to two
// bits, every key shares a chain with many others, and the table must
// still agree with a plain map.
func TestListsCollisions(t *testing.T) {
	for _, mask := range []uint64{0, 3} {
		tab := newLists[identity.Key]()
		tab.mask = mask
		oracle := map[identity.Key]int64{}
		for i := range 500 {
			k := identity.Key{Kind: identity.Kind("k" + string(rune('a'+i%3))), Token: string(rune(0x4e00 + i%170))}
			if tab.version(k) != oracle[k] {
				t.Fatalf("mask %d: version of %v = %d before write, want %d", mask, k, tab.version(k), oracle[k])
			}
			tab.row(tab.at(k)).version++
			oracle[k]++
		}
		if int(tab.n) != len(oracle) {
			t.Errorf("mask %d: %d rows for %d keys", mask, tab.n, len(oracle))
		}
		for k, v := range oracle {
			if l := tab.get(k); l == nil || l.version != v {
				t.Errorf("mask %d: get %v wrong", mask, k)
			}
		}
		if tab.get(identity.Key{Kind: "kz", Token: "none"}) != nil {
			t.Errorf("mask %d: found a key never added", mask)
		}
		if mask != 0 && len(tab.idx) > 4 {
			t.Errorf("mask %d: %d hashes", mask, len(tab.idx))
		}
	}
}
