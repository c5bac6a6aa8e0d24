package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/privacy/audit"
)

// RunAudit checks a privacy/audit.Store.
func RunAudit(t *testing.T, newStore func(t *testing.T) audit.Store) {
	ctx := context.Background()
	entry := func(i int) []byte { return fmt.Appendf(nil, `{"n":%d}`, i) }
	t.Run("AppendThenRead", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AppendAudit(ctx, 0, [][]byte{entry(0), entry(1)}))
		must(t, s.AppendAudit(ctx, 2, [][]byte{entry(2)}))
		n, err := s.AuditSize(ctx)
		must(t, err)
		if n != 3 {
			t.Fatalf("size %d, want 3", n)
		}
		got, err := s.ReadAudit(ctx, 0, 3)
		must(t, err)
		for i := range 3 {
			if !bytes.Equal(got[i], entry(i)) {
				t.Fatalf("entry %d differs from the one appended", i)
			}
		}
		mid, err := s.ReadAudit(ctx, 1, 2)
		must(t, err)
		if len(mid) != 1 || !bytes.Equal(mid[0], entry(1)) {
			t.Fatal("ReadAudit(1, 2) does not return exactly entry 1")
		}
		empty, err := s.ReadAudit(ctx, 3, 3)
		must(t, err)
		if len(empty) != 0 {
			t.Fatal("empty range returned entries")
		}
	})
	t.Run("AppendWrongPositionConflicts", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AppendAudit(ctx, 0, [][]byte{entry(0)}))
		wantErr(t, s.AppendAudit(ctx, 0, [][]byte{entry(9)}), audit.ErrConflict)
		wantErr(t, s.AppendAudit(ctx, 5, [][]byte{entry(9)}), audit.ErrConflict)
		got, err := s.ReadAudit(ctx, 0, 1)
		must(t, err)
		if n, _ := s.AuditSize(ctx); n != 1 || !bytes.Equal(got[0], entry(0)) {
			t.Fatal("a conflicting append changed the log")
		}
	})
	t.Run("ReadOutOfRange", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AppendAudit(ctx, 0, [][]byte{entry(0)}))
		_, err := s.ReadAudit(ctx, 0, 2)
		wantErr(t, err, audit.ErrOutOfRange)
		_, err = s.ReadAudit(ctx, 1, 0)
		wantErr(t, err, audit.ErrOutOfRange)
	})
	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		e := entry(0)
		must(t, s.AppendAudit(ctx, 0, [][]byte{e}))
		e[0] = 'X'
		got, err := s.ReadAudit(ctx, 0, 1)
		must(t, err)
		if !bytes.Equal(got[0], entry(0)) {
			t.Fatal("store kept the caller's slice")
		}
		got[0][0] = 'Y'
		again, err := s.ReadAudit(ctx, 0, 1)
		must(t, err)
		if !bytes.Equal(again[0], entry(0)) {
			t.Fatal("store handed out its own slice")
		}
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		if err := s.AppendAudit(cancelled(), 0, [][]byte{entry(0)}); !errors.Is(err, context.Canceled) {
			t.Fatalf("append with cancelled context: %v", err)
		}
		if n, err := s.AuditSize(ctx); err != nil || n != 0 {
			t.Fatal("append with cancelled context stored an entry")
		}
		if _, err := s.ReadAudit(cancelled(), 0, 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("read with cancelled context: %v", err)
		}
		if _, err := s.AuditSize(cancelled()); !errors.Is(err, context.Canceled) {
			t.Fatalf("size with cancelled context: %v", err)
		}
	})
	t.Run("ConcurrentAppendersNoLostEntry", func(t *testing.T) {
		s := newStore(t)
		const writers, each = 8, 20
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					for {
						n, err := s.AuditSize(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						err = s.AppendAudit(ctx, n, [][]byte{entry(w*1000 + i)})
						if err == nil {
							break
						}
						if !errors.Is(err, audit.ErrConflict) {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		n, err := s.AuditSize(ctx)
		must(t, err)
		all, err := s.ReadAudit(ctx, 0, n)
		must(t, err)
		seen := map[string]bool{}
		for _, e := range all {
			if seen[string(e)] {
				t.Fatal("an entry was stored twice")
			}
			seen[string(e)] = true
		}
		if n != writers*each {
			t.Fatalf("size %d after %d appends: entries lost or added", n, writers*each)
		}
	})
}
