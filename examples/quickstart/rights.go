package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cimkit/cimkit/customer"
	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/demo"
	"github.com/cimkit/cimkit/privacy/audit"
)

// rightsStage exercises data-subject rights on one resolved customer: a
// subject-access export, then erasure (tombstones, identity records,
// profile, free text), every step written to the tamper-evident audit log,
// whose signed checkpoint is then verified; re-ingesting the person's
// records is refused.
func rightsStage(ctx context.Context, p *progress, e *env) error {
	defer p.stage("data-subject rights: export, erasure, tamper-evident audit")()
	seed := [32]byte{}
	rand.NewChaCha8([32]byte{7}).Read(seed[:])
	key := ed25519.NewKeyFromSeed(seed[:])
	log, err := audit.Open(ctx, e.store, audit.Config{Origin: "cimkit-quickstart", Key: key, Now: func() time.Time { return demo.Now }})
	if err != nil {
		return err
	}
	rights := customer.NewRights(e.svc, &customer.RightsOptions{Audit: log, Consents: e.store, Now: func() time.Time { return demo.Now }})
	// The customer of the first record that resolved to anyone.
	var src customer.SourceRecord
	var id [16]byte
	for _, r := range e.ds.Records {
		if cid, ok := e.ids[r.ID]; ok {
			if recs, err := e.svc.Resolver().Records(ctx, cid); err == nil && len(recs) > 0 {
				src, id = demo.SourceOf(r), cid
				break
			}
		}
	}
	exp, err := rights.Export(ctx, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := exp.WriteJSON(&buf); err != nil {
		return err
	}
	provided, derived := 0, 0
	for _, it := range exp.Items {
		if it.Origin == customer.Provided {
			provided++
		} else {
			derived++
		}
	}
	p.printf("    export: %d items (%d provided by the customer, %d derived), %d bytes of JSON\n", len(exp.Items), provided, derived, buf.Len())
	rc, err := rights.Erase(ctx, id, "data subject request DSR-0001")
	if err != nil {
		return err
	}
	p.printf("    erased: %d source records, %d identifier tokens tombstoned, profile deleted %t; %d orders kept for the books, free text cleared\n",
		rc.SourceRecords, rc.IdentifierTokens, rc.ProfileDeleted, rc.Orders)
	if _, err := e.svc.Ingest(ctx, src); !errors.Is(err, identity.ErrErased) {
		return errors.New("re-ingesting an erased person's record was not refused")
	}
	p.printf("    re-ingesting one of their records: refused (identity.ErrErased)\n")
	cp, err := log.Checkpoint(ctx)
	if err != nil {
		return err
	}
	v := audit.Verifier{Origin: "cimkit-quickstart", Key: log.PublicKey()}
	if err := v.VerifyStore(ctx, e.store, cp); err != nil {
		return err
	}
	p.printf("    audit log: %d entries, signed checkpoint verified against the store\n", cp.Size)
	return nil
}
