// Package audit is cimkit's tamper-evident audit log: an append-only record
// of every reveal, export, erasure, consent change, merge and rule change
// (who, what, when, why; ids and field names, never personal data).
//
// Entries are the leaves of an RFC 6962 Merkle tree (SHA-256, 0x00 leaf and
// 0x01 node prefixes). The Log signs checkpoints (ed25519 over origin, size
// and root) and issues inclusion and consistency proofs; a Verifier holding
// only the public key detects any entry modified, deleted, reordered or
// truncated below a checkpoint, and rejects forged checkpoints.
//
//	store := memstore.New() // or any audit.Store
//	log, _ := audit.Open(ctx, store, audit.Config{Origin: "shop", Key: key})
//	log.Append(ctx, audit.Entry{Actor: "agent-7", Action: audit.ActionReveal, Subject: id, Fields: []string{"contact"}, Reason: "ticket 123", Outcome: audit.OutcomeAllowed})
//	cp, _ := log.Checkpoint(ctx) // keep cp somewhere the log's writers cannot reach
//	err := audit.Verifier{Origin: "shop", Key: pub}.VerifyStore(ctx, store, cp) // ErrTampered, ErrTruncated, ErrBadSignature
package audit
