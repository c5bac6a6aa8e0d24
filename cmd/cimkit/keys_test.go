package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeysCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	code, out, errOut := runArgs("keys", "init", "-file", path)
	if code != 0 || !strings.Contains(out, "primary: 1") || !strings.Contains(out, "version  state    created") {
		t.Fatalf("init: %d %q %q", code, out, errOut)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	if code, _, _ := runArgs("keys", "init", "-file", path); code != 1 {
		t.Fatalf("second init exit %d, want 1", code)
	}
	code, out, _ = runArgs("keys", "rotate", "-file", path)
	if code != 0 || !strings.Contains(out, "primary: 2") {
		t.Fatalf("rotate: %d %q", code, out)
	}
	code, out, _ = runArgs("keys", "status", "-file", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 || !strings.HasPrefix(lines[3], "1        active") || !strings.HasPrefix(lines[4], "2        primary") {
		t.Fatalf("status: %d\n%s", code, out)
	}
	// No key material, raw or base64, in any output.
	b, _ := os.ReadFile(path)
	var kf struct{ Keys []struct{ Material string } }
	if err := json.Unmarshal(b, &kf); err != nil || len(kf.Keys) != 2 {
		t.Fatal(err)
	}
	for _, k := range kf.Keys {
		raw, _ := base64.StdEncoding.DecodeString(k.Material)
		if strings.Contains(out, k.Material) || strings.Contains(out, string(raw)) {
			t.Fatal("status printed key material")
		}
	}
}

func TestKeysCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		args []string
		code int
	}{
		"NoSubcommand": {[]string{"keys"}, 2},
		"Unknown":      {[]string{"keys", "list"}, 2},
		"BadFlag":      {[]string{"keys", "status", "-nope"}, 2},
		"Missing":      {[]string{"keys", "status", "-file", filepath.Join(dir, "none.json")}, 1},
		"Help":         {[]string{"keys", "-h"}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, _ := runArgs(tc.args...); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
		})
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format":"cimkit-local-keys/v1","keys":[{"version":1,"state":"primary","material":"c2VjcmV0"}]}`), 0o600)
	code, _, errOut := runArgs("keys", "status", "-file", bad)
	if code != 1 || strings.Contains(errOut, "c2VjcmV0") || strings.Contains(errOut, "secret") {
		t.Fatalf("malformed file: %d %q", code, errOut)
	}
}
