package memstore

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cimkit/cimkit/privacy/audit"
)

// TestAuditTamperingInStoreIsCaught rewrites the store's own entry slice
// behind the log's back, as an attacker with database access would, and
// checks the verifier catches each change.
func TestAuditTamperingInStoreIsCaught(t *testing.T) {
	ctx := context.Background()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32))
	tampers := map[string]func(s *Store){
		"modify":   func(s *Store) { s.audit[2] = bytes.Replace(s.audit[2], []byte("c-2"), []byte("c-9"), 1) },
		"delete":   func(s *Store) { s.audit = append(s.audit[:1:1], s.audit[2:]...) },
		"reorder":  func(s *Store) { s.audit[0], s.audit[3] = s.audit[3], s.audit[0] },
		"truncate": func(s *Store) { s.audit = s.audit[:4] },
	}
	for name, tamper := range tampers {
		t.Run(name, func(t *testing.T) {
			s := New()
			l, err := audit.Open(ctx, s, audit.Config{Origin: "memstore-test", Key: key,
				Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 6 {
				if _, err := l.Append(ctx, audit.Entry{Actor: "a", Action: audit.ActionExport, Subject: fmt.Sprintf("c-%d", i), Outcome: audit.OutcomeAllowed}); err != nil {
					t.Fatal(err)
				}
			}
			cp, err := l.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Verifier().VerifyStore(ctx, s, cp); err != nil {
				t.Fatalf("untouched store: %v", err)
			}
			s.mu.Lock()
			tamper(s)
			s.mu.Unlock()
			err = l.Verifier().VerifyStore(ctx, s, cp)
			if !errors.Is(err, audit.ErrTampered) && !errors.Is(err, audit.ErrTruncated) {
				t.Fatalf("tampering not caught: %v", err)
			}
		})
	}
}
