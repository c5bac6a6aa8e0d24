package memstore

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// putRecord writes r into st as ApplyIdentity does for a new record (no
// list linking): the row.
func putRecord(st *idState, r identity.StoredRecord) int32 {
	var keys []int32
	for _, k := range r.Keys {
		keys = append(keys, st.tokAt(k))
	}
	row, h, slot := st.recFind(r.ID)
	if row >= 0 {
		st.arena.free(st.records.row(row).ent)
	} else {
		row = st.recNew(h, slot)
	}
	st.recWrite(row, &r, keys, appendFields(nil, r.Fields), st.customers.at(r.CustomerID))
	return row
}

// The record form gives back exactly what was stored, nil and empty kept
// apart, time zones and all.
func TestRecordEncodingRoundTrip(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	at := time.Date(2025, 3, 1, 8, 0, 0, 123, time.UTC)
	k := func(kind, tok string) identity.Key { return identity.Key{Kind: identity.Kind(kind), Token: tok} }
	long := string(make([]byte, 300)) // a length that needs two varint bytes
	cases := []identity.StoredRecord{
		{ID: "a"},
		{ID: "b", Channel: "pos", At: at, CustomerID: uuid.New(),
			Keys: []identity.Key{k("device", "d1"), k("phone", "p1")}, Evidence: []identity.Key{k("name", "n1")},
			Display: []string{"d*1", "+86 138****0000", "张*"}, Fields: map[string]string{"name": "张三", "gender": "f", "a": long},
			Constraints: []string{"c1", "c2"}},
		{ID: "c", Keys: []identity.Key{}, Evidence: []identity.Key{}, Display: []string{}, Fields: map[string]string{}, Constraints: []string{}},
		{ID: "d", Evidence: []identity.Key{k("name", "x"), k("email", "")}, Display: []string{""}, At: at.In(shanghai)},
		{ID: "e", Keys: []identity.Key{k("phone", long), k("phone", long)}, At: time.Date(1900, 1, 1, 0, 0, 0, 0, time.Local)},
		{ID: "", Channel: "web", Keys: []identity.Key{k("", "")}, At: time.Unix(-1, 999_999_999).In(shanghai)},
		{ID: "f", Evidence: hexEvidence()}, // packed and not, past the first eight
	}
	st := newIDState()
	for _, want := range cases {
		row := putRecord(&st, want)
		got, _ := st.decode(row, nil)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %q:\n got %#v\nwant %#v", want.ID, got, want)
		}
		if h, _ := st.head(row, nil); h.ID != want.ID || h.Channel != want.Channel || h.At != want.At || h.CustomerID != want.CustomerID {
			t.Errorf("head of %q = %+v", want.ID, h)
		}
		var linked []identity.Key
		for _, i := range st.keyRows(nil, row) {
			linked = append(linked, identity.Key{Kind: identity.Kind(st.kinds[st.tokens.row(i).kind]), Token: string(st.appendToken(nil, i))})
		}
		if len(linked) != len(want.Keys) || len(want.Keys) > 0 && !reflect.DeepEqual(linked, want.Keys) {
			t.Errorf("keyRows of %q = %v, want %v", want.ID, linked, want.Keys)
		}
	}
}

// A list keeps its record rows sorted by id and unique through adds and
// removes, compared with a plain sorted slice of ids.
func TestIDListMatchesSortedSlice(t *testing.T) {
	st := newIDState()
	rows := map[string]int32{}
	for _, id := range []string{"m", "c", "x", "q", "b", "a", "mm", ""} {
		rows[id] = putRecord(&st, identity.StoredRecord{ID: id})
	}
	var l idList
	var ref []string
	ops := []struct {
		add bool
		id  string
	}{{true, "m"}, {true, "m"}, {true, "c"}, {true, "x"}, {false, "m"}, {false, "q"}, {false, "c"}, {false, "x"},
		{true, "b"}, {true, "a"}, {false, "a"}, {true, "mm"}, {true, ""}, {true, "x"}, {true, "m"}, {false, ""}, {false, "b"}}
	for i, op := range ops {
		if op.add {
			st.listAdd(&l, rows[op.id], false)
			if !slices.Contains(ref, op.id) {
				ref = append(ref, op.id)
				slices.Sort(ref)
			}
		} else {
			st.listRemove(&l, rows[op.id])
			ref = slices.DeleteFunc(ref, func(x string) bool { return x == op.id })
		}
		got, _ := st.appendIDs(nil, nil, &l)
		if len(got) != len(ref) || len(ref) > 0 && !reflect.DeepEqual(got, ref) || int(l.n) != len(ref) {
			t.Fatalf("after op %d: %v (n %d), want %v", i, got, l.n, ref)
		}
	}
}

// The token table finds every key through hash collisions: with the hash
// cut to two bits, every key shares a probe run with many others, and the
// table must still agree with a plain map.
func TestTokenTableCollisions(t *testing.T) {
	for _, mask := range []uint64{0, 3} {
		st := newIDState()
		st.tokens.mask = mask
		oracle := map[identity.Key]int64{}
		version := func(k identity.Key) int64 {
			if i := st.tokFind(k); i >= 0 {
				return st.tokens.row(i).version
			}
			return 0
		}
		for i := range 500 {
			k := identity.Key{Kind: identity.Kind("k" + string(rune('a'+i%3))), Token: string(rune(0x4e00 + i%170))}
			if version(k) != oracle[k] {
				t.Fatalf("mask %d: version of %v = %d before write, want %d", mask, k, version(k), oracle[k])
			}
			st.tokens.row(st.tokAt(k)).version++
			oracle[k]++
		}
		if int(st.tokens.n) != len(oracle) || st.tokens.idx.n != len(oracle) {
			t.Errorf("mask %d: %d rows, %d indexed, for %d keys", mask, st.tokens.n, st.tokens.idx.n, len(oracle))
		}
		for k, v := range oracle {
			if version(k) != v {
				t.Errorf("mask %d: version of %v = %d, want %d", mask, k, version(k), v)
			}
		}
		if st.tokFind(identity.Key{Kind: "ka", Token: "none"}) >= 0 || st.tokFind(identity.Key{Kind: "kz", Token: "一"}) >= 0 {
			t.Errorf("mask %d: found a key never added", mask)
		}
	}
}

// The record table agrees with a plain map through puts, replacements and
// removals, also when every id shares one of four hashes (so removals
// shift probe runs).
func TestRecTableCollisions(t *testing.T) {
	for _, mask := range []uint64{0, 3} {
		st := newIDState()
		st.records.mask = mask
		oracle := map[string]string{}
		for i := range 3000 {
			id := string(rune('a' + i*7%26))
			if i%5 == 0 {
				id += string(rune('a' + i%13))
			}
			switch i % 4 {
			case 3:
				if r, _, _ := st.recFind(id); r >= 0 {
					st.recDelete(r)
				}
				delete(oracle, id)
			default:
				ch := string(rune('A' + i%26))
				putRecord(&st, identity.StoredRecord{ID: id, Channel: ch})
				oracle[id] = ch
			}
			for j := range 26 {
				for _, x := range []string{string(rune('a' + j)), string(rune('a'+j)) + string(rune('a'+j%13))} {
					r, _, _ := st.recFind(x)
					want, ok := oracle[x]
					if (r >= 0) != ok || ok && headOf(&st, r).Channel != want {
						t.Fatalf("mask %d step %d: find %q = %d, want %q %v", mask, i, x, r, want, ok)
					}
				}
			}
		}
		if st.records.idx.n != len(oracle) {
			t.Errorf("mask %d: %d indexed, want %d", mask, st.records.idx.n, len(oracle))
		}
	}
}

// TestBumpOncePerCall: bump increments each listed row once per call,
// however often it is listed, also when the stamp counter wraps.
func TestBumpOncePerCall(t *testing.T) {
	st := newIDState()
	l := &st.customers
	a, b := l.at(uuid.UUID{1}), l.at(uuid.UUID{2})
	for _, start := range []uint32{0, ^uint32(0) - 1} {
		l.stamp = start
		va, vb := l.row(a).version, l.row(b).version
		for range 3 {
			bump(&l.stamp, l.n, l.list, []int32{a, b, a, a})
		}
		if l.row(a).version != va+3 || l.row(b).version != vb+3 {
			t.Fatalf("start %d: versions %d %d, want %d %d", start, l.row(a).version, l.row(b).version, va+3, vb+3)
		}
	}
}

// arenaHolds reports whether any arena chunk still holds the bytes of s.
func arenaHolds(st *idState, s string) bool {
	for _, ch := range st.arena.chunks {
		if bytes.Contains(ch[:cap(ch)], []byte(s)) {
			return true
		}
	}
	return false
}

// A replaced or deleted record's values (profile fields, display values,
// evidence) no longer exist in the store's memory; the token rows keep
// their keys (a token's version outlives its records).
func TestReplacedAndDeletedRecordBytesZeroed(t *testing.T) {
	s := New()
	ctx := t.Context()
	k := identity.Key{Kind: "phone", Token: "t-13800000000-phone"} // long, not hex: its bytes are in the arena
	rec := func(name, shown string) identity.StoredRecord {
		return identity.StoredRecord{ID: "r1", CustomerID: uuid.UUID{7}, Keys: []identity.Key{k},
			Evidence: []identity.Key{{Kind: "name", Token: "ev-" + name}}, Display: []string{shown}, Fields: map[string]string{"name": name}}
	}
	put := func(r identity.StoredRecord) {
		t.Helper()
		if err := s.ApplyIdentity(ctx, identity.Change{Records: []identity.StoredRecord{r}}); err != nil {
			t.Fatal(err)
		}
	}
	put(rec("张三丰", "138****0001"))
	if !arenaHolds(&s.id, "张三丰") || !arenaHolds(&s.id, "138****0001") {
		t.Fatal("setup: the record's values are not in the arena")
	}
	put(rec("李四光", "138****0002"))
	for _, v := range []string{"张三丰", "138****0001", "ev-张三丰"} {
		if arenaHolds(&s.id, v) {
			t.Errorf("after replacement the old value %q is still in memory", v)
		}
	}
	got, _ := s.IdentityRecords(ctx, []string{"r1"})
	if len(got) != 1 || got[0].Fields["name"] != "李四光" {
		t.Fatalf("after replacement: %+v", got)
	}
	if err := s.DeleteIdentityRecords(ctx, []string{"r1"}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"李四光", "138****0002", "ev-李四光"} {
		if arenaHolds(&s.id, v) {
			t.Errorf("after deletion the value %q is still in memory", v)
		}
	}
	// Strings handed out before the deletion are copies: still intact.
	if got[0].Fields["name"] != "李四光" || got[0].Display[0] != "138****0002" || got[0].ID != "r1" {
		t.Errorf("a returned record changed after deletion: %+v", got[0])
	}
	es, _ := s.IdentityTokens(ctx, []identity.Key{k})
	if len(es[0].Records) != 0 || es[0].Version != 3 || !arenaHolds(&s.id, k.Token) {
		t.Errorf("token after deletion: %+v", es[0])
	}
}

// Times keep their location (the same pointer) for up to maxLocs
// locations; past that, their instant and zone, and the table stops
// growing with locations of the same zone.
func TestRecordLocationsBounded(t *testing.T) {
	st := newIDState()
	base := time.Date(2025, 6, 1, 12, 0, 0, 5, time.UTC)
	for i := range maxLocs + 500 {
		loc := time.FixedZone("", 8*3600) // a new pointer each time, as time.Parse makes
		if i%100 == 0 {
			loc = time.FixedZone("XST", -3600*(i%5))
		}
		at := base.Add(time.Duration(i) * time.Minute).In(loc)
		row := putRecord(&st, identity.StoredRecord{ID: fmt.Sprint(i), At: at})
		got := headOf(&st, row).At
		gn, go_ := got.Zone()
		wn, wo := at.Zone()
		if !got.Equal(at) || gn != wn || go_ != wo || i < maxLocs && got != at {
			t.Fatalf("record %d: time %v, want %v", i, got, at)
		}
	}
	if len(st.locs) > maxLocs+10 {
		t.Errorf("%d locations interned", len(st.locs))
	}
}

func headOf(st *idState, r int32) identity.StoredRecord {
	h, _ := st.head(r, nil)
	return h
}

// A change's records find their places in the index from their
// expected-absent checks, also when every id's hash collides, the index
// grows during the change, and an id comes twice.
func TestApplyAbsentRecordsCollide(t *testing.T) {
	for _, mask := range []uint64{0, 1 << 63} {
		s := New()
		s.id.records.mask = mask
		ctx := t.Context()
		for round := range 3 {
			var ch identity.Change
			var ids []string
			for i := range 40 {
				id := fmt.Sprintf("r%d-%02d", round, i)
				ids = append(ids, id)
				ch.ExpectAbsent = append(ch.ExpectAbsent, id)
				ch.Records = append(ch.Records, identity.StoredRecord{ID: id, CustomerID: uuid.UUID{byte(round + 1)},
					Fields: map[string]string{"i": id}})
			}
			ch.Records = append(ch.Records, identity.StoredRecord{ID: ids[3], CustomerID: uuid.UUID{byte(round + 1)},
				Fields: map[string]string{"i": "again"}})
			if err := s.ApplyIdentity(ctx, ch); err != nil {
				t.Fatal(err)
			}
			got, _ := s.IdentityRecords(ctx, ids)
			if len(got) != len(ids) {
				t.Fatalf("mask %x round %d: %d records read, want %d", mask, round, len(got), len(ids))
			}
			for i, r := range got {
				want := ids[i]
				if i == 3 {
					want = "again"
				}
				if r.ID != ids[i] || r.Fields["i"] != want {
					t.Errorf("mask %x round %d: record %d = %q %v", mask, round, i, r.ID, r.Fields)
				}
			}
			cs, _ := s.IdentityCustomers(ctx, []uuid.UUID{{byte(round + 1)}})
			if !slices.Equal(cs[0].Records, ids) {
				t.Errorf("mask %x round %d: customer's records %v", mask, round, cs[0].Records)
			}
			if err := s.ApplyIdentity(ctx, identity.Change{ExpectAbsent: ids[5:6]}); !errors.Is(err, identity.ErrConflict) {
				t.Errorf("mask %x round %d: a stored id expected absent: %v", mask, round, err)
			}
		}
	}
}

// hexEvidence returns evidence of every token form, more than eight.
func hexEvidence() []identity.Key {
	var ks []identity.Key
	for i, tok := range append(tokenCases(), tokenCases()...) {
		ks = append(ks, identity.Key{Kind: identity.Kind([]string{"name", "surname", "x"}[i%3]), Token: tok})
	}
	return ks
}

// Any record read back from its stored bytes is the record stored.
func FuzzRecordRoundTrip(f *testing.F) {
	for _, tok := range tokenCases() {
		f.Add("r1", "app", "name", tok, "name", "张三", "d*", int64(1700000000))
	}
	f.Fuzz(func(t *testing.T, id, channel, kind, token, fk, fv, display string, sec int64) {
		want := identity.StoredRecord{ID: id, Channel: channel, At: time.Unix(sec, 0).UTC(), CustomerID: uuid.UUID{1},
			Keys:     []identity.Key{{Kind: identity.Kind(kind), Token: token}},
			Evidence: []identity.Key{{Kind: identity.Kind(kind), Token: token}, {Kind: "name", Token: fv + token}},
			Display:  []string{display}, Fields: map[string]string{fk: fv}}
		st := newIDState()
		row := putRecord(&st, want)
		got, _ := st.decode(row, nil)
		size := st.decodeSize(row)
		buf := make([]byte, 0, size)
		again, buf2 := st.decode(row, buf)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(again, want) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
		}
		if len(buf2) != size {
			t.Fatalf("decode appended %d bytes, decodeSize said %d", len(buf2), size)
		}
	})
}
