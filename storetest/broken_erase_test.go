package storetest_test

import (
	"context"
	"os"
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
	runBroken(t, "TestBrokenEraseStoreHelper", "STORETEST_BROKEN_ERASE=1", "keeps the last tombstone and deletes nothing",
		[]string{"DeleteRecordsUnindexes", "TombstonesFirstWins"}, nil)
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
	runBroken(t, "TestIgnoresRefuseErasedHelper", "STORETEST_IGNORES_REFUSE_ERASED=1", "ignores RefuseErased",
		[]string{"ApplyRefusesErased"}, []string{"DeleteRecordsUnindexes", "TombstonesFirstWins"})
}
