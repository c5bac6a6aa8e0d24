package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
	"github.com/google/uuid"
)

// lastTombstoneWins overwrites tombstones (so a retried erasure would move
// its time) and deletes no record.
type lastTombstoneWins struct {
	*memstore.Store
	mu sync.Mutex
	ts map[string]identity.Tombstone
}

func (s *lastTombstoneWins) PutTombstones(ctx context.Context, ts []identity.Tombstone) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		s.ts[t.Hash] = t
	}
	return nil
}

func (s *lastTombstoneWins) Tombstones(ctx context.Context, hashes []string) ([]identity.Tombstone, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []identity.Tombstone
	for _, h := range hashes {
		if t, ok := s.ts[h]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *lastTombstoneWins) CustomerTombstones(ctx context.Context, c uuid.UUID) ([]identity.Tombstone, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []identity.Tombstone
	for _, t := range s.ts {
		if t.Customer == c {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b identity.Tombstone) int { return strings.Compare(a.Hash, b.Hash) })
	return out, nil
}

func (s *lastTombstoneWins) DeleteIdentityRecords(ctx context.Context, ids []string) error {
	return nil
}

func TestBrokenEraseStoreHelper(t *testing.T) {
	if os.Getenv("STORETEST_BROKEN_ERASE") == "" {
		t.Skip("run only as the child of TestEraseSuiteCatchesBrokenStore")
	}
	storetest.RunIdentityErase(t, func(t *testing.T) identity.EraseStore {
		return &lastTombstoneWins{Store: memstore.New(), ts: map[string]identity.Tombstone{}}
	})
}

func TestEraseSuiteCatchesBrokenStore(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child test process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenEraseStoreHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "STORETEST_BROKEN_ERASE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the erase suite passed a broken store")
	}
	for _, sub := range []string{"DeleteRecordsUnindexes", "TombstonesFirstWins"} {
		if !strings.Contains(string(out), "--- FAIL: TestBrokenEraseStoreHelper/"+sub+" ") {
			t.Errorf("subtest %s did not catch the broken store; output:\n%s", sub, out)
		}
	}
}

// ignoresRefuseErased writes every change as if RefuseErased were unset.
type ignoresRefuseErased struct{ *memstore.Store }

func (s ignoresRefuseErased) ApplyIdentity(ctx context.Context, c identity.Change) error {
	c.RefuseErased = false
	return s.Store.ApplyIdentity(ctx, c)
}

func TestIgnoresRefuseErasedHelper(t *testing.T) {
	if os.Getenv("STORETEST_IGNORES_REFUSE_ERASED") == "" {
		t.Skip("run only as the child of TestEraseSuiteCatchesIgnoredRefuseErased")
	}
	storetest.RunIdentityErase(t, func(t *testing.T) identity.EraseStore { return ignoresRefuseErased{memstore.New()} })
}

func TestEraseSuiteCatchesIgnoredRefuseErased(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child test process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestIgnoresRefuseErasedHelper$", "-test.v")
	cmd.Env = append(os.Environ(), "STORETEST_IGNORES_REFUSE_ERASED=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("the erase suite passed a store that ignores RefuseErased")
	}
	if !strings.Contains(string(out), "--- FAIL: TestIgnoresRefuseErasedHelper/ApplyRefusesErased ") {
		t.Errorf("ApplyRefusesErased did not catch a store that ignores RefuseErased; output:\n%s", out)
	}
	for _, sub := range []string{"DeleteRecordsUnindexes", "TombstonesFirstWins"} {
		if strings.Contains(string(out), "--- FAIL: TestIgnoresRefuseErasedHelper/"+sub+" ") {
			t.Errorf("subtest %s failed a store whose only fault is RefuseErased; output:\n%s", sub, out)
		}
	}
}
