package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/internal/corrupt"
)

const matchFields = "given_name,surname,street_number,address_1,suburb,postcode,state,date_of_birth,phone"

// writePeople writes people as a CSV with a rec_id column.
func writePeople(t *testing.T, path string, ps []corrupt.Person) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(append([]string{"rec_id"}, corrupt.Fields...))
	for _, p := range ps {
		_ = w.Write(append([]string{p.RecordID}, p.Values...))
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
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

func people(t *testing.T) []corrupt.Person {
	miss, cor := corrupt.DefaultRates()
	ps, err := corrupt.Generate(corrupt.Config{Originals: 250, DuplicateShare: 0.5, Chinese: 0.3, Missing: miss, Corrupt: cor, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func entityOf(id string) string { return strings.Split(id, "-")[1] }

func TestMatchDedupe(t *testing.T) {
	dir := t.TempDir()
	in, out, cl := filepath.Join(dir, "a.csv"), filepath.Join(dir, "pairs.csv"), filepath.Join(dir, "clusters.csv")
	ps := people(t)
	writePeople(t, in, ps)
	var so, se bytes.Buffer
	code := run(stdio{nil, &so, &se}, []string{"match", "-in", in, "-id", "rec_id", "-fields", matchFields,
		"-block", "surname;postcode;date_of_birth", "-threshold", "0.9", "-out", out, "-clusters", cl})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if !strings.Contains(se.String(), "rule surname:") {
		t.Errorf("diagnostics missing: %s", se.String())
	}
	rows := readCSV(t, out)
	if strings.Join(rows[0], ",") != "id_a,id_b,probability" {
		t.Fatalf("header %v", rows[0])
	}
	tp := 0
	for _, r := range rows[1:] {
		p, err := strconv.ParseFloat(r[2], 64)
		if err != nil || p < 0.9 || p > 1 {
			t.Fatalf("probability %q", r[2])
		}
		if entityOf(r[0]) == entityOf(r[1]) {
			tp++
		}
	}
	dups := len(ps) - 250
	if n := len(rows) - 1; n == 0 || float64(tp)/float64(n) < 0.95 || float64(tp)/float64(dups) < 0.8 {
		t.Errorf("%d pairs, %d true, %d duplicates", n, tp, dups)
	}
	crows := readCSV(t, cl)
	if strings.Join(crows[0], ",") != "record_id,entity_id" || len(crows) != len(ps)+1 {
		t.Fatalf("clusters header %v, %d rows", crows[0], len(crows))
	}
}

func TestMatchLinkToStdout(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	var orig, dup []corrupt.Person
	for _, p := range people(t) {
		if p.Original {
			orig = append(orig, p)
		} else {
			dup = append(dup, p)
		}
	}
	writePeople(t, a, orig)
	writePeople(t, b, dup)
	var so, se bytes.Buffer
	code := run(stdio{nil, &so, &se}, []string{"match", "-in", a, "-in2", b, "-id", "rec_id", "-fields", matchFields,
		"-block", "surname;postcode+state;date_of_birth"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	rows, err := csv.NewReader(&so).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if !strings.HasSuffix(r[0], "-org") || !strings.Contains(r[1], "-dup-") {
			t.Fatalf("link pair not across tables: %v", r)
		}
	}
	if len(rows) < len(dup)*8/10 {
		t.Errorf("%d links for %d duplicates", len(rows)-1, len(dup))
	}
}

func TestMatchErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.csv")
	writePeople(t, in, people(t))
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("rec_id,surname\n1,\"unterminated\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing flags", []string{"-in", in}, 2, "required"},
		{"bad threshold", []string{"-in", in, "-id", "rec_id", "-fields", "surname", "-block", "surname", "-threshold", "2"}, 2, "threshold"},
		{"bad block", []string{"-in", in, "-id", "rec_id", "-fields", "surname", "-block", "surname;"}, 2, "empty column"},
		{"unknown column", []string{"-in", in, "-id", "rec_id", "-fields", "nope", "-block", "surname"}, 1, `no column "nope"`},
		{"too many pairs", []string{"-in", in, "-id", "rec_id", "-fields", "surname,given_name", "-block", "state", "-max-pairs", "100"}, 1, "too many"},
		{"malformed csv", []string{"-in", bad, "-id", "rec_id", "-fields", "surname", "-block", "surname"}, 1, "line"},
		{"missing file", []string{"-in", filepath.Join(dir, "none.csv"), "-id", "rec_id", "-fields", "surname", "-block", "surname"}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var so, se bytes.Buffer
			code := run(stdio{nil, &so, &se}, append([]string{"match"}, tt.args...))
			if code != tt.code || !strings.Contains(se.String(), tt.msg) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, se.String(), tt.code, tt.msg)
			}
		})
	}
}

func FuzzParseTable(f *testing.F) {
	f.Add("id,a,b\n1,x,y\n2,,z\n")
	f.Add("\ufeffid,a,b\n1,\"x,y\",z\n")
	f.Add("id,a\n1\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := parseTable(strings.NewReader(s), "id", []string{"a", "b"})
		if err != nil {
			return
		}
		for _, r := range recs {
			if len(r.Values) != 2 {
				t.Fatalf("%d values", len(r.Values))
			}
		}
	})
}
