package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func clock() func() time.Time {
	var mu sync.Mutex
	n := 0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		n++
		return t0.Add(time.Duration(n) * time.Second)
	}
}

func entry(i int) audit.Entry {
	actions := []audit.Action{audit.ActionReveal, audit.ActionExport, audit.ActionErasure,
		audit.ActionConsentGrant, audit.ActionMerge, audit.ActionRuleChange}
	return audit.Entry{
		Actor: fmt.Sprintf("agent-%d", i%3), Role: "service_agent", Action: actions[i%len(actions)],
		Subject: fmt.Sprintf("c-%d", i), Fields: []string{"contact"}, Purpose: "service",
		Reason: fmt.Sprintf("ticket %d", i), Outcome: audit.OutcomeAllowed,
	}
}

// filled returns a store with n entries, its log and a checkpoint at n.
func filled(t *testing.T, n int) (*memstore.Store, *audit.Log, audit.Checkpoint) {
	t.Helper()
	ctx := context.Background()
	s := memstore.New()
	l, err := audit.Open(ctx, s, audit.Config{Origin: "test-log", Key: testKey(1), Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if idx, err := l.Append(ctx, entry(i)); err != nil || idx != uint64(i) {
			t.Fatalf("append %d: index %d, %v", i, idx, err)
		}
	}
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s, l, cp
}

func readAll(t *testing.T, s audit.Store) [][]byte {
	n, err := s.AuditSize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.ReadAudit(context.Background(), 0, n)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestVerifyHonestLog(t *testing.T) {
	ctx := context.Background()
	s, l, cp := filled(t, 13)
	v := l.Verifier()
	if err := v.VerifyStore(ctx, s, cp); err != nil {
		t.Fatalf("honest log rejected: %v", err)
	}
	// The log grows: the old checkpoint still verifies, and the new one
	// is provably an extension of it.
	for i := 13; i < 20; i++ {
		if _, err := l.Append(ctx, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.VerifyStore(ctx, s, cp); err != nil {
		t.Fatalf("old checkpoint rejected after growth: %v", err)
	}
	cp2, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := l.ConsistencyProof(cp.Size, cp2.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.VerifyAppendOnly(cp, cp2, proof); err != nil {
		t.Fatalf("consistency: %v", err)
	}
	all := readAll(t, s)
	for i := range all {
		p, err := l.InclusionProof(uint64(i), cp2.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.VerifyEntryIncluded(all[i], uint64(i), p, cp2); err != nil {
			t.Fatalf("inclusion of %d: %v", i, err)
		}
		if err := v.VerifyEntryIncluded(all[(i+1)%len(all)], uint64(i), p, cp2); !errors.Is(err, audit.ErrBadProof) {
			t.Fatalf("inclusion of wrong entry at %d: %v", i, err)
		}
	}
	e, err := audit.DecodeEntry(all[0])
	if err != nil || e.Actor != "agent-0" || !e.At.Equal(t0.Add(time.Second)) {
		t.Fatalf("decoded entry %+v, %v", e, err)
	}
}

// tamperings are every way to rewrite a stored log below a checkpoint.
func tamperings(rng *rand.Rand, all [][]byte) map[string][][]byte {
	n := len(all)
	cp := func() [][]byte { return slices.Clone(all) }
	out := map[string][][]byte{}
	for i := range n {
		m := cp()
		m[i] = bytes.Replace(m[i], []byte("agent-"), []byte("agent_"), 1)
		out[fmt.Sprintf("modify %d", i)] = m
		out[fmt.Sprintf("delete %d", i)] = slices.Delete(cp(), i, i+1)
		if i+1 < n {
			r := cp()
			r[i], r[i+1] = r[i+1], r[i]
			out[fmt.Sprintf("swap %d,%d", i, i+1)] = r
		}
		out[fmt.Sprintf("insert at %d", i)] = slices.Insert(cp(), i, all[rng.IntN(n)])
		out[fmt.Sprintf("truncate to %d", i)] = cp()[:i]
		flip := cp()
		flip[i] = bytes.Clone(flip[i])
		flip[i][rng.IntN(len(flip[i]))] ^= 1 << rng.IntN(8)
		out[fmt.Sprintf("bit flip in %d", i)] = flip
	}
	sh := cp()
	rng.Shuffle(n, func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
	if !slices.EqualFunc(sh, all, bytes.Equal) {
		out["shuffle"] = sh
	}
	return out
}

func TestVerifierCatchesEveryTampering(t *testing.T) {
	ctx := context.Background()
	s0, l, cp := filled(t, 9)
	v := l.Verifier()
	honest := readAll(t, s0)
	for name, bad := range tamperings(rand.New(rand.NewPCG(1, 2)), honest) {
		t.Run(name, func(t *testing.T) {
			s := memstore.New()
			if err := s.AppendAudit(ctx, 0, bad); err != nil {
				t.Fatal(err)
			}
			err := v.VerifyStore(ctx, s, cp)
			if !errors.Is(err, audit.ErrTampered) && !errors.Is(err, audit.ErrTruncated) {
				t.Fatalf("tampered log passed or failed for the wrong reason: %v", err)
			}
			if len(bad) < int(cp.Size) && !errors.Is(err, audit.ErrTruncated) {
				t.Fatalf("log shorter than the checkpoint not reported as truncated: %v", err)
			}
		})
	}
}

func TestForgedCheckpoint(t *testing.T) {
	ctx := context.Background()
	s, l, cp := filled(t, 5)
	v := l.Verifier()
	forged := map[string]audit.Checkpoint{}
	c := cp
	c.Size--
	forged["smaller size"] = c
	c = cp
	c.Root[0] ^= 1
	forged["other root"] = c
	c = cp
	c.Origin = "other-log"
	forged["other origin"] = c
	c = cp
	c.Signature = slices.Clone(c.Signature)
	c.Signature[10] ^= 4
	forged["bit flip in signature"] = c
	// Signed by the wrong key: a log the attacker rebuilt and signed.
	c, err := audit.Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: cp.Root}.Sign(testKey(2))
	if err != nil {
		t.Fatal(err)
	}
	forged["wrong key"] = c
	for name, f := range forged {
		t.Run(name, func(t *testing.T) {
			if err := v.VerifyStore(ctx, s, f); !errors.Is(err, audit.ErrBadSignature) {
				t.Fatalf("forged checkpoint: %v", err)
			}
		})
	}
	if err := (audit.Verifier{Origin: "test-log", Key: []byte{1, 2}}).VerifyCheckpoint(cp); !errors.Is(err, audit.ErrInvalid) {
		t.Fatalf("short key: %v", err)
	}
}

func TestConcurrentLogsShareStore(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	cfg := audit.Config{Origin: "shared", Key: testKey(3), Now: clock()}
	var logs []*audit.Log
	for range 3 {
		l, err := audit.Open(ctx, s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, l)
	}
	var wg sync.WaitGroup
	for w, l := range logs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				if _, err := l.Append(ctx, entry(w*100+i)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, l := range logs {
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Size != 90 {
			t.Fatalf("checkpoint size %d, want 90", cp.Size)
		}
		if err := l.Verifier().VerifyStore(ctx, s, cp); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEntryValidation(t *testing.T) {
	ok := entry(1)
	ok.At = t0
	cases := map[string]func(e *audit.Entry){
		"zero time":        func(e *audit.Entry) { e.At = time.Time{} },
		"unknown action":   func(e *audit.Entry) { e.Action = "peek" },
		"no outcome":       func(e *audit.Entry) { e.Outcome = "" },
		"no actor":         func(e *audit.Entry) { e.Actor = "" },
		"free text actor":  func(e *audit.Entry) { e.Actor = "Zhang San" },
		"phone as field":   func(e *audit.Entry) { e.Fields = []string{"138 0013 8000"} },
		"empty field":      func(e *audit.Entry) { e.Fields = []string{""} },
		"reason too long":  func(e *audit.Entry) { e.Reason = string(bytes.Repeat([]byte("x"), 2000)) },
		"invalid utf8":     func(e *audit.Entry) { e.Reason = "\xff" },
		"subject too long": func(e *audit.Entry) { e.Subject = string(bytes.Repeat([]byte("x"), 200)) },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			e := ok
			mut(&e)
			if _, err := e.Encode(); !errors.Is(err, audit.ErrInvalid) {
				t.Fatalf("got %v", err)
			}
		})
	}
	b, err := ok.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := audit.DecodeEntry(b)
	if err != nil || back.Reason != ok.Reason || !back.At.Equal(ok.At) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	s, l, cp := filled(t, 4)
	var buf bytes.Buffer
	if err := audit.WriteJSONL(&buf, readAll(t, s)); err != nil {
		t.Fatal(err)
	}
	back, err := audit.ReadJSONL(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Verifier().VerifyEntries(back, cp); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ReadJSONL(bytes.NewReader([]byte("{}\n\n{}\n"))); !errors.Is(err, audit.ErrInvalid) {
		t.Fatalf("empty line: %v", err)
	}
}
