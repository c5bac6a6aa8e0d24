package rfm

import (
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestIDTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	tb := newIDTable(maphash.MakeSeed())
	want := map[[2]string]int32{}
	for range 50000 {
		owner := int32(r.IntN(50))
		var key string
		switch r.IntN(3) {
		case 0:
			key = strconv.Itoa(r.IntN(5000)) // short, inline
		case 1:
			key = "order-with-a-long-common-prefix-" + strconv.Itoa(r.IntN(5000))
		default:
			key = string([]byte{byte(r.IntN(3))}) // tiny, with zero bytes
		}
		k := [2]string{strconv.Itoa(int(owner)), key}
		got := tb.intern(owner, true, []byte(key))
		if w, ok := want[k]; ok {
			if got != w {
				t.Fatalf("%q/%d: %d, want %d", key, owner, got, w)
			}
			continue
		}
		if int(got) != len(want) {
			t.Fatalf("new id %q numbered %d, want %d", key, got, len(want))
		}
		want[k] = got
	}
	// "a" and "a\x00" differ only in length; unscoped table.
	u := newIDTable(maphash.MakeSeed())
	if a, b := u.intern(0, false, []byte("a")), u.intern(0, false, []byte("a\x00")); a == b {
		t.Fatal("ids differing in a trailing zero byte merged")
	}
	if s := u.strings(); s[0] != "a" || s[1] != "a\x00" {
		t.Fatalf("strings %q", s)
	}
}

func TestRunsDedupeConfirmsCollisions(t *testing.T) {
	r := newRuns(maphash.MakeSeed())
	for _, k := range []struct {
		c int32
		o string
	}{{0, "a"}, {0, "b"}, {0, "a"}, {1, "a"}, {0, "b"}, {0, "c"}} {
		r.add(k.c, []byte(k.o))
	}
	// Force every run into one hash: only equal (customer, order) may merge.
	for i := range r.hash {
		r.hash[i] = 42
	}
	got := r.dedupe()
	want := []int32{0, 1, 0, 3, 1, 5}
	if !slices.Equal(got, want) {
		t.Fatalf("canon = %v, want %v", got, want)
	}
	d := newRuns(maphash.MakeSeed())
	d.add(0, []byte("x"))
	d.add(0, []byte("y"))
	if d.dedupe() != nil {
		t.Fatal("distinct runs renumbered")
	}
}
