package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/privacy/audit"
)

// writeAudit writes an exported log of n entries and a checkpoint over it,
// and returns the paths and the public key.
func writeAudit(t *testing.T, n int) (logPath, cpPath string, pub ed25519.PublicKey) {
	t.Helper()
	ctx := context.Background()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize))
	s := memstore.New()
	l, err := audit.Open(ctx, s, audit.Config{Origin: "cli-test", Key: key,
		Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := l.Append(ctx, audit.Entry{Actor: "agent-1", Action: audit.ActionReveal, Subject: "c-" + string(rune('a'+i)),
			Fields: []string{"contact"}, Reason: "ticket", Outcome: audit.OutcomeAllowed}); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	all, _ := s.ReadAudit(ctx, 0, uint64(n))
	var buf bytes.Buffer
	if err := audit.WriteJSONL(&buf, all); err != nil {
		t.Fatal(err)
	}
	logPath, cpPath = filepath.Join(dir, "audit.jsonl"), filepath.Join(dir, "cp.json")
	cpJSON, _ := json.Marshal(cp)
	if err := os.WriteFile(logPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cpPath, cpJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	return logPath, cpPath, key.Public().(ed25519.PublicKey)
}

func TestPrivacyVerifyAudit(t *testing.T) {
	logPath, cpPath, pub := writeAudit(t, 5)
	keyFile := filepath.Join(t.TempDir(), "key.pub")
	os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(pub)+"\n"), 0o600)
	for _, k := range []string{hex.EncodeToString(pub), base64.StdEncoding.EncodeToString(pub), keyFile} {
		code, out, errs := runCapture(t, "", "privacy", "verify-audit", "-in", logPath, "-checkpoint", cpPath, "-pubkey", k)
		if code != 0 || !strings.HasPrefix(out, "ok\tcli-test\tentries=5\tcheckpoint_size=5\troot=") {
			t.Fatalf("honest log: code %d out %q err %q", code, out, errs)
		}
	}
	pubHex := hex.EncodeToString(pub)

	// Tampered: swap two lines.
	data, _ := os.ReadFile(logPath)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	lines[1], lines[2] = lines[2], lines[1]
	os.WriteFile(logPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	code, _, errs := runCapture(t, "", "privacy", "verify-audit", "-in", logPath, "-checkpoint", cpPath, "-pubkey", pubHex)
	if code != 1 || !strings.Contains(errs, "tampered") {
		t.Fatalf("reordered log: code %d err %q", code, errs)
	}
	// Truncated.
	os.WriteFile(logPath, []byte(strings.Join(lines[:3], "\n")+"\n"), 0o600)
	code, _, errs = runCapture(t, "", "privacy", "verify-audit", "-in", logPath, "-checkpoint", cpPath, "-pubkey", pubHex)
	if code != 1 || !strings.Contains(errs, "truncated") {
		t.Fatalf("truncated log: code %d err %q", code, errs)
	}
	// Wrong key: a forged checkpoint.
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{6}, 32)).Public().(ed25519.PublicKey)
	code, _, errs = runCapture(t, "", "privacy", "verify-audit", "-in", logPath, "-checkpoint", cpPath, "-pubkey", hex.EncodeToString(other))
	if code != 1 || !strings.Contains(errs, "signature") {
		t.Fatalf("wrong key: code %d err %q", code, errs)
	}
	// Usage errors.
	for _, args := range [][]string{
		{"privacy"},
		{"privacy", "erase"},
		{"privacy", "verify-audit", "-in", logPath},
		{"privacy", "verify-audit", "-in", logPath, "-checkpoint", cpPath, "-pubkey", "not-a-key"},
	} {
		if code, _, _ := runCapture(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestPrivacyROPA(t *testing.T) {
	rp := filepath.Join(t.TempDir(), "retention.json")
	os.WriteFile(rp, []byte(`{"version":"r1","event_max_age_days":365,"customer_inactive_years":3,"ticket_after_months":24}`), 0o600)
	code, out, errs := runCapture(t, "", "privacy", "ropa", "-retention", rp)
	if code != 0 || !strings.Contains(out, "| marketing | marketing | derived_scores | plain | no |") {
		t.Fatalf("md: code %d err %q out %q", code, errs, out)
	}
	code, out, _ = runCapture(t, "", "privacy", "ropa", "-retention", rp, "-format", "json")
	var rec map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || rec["retention_policy_version"] != "r1" {
		t.Fatalf("json: code %d out %q", code, out)
	}
	if code, _, _ := runCapture(t, "", "privacy", "ropa", "-retention", rp, "-format", "pdf"); code != 2 {
		t.Fatal("bad format accepted")
	}
}
