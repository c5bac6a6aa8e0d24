package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
)

func Example() {
	ctx := context.Background()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)) // load from your KMS
	store := memstore.New()
	log, _ := audit.Open(ctx, store, audit.Config{Origin: "shop.example/audit", Key: key, Now: clock()})

	log.Append(ctx, audit.Entry{Actor: "agent-7", Role: "service_agent", Action: audit.ActionReveal,
		Subject: "5f0c6a9e-0000-4000-8000-000000000001", Fields: []string{"contact"}, Purpose: "service",
		Reason: "caller asked to confirm the number on ticket 4411", Outcome: audit.OutcomeAllowed})
	cp, _ := log.Checkpoint(ctx) // publish or hand cp to the compliance team

	v := audit.Verifier{Origin: "shop.example/audit", Key: key.Public().(ed25519.PublicKey)}
	fmt.Println("size", cp.Size, "verified:", v.VerifyStore(ctx, store, cp) == nil)

	// Someone rewrites the stored entry.
	entries, _ := store.ReadAudit(ctx, 0, 1)
	forged := memstore.New()
	forged.AppendAudit(ctx, 0, [][]byte{bytes.Replace(entries[0], []byte("agent-7"), []byte("agent-8"), 1)})
	err := v.VerifyStore(ctx, forged, cp)
	fmt.Println("tampered:", errors.Is(err, audit.ErrTampered))
	// Output:
	// size 1 verified: true
	// tampered: true
}
