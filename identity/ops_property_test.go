package identity_test

import (
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
)

// TestOperationsKeepPartition runs storetest's random operations
// (ingests, re-ingests, operator merges and unmerges over a tiny identifier
// universe) on memstore: after every step the stored partition is what
// Resolve gives for the stored records and constraints.
func TestOperationsKeepPartition(t *testing.T) {
	seeds := 200
	if raceEnabled {
		seeds = 40
	}
	storetest.RunIdentityOperations(t, func(*testing.T) identity.Store { return memstore.New() }, seeds, 30)
}

// An unmerge that has nothing left to separate writes nothing: not the
// records' former ids, not an event.
func TestUnmergeTwiceWritesNothing(t *testing.T) {
	r, st := newResolver(t)
	a := mustIngest(t, r, rec("a", t0, "phone", "13812345678"))
	b := mustIngest(t, r, rec("b", t0.Add(time.Hour), "email", "z@qq.com"))
	mustIngest(t, r, rec("c", t0.Add(2*time.Hour), "phone", "13812345678"))
	ev, err := r.Merge(ctx, a.CustomerID, b.CustomerID, "operator")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Unmerge(ctx, ev.ID); err != nil {
		t.Fatal(err)
	}
	ids := []string{"a", "b", "c"}
	before := snapshot(t, st, ids)
	evsBefore, _ := st.IdentityEvents(ctx, a.CustomerID)
	if _, err := r.Unmerge(ctx, ev.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("second unmerge: %v, want ErrNotFound", err)
	}
	if after := snapshot(t, st, ids); !maps.Equal(before, after) {
		t.Fatalf("second unmerge moved records: %v -> %v", before, after)
	}
	if evs, _ := st.IdentityEvents(ctx, a.CustomerID); len(evs) != len(evsBefore) {
		t.Fatalf("second unmerge wrote %d events", len(evs)-len(evsBefore))
	}
}
