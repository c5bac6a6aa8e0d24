package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const rightsCSV = `rid,ch,tel,mail,who,seen,note
a1,app,13812345678,,张三,2026-01-01,first
a2,web,,zhangsan@qq.com,,2026-01-02,second
a3,store_pos,138-1234-5678,ZhangSan@QQ.com,,2026-01-03,joins a1 and a2
b1,app,13900001111,,李四,2026-01-01,bystander
x1,app,,,无名,2026-01-01,no identifier
`

func rightsArgs(dir string, extra ...string) []string {
	return append([]string{"-in", filepath.Join(dir, "in.csv"), "-id", "rid", "-channel", "ch", "-phone", "tel", "-email", "mail",
		"-name", "who", "-time", "seen", "-at", "2026-11-23T12:00:00Z"}, extra...)
}

func runRights(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(stdio{strings.NewReader(""), &out, &errb}, args)
	return out.String(), errb.String(), code
}

func readRightsCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestPrivacyExportAndErase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(rightsCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	// Export the person of record a2: all three records, none of b1.
	out, stderr, code := runRights(t, append([]string{"privacy", "export"}, rightsArgs(dir, "-record", "a2")...)...)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	var ex struct {
		Items []struct {
			Kind   string          `json:"kind"`
			Origin string          `json:"origin"`
			Data   json.RawMessage `json:"data"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &ex); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	kinds := map[string]int{}
	for _, it := range ex.Items {
		kinds[it.Kind+"/"+it.Origin]++
	}
	if kinds["profile/provided"] != 1 || kinds["identity_record/provided"] != 3 || kinds["merge/derived"] != 1 {
		t.Fatalf("export kinds %v", kinds)
	}
	if strings.Contains(out, "13900001111") || strings.Contains(out, "李四") || !strings.Contains(out, "张三") {
		t.Fatal("export holds the wrong person's data")
	}
	// Erase the same person.
	tomb := filepath.Join(dir, "tomb.jsonl")
	kept := filepath.Join(dir, "kept.csv")
	out, stderr, code = runRights(t, append([]string{"privacy", "erase"}, rightsArgs(dir, "-record", "a1", "-reason", "DSR-77",
		"-out", kept, "-tombstones", tomb)...)...)
	if code != 0 {
		t.Fatalf("erase exit %d: %s", code, stderr)
	}
	var rc struct {
		SourceRecords    int    `json:"source_records"`
		IdentifierTokens int    `json:"identifier_tokens"`
		ErasedAt         string `json:"erased_at"`
		KeyShredded      bool   `json:"key_shredded"`
	}
	if err := json.Unmarshal([]byte(out), &rc); err != nil || rc.SourceRecords != 3 || rc.IdentifierTokens != 2 || rc.KeyShredded || rc.ErasedAt != "2026-11-23T12:00:00Z" {
		t.Fatalf("receipt %s (%v)", out, err)
	}
	rows := readRightsCSV(t, kept)
	if len(rows) != 3 || rows[0][0] != "rid" || rows[1][0] != "b1" || rows[2][0] != "x1" || rows[1][6] != "bystander" {
		t.Fatalf("kept rows %v; want header, b1, x1 with every column", rows)
	}
	tb, _ := os.ReadFile(tomb)
	// Two customer ids (survivor and merged), three records, two tokens.
	if bytes.Contains(tb, []byte("13812345678")) || bytes.Contains(tb, []byte("zhangsan")) || bytes.Count(tb, []byte("\n")) != 7 {
		t.Fatalf("tombstones: %d lines, or plaintext inside", bytes.Count(tb, []byte("\n")))
	}
	// A fresh copy of the records with a new row of the erased phone: the
	// person's rows are refused and dropped, not resurrected.
	again := rightsCSV + "a9,app,+86 13812345678,,,2026-02-01,came back\n"
	if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(again), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = runRights(t, append([]string{"privacy", "erase"}, rightsArgs(dir, "-record", "b1", "-reason", "DSR-78",
		"-out", kept, "-tombstones", tomb)...)...)
	if code != 0 || !strings.Contains(stderr, "4 rows refused") {
		t.Fatalf("second erase exit %d: %s", code, stderr)
	}
	if rows := readRightsCSV(t, kept); len(rows) != 2 || rows[1][0] != "x1" {
		t.Fatalf("kept rows %v; want header and x1", rows)
	}
	_, stderr, code = runRights(t, append([]string{"privacy", "export"}, rightsArgs(dir, "-record", "a1", "-tombstones", tomb)...)...)
	if code == 0 || !strings.Contains(stderr, "already erased") {
		t.Fatalf("export of an erased person: exit %d %s", code, stderr)
	}
	// Bad use is a usage error.
	if _, _, code := runRights(t, "privacy", "erase", "-in", "x.csv"); code != 2 {
		t.Fatalf("erase without flags: exit %d; want 2", code)
	}
	if _, stderr, code := runRights(t, "privacy", "export", "-h"); code != 0 || !strings.Contains(stderr, "tombstones") {
		t.Fatalf("export -h: exit %d", code)
	}
}

// FuzzReadTombstones: any file content gives tombstones or an error, never
// a panic, and every tombstone accepted has a 64-character hash.
func FuzzReadTombstones(f *testing.F) {
	f.Add([]byte(`{"Hash":"` + strings.Repeat("ab", 32) + `","Kind":"record","Customer":"00000000-0000-0000-0000-000000000000","At":"2026-01-01T00:00:00Z"}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"Hash":1}`))
	f.Add([]byte(`not json`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "t.jsonl")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		ts, err := readTombstones(path)
		if err != nil {
			return
		}
		for _, x := range ts {
			if len(x.Hash) != 64 {
				t.Fatalf("accepted hash of %d bytes", len(x.Hash))
			}
		}
	})
}
