package memstore

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

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

// recTable agrees with a plain map through puts, replacements and
// removals, also when every id shares one of four hashes.
func TestRecTableCollisions(t *testing.T) {
	for _, mask := range []uint64{0, 3} {
		tab := newRecTable()
		tab.mask = mask
		oracle := map[string]string{}
		for i := range 3000 {
			id := string(rune('a' + i*7%26))
			if i%5 == 0 {
				id += string(rune('a' + i%13))
			}
			switch i % 4 {
			case 3:
				tab.remove(id)
				delete(oracle, id)
			default:
				ch := string(rune('A' + i%26))
				tab.put(idRec{id: id, channel: ch})
				oracle[id] = ch
			}
			for j := range 26 {
				for _, x := range []string{string(rune('a' + j)), string(rune('a'+j)) + string(rune('a'+j%13))} {
					r := tab.get(x)
					want, ok := oracle[x]
					if (r != nil) != ok || ok && r.channel != want {
						t.Fatalf("mask %d step %d: get %q = %v, want %q %v", mask, i, x, r, want, ok)
					}
				}
			}
		}
		if mask != 0 && len(tab.idx) > 4 {
			t.Errorf("mask %d: %d hashes", mask, len(tab.idx))
		}
	}
}

// A deleted record's blob (which holds its profile values) is no longer
// referenced by the token rows that indexed it.
func TestDeletedRecordBlobReleased(t *testing.T) {
	s := New()
	ctx := t.Context()
	k := identity.Key{Kind: "phone", Token: "t1"}
	rec := identity.StoredRecord{ID: "r1", CustomerID: uuid.New(), Keys: []identity.Key{k}, Fields: map[string]string{"name": "张三"}}
	if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{rec}}); err != nil {
		t.Fatal(err)
	}
	blob := s.id.records.get("r1").blob
	inBlob := func(x string) bool {
		p, b := uintptr(unsafe.Pointer(unsafe.StringData(x))), uintptr(unsafe.Pointer(unsafe.StringData(blob)))
		return len(x) > 0 && p >= b && p < b+uintptr(len(blob))
	}
	i, _, _ := s.id.tokens.find(k)
	if !inBlob(s.id.tokens.row(i).key.Token) {
		t.Fatal("setup: the token row does not share the blob")
	}
	if err := s.DeleteIdentityRecords(ctx, []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	if key := s.id.tokens.row(i).key; inBlob(key.Token) || inBlob(string(key.Kind)) || key != k {
		t.Errorf("after deletion the token row still points into the blob (or lost its key)")
	}
}

// TestBumpOncePerCall: bump increments each listed row once per call,
// however often it is listed, also when the stamp counter wraps.
func TestBumpOncePerCall(t *testing.T) {
	l := newLists[string]()
	a, b := l.at("a"), l.at("b")
	for _, start := range []uint32{0, ^uint32(0) - 1} {
		l.stamp = start
		va, vb := l.row(a).version, l.row(b).version
		for range 3 {
			l.bump([]int32{a, b, a, a})
		}
		if l.row(a).version != va+3 || l.row(b).version != vb+3 {
			t.Fatalf("start %d: versions %d %d, want %d %d", start, l.row(a).version, l.row(b).version, va+3, vb+3)
		}
	}
}
