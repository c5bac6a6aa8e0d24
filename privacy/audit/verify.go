package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
)

// Verifier checks checkpoints and logs against a trusted public key. It
// holds no secrets and is safe for concurrent use.
type Verifier struct {
	Origin string            // the log's name; a checkpoint for another origin is rejected
	Key    ed25519.PublicKey // the log's checkpoint-signing key
}

// VerifyCheckpoint checks the checkpoint's origin and signature. A forged
// or altered checkpoint wraps ErrBadSignature.
func (v Verifier) VerifyCheckpoint(c Checkpoint) error {
	if len(v.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("audit: verifier key: %w: wrong length", ErrInvalid)
	}
	if c.Origin != v.Origin {
		return fmt.Errorf("audit: checkpoint: %w: origin differs from the verifier's", ErrBadSignature)
	}
	if !ed25519.Verify(v.Key, c.SignedBody(), c.Signature) {
		return fmt.Errorf("audit: checkpoint: %w", ErrBadSignature)
	}
	return nil
}

// VerifyEntries checks that entries begin with the cp.Size entries the
// signed checkpoint covers, unchanged and in order. Entries after cp.Size
// are allowed (the log grew) but not vouched for; verify them against a
// later checkpoint. (Covered entries need no decoding: the log validated
// each one before it was hashed, and the root commits to the bytes.) Fewer entries wrap ErrTruncated; a
// modified, deleted, inserted or reordered entry wraps ErrTampered.
func (v Verifier) VerifyEntries(entries [][]byte, cp Checkpoint) error {
	if err := v.VerifyCheckpoint(cp); err != nil {
		return err
	}
	if uint64(len(entries)) < cp.Size {
		return fmt.Errorf("audit: %w: %d entries, checkpoint covers %d", ErrTruncated, len(entries), cp.Size)
	}
	var c compact
	for i, e := range entries {
		if uint64(i) < cp.Size {
			c.append(HashLeaf(e))
		}
	}
	if c.root() != cp.Root {
		return fmt.Errorf("audit: %w: entries do not hash to the checkpoint root", ErrTampered)
	}
	return nil
}

// verifyChunk is how many entries VerifyStore reads at a time.
const verifyChunk = 4096

// VerifyStore reads the entries of s the checkpoint covers, in chunks, and
// checks them as VerifyEntries does, holding only O(log n) hashes in memory.
func (v Verifier) VerifyStore(ctx context.Context, s Store, cp Checkpoint) error {
	if err := v.VerifyCheckpoint(cp); err != nil {
		return err
	}
	n, err := s.AuditSize(ctx)
	if err != nil {
		return err
	}
	if n < cp.Size {
		return fmt.Errorf("audit: %w: %d entries, checkpoint covers %d", ErrTruncated, n, cp.Size)
	}
	var c compact
	for start := uint64(0); start < cp.Size; start += verifyChunk {
		end := min(start+verifyChunk, cp.Size)
		entries, err := s.ReadAudit(ctx, start, end)
		if err != nil {
			return err
		}
		if uint64(len(entries)) != end-start {
			return fmt.Errorf("audit: %w: store returned %d entries for a range of %d", ErrTampered, len(entries), end-start)
		}
		for _, e := range entries {
			c.append(HashLeaf(e))
		}
	}
	if c.root() != cp.Root {
		return fmt.Errorf("audit: %w: entries do not hash to the checkpoint root", ErrTampered)
	}
	return nil
}

// VerifyAppendOnly checks two signed checkpoints and a consistency proof
// that the newer log extends the older one: nothing the older checkpoint
// covered was rewritten.
func (v Verifier) VerifyAppendOnly(older, newer Checkpoint, proof []Hash) error {
	if err := v.VerifyCheckpoint(older); err != nil {
		return err
	}
	if err := v.VerifyCheckpoint(newer); err != nil {
		return err
	}
	return VerifyConsistency(older.Size, newer.Size, proof, older.Root, newer.Root)
}

// VerifyEntryIncluded checks that entry is at index in the log the signed
// checkpoint covers, given an inclusion proof from Log.InclusionProof.
func (v Verifier) VerifyEntryIncluded(entry []byte, index uint64, proof []Hash, cp Checkpoint) error {
	if err := v.VerifyCheckpoint(cp); err != nil {
		return err
	}
	return VerifyInclusion(index, cp.Size, HashLeaf(entry), proof, cp.Root)
}
