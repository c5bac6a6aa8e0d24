package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Config configures a Log.
type Config struct {
	Origin string             // the log's name, bound into every checkpoint
	Key    ed25519.PrivateKey // signs checkpoints
	Now    func() time.Time   // stamps entries with a zero At; nil means time.Now
}

// Log is the append-only audit log over a Store: it encodes entries,
// appends them, keeps the leaf hashes, and issues signed checkpoints and
// RFC 6962 proofs. It is safe for concurrent use, and several Logs (in
// several processes) may share one Store: an append that loses a race
// re-reads the new entries and retries.
type Log struct {
	mu    sync.Mutex
	store Store
	cfg   Config
	tree  tree // every perfect subtree hash, for roots and proofs
}

// Open loads the leaf hashes of the entries already in s and returns the
// log. Open does not vouch for those entries: check them with a Verifier
// and a checkpoint kept elsewhere.
func Open(ctx context.Context, s Store, cfg Config) (*Log, error) {
	if err := checkOrigin(cfg.Origin); err != nil {
		return nil, err
	}
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("audit: signing key: %w: wrong length", ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &Log{store: s, cfg: cfg}
	if err := l.catchUp(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// catchUp reads entries other writers appended. Called with mu held.
func (l *Log) catchUp(ctx context.Context) error {
	n, err := l.store.AuditSize(ctx)
	if err != nil {
		return err
	}
	have := l.tree.size()
	if n < have {
		return fmt.Errorf("audit: %w: store shrank below what this log has read", ErrTruncated)
	}
	if n == have {
		return nil
	}
	entries, err := l.store.ReadAudit(ctx, have, n)
	if err != nil {
		return err
	}
	for _, e := range entries {
		l.add(HashLeaf(e))
	}
	return nil
}

func (l *Log) add(h Hash) { l.tree.append(h) }

// Append validates e, stamps it with the clock if At is zero, stores it and
// returns its index.
func (l *Log) Append(ctx context.Context, e Entry) (uint64, error) {
	if e.At.IsZero() {
		e.At = l.cfg.Now()
	}
	data, err := e.Encode()
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for attempt := 0; ; attempt++ {
		at := l.tree.size()
		err := l.store.AppendAudit(ctx, at, [][]byte{data})
		if err == nil {
			l.add(HashLeaf(data))
			return at, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= 100 {
			return 0, err
		}
		if err := l.catchUp(ctx); err != nil {
			return 0, err
		}
	}
}

// Checkpoint returns a signed checkpoint of the log as it is now, after
// reading any entries other writers appended.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.catchUp(ctx); err != nil {
		return Checkpoint{}, err
	}
	n := l.tree.size()
	cp := Checkpoint{Origin: l.cfg.Origin, Size: n, Root: l.tree.hash(0, n)}
	return cp.Sign(l.cfg.Key)
}

// InclusionProof returns the proof that the entry at index is in the tree
// of the given size (a size some checkpoint was issued for).
func (l *Log) InclusionProof(index, size uint64) ([]Hash, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tree.inclusionProof(index, size)
}

// ConsistencyProof returns the proof that the tree of size1 is a prefix of
// the tree of size2.
func (l *Log) ConsistencyProof(size1, size2 uint64) ([]Hash, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tree.consistencyProof(size1, size2)
}

// PublicKey returns the key a Verifier of this log needs.
func (l *Log) PublicKey() ed25519.PublicKey {
	return l.cfg.Key.Public().(ed25519.PublicKey)
}

// Verifier returns a Verifier for this log's origin and key.
func (l *Log) Verifier() Verifier { return Verifier{Origin: l.cfg.Origin, Key: l.PublicKey()} }
