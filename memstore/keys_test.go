package memstore

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/privacy"
)

// TestListDataKeysAgainstSorted pages through a tenant's data keys while
// new customers and versions keep arriving (the customer order is sorted
// lazily), and checks every page against a sorted copy of what was
// created so far: each key after the cursor, in (customer, version)
// order, none twice.
func TestListDataKeysAgainstSorted(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 3))
	s := New()
	var all []privacy.DataKey
	create := func() {
		c := fmt.Sprintf("c%03d", r.IntN(300))
		v := uint32(1 + r.IntN(3))
		k := privacy.DataKey{Tenant: "t", CustomerID: c, Version: v, KEKVersion: 1, Wrapped: []byte{byte(v)}}
		err := s.CreateDataKey(ctx, k)
		dup := slices.ContainsFunc(all, func(d privacy.DataKey) bool { return d.CustomerID == c && d.Version == v })
		if dup != (err != nil) {
			t.Fatalf("create %s v%d: err = %v, duplicate %t", c, v, err, dup)
		}
		if err == nil {
			all = append(all, k)
		}
	}
	less := func(a, b privacy.DataKey) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Version, b.Version))
	}
	for round := range 8 {
		for range 40 {
			create()
		}
		// Page through with limit 7, creating keys between pages; the
		// listing must give, in order, every key after the cursor as
		// it stands when each page is read.
		cursor, last := "", privacy.DataKey{}
		for page := 0; ; page++ {
			got, next, err := s.ListDataKeys(ctx, "t", cursor, 7)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(all)
			slices.SortFunc(want, less)
			if page > 0 {
				i, _ := slices.BinarySearchFunc(want, last, less)
				for i < len(want) && less(want[i], last) <= 0 {
					i++
				}
				want = want[i:]
			}
			want = want[:min(7, len(want))]
			if len(got) != len(want) {
				t.Fatalf("round %d page %d: %d keys, want %d", round, page, len(got), len(want))
			}
			for i := range got {
				if less(got[i], want[i]) != 0 || got[i].Wrapped[0] != want[i].Wrapped[0] {
					t.Fatalf("round %d page %d: key %d = %s v%d, want %s v%d", round, page, i, got[i].CustomerID, got[i].Version, want[i].CustomerID, want[i].Version)
				}
			}
			if next == "" {
				break
			}
			cursor, last = next, got[len(got)-1]
			create()
		}
		// DataKeys of each customer: its versions in order.
		for _, c := range []string{"c000", "c150", "c299"} {
			got, err := s.DataKeys(ctx, "t", c)
			if err != nil {
				t.Fatal(err)
			}
			var want []privacy.DataKey
			for _, k := range all {
				if k.CustomerID == c {
					want = append(want, k)
				}
			}
			slices.SortFunc(want, less)
			if len(got) != len(want) {
				t.Fatalf("DataKeys(%s) = %d keys, want %d", c, len(got), len(want))
			}
			for i := range got {
				if got[i].Version != want[i].Version {
					t.Fatalf("DataKeys(%s)[%d] = v%d, want v%d", c, i, got[i].Version, want[i].Version)
				}
			}
		}
	}
}
