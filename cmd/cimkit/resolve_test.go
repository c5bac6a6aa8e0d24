package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestResolveOnSynthOutput(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCapture(t, "", "synth", "-customers", "400", "-orders", "1", "-seed", "4", "-out", dir); code != 0 {
		t.Fatalf("synth: %s", errs)
	}
	in, out := filepath.Join(dir, "customers.csv"), filepath.Join(dir, "clusters.csv")
	args := []string{"resolve", "-in", in, "-id", "record_id", "-phone", "phone", "-device", "device_id", "-email", "email",
		"-member", "member_id", "-name", "name", "-time", "registered_at", "-out", out}
	code, _, errs := runCapture(t, "", args...)
	if code != 0 {
		t.Fatalf("resolve: code %d: %s", code, errs)
	}
	rows := readResolveCSV(t, out)
	if strings.Join(rows[0], ",") != "record_id,customer_id" || len(rows) != 401 {
		t.Fatalf("header %v, %d rows; want record_id,customer_id and 400 records", rows[0], len(rows)-1)
	}
	// Score against the truth: records of one person mostly share a
	// customer, and customers rarely mix people.
	truth := map[string]string{}
	for _, r := range readResolveCSV(t, filepath.Join(dir, "truth.csv"))[1:] {
		truth[r[0]] = r[1]
	}
	byCustomer := map[string][]string{}
	for _, r := range rows[1:] {
		if r[1] != "" {
			byCustomer[r[1]] = append(byCustomer[r[1]], r[0])
		}
	}
	tp, pred := 0, 0
	for _, recs := range byCustomer {
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				pred++
				if truth[recs[i]] == truth[recs[j]] {
					tp++
				}
			}
		}
	}
	if pred == 0 || float64(tp)/float64(pred) < 0.98 {
		t.Fatalf("precision %d/%d too low", tp, pred)
	}
	// -explain by record id prints masked identifiers.
	code, stdout, errs := runCapture(t, "", append(args, "-explain", rows[1][0])...)
	if code != 0 || !strings.Contains(stdout, "record "+rows[1][0]) || !strings.Contains(stdout, "****") {
		t.Fatalf("explain: code %d, stdout %q, stderr %q", code, stdout, errs)
	}
	// -explain by customer id works too, without -out.
	code, stdout, _ = runCapture(t, "", "resolve", "-in", in, "-id", "record_id", "-phone", "phone", "-device", "device_id", "-explain", rows[1][1])
	if code != 0 || !strings.Contains(stdout, "customer "+rows[1][1]) {
		t.Fatalf("explain by customer: code %d, %q", code, stdout)
	}
}

func TestResolveUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("id,tel,dev\na,13812345678,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"missing flags":   {"resolve", "-in", in},
		"unknown column":  {"resolve", "-in", in, "-id", "id", "-phone", "phone", "-device", "dev", "-out", filepath.Join(dir, "o.csv")},
		"no out":          {"resolve", "-in", in, "-id", "id", "-phone", "tel", "-device", "dev"},
		"unknown explain": {"resolve", "-in", in, "-id", "id", "-phone", "tel", "-device", "dev", "-explain", "zzz"},
	} {
		if code, _, _ := runCapture(t, "", args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
}

func readResolveCSV(t *testing.T, path string) [][]string {
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

func FuzzResolveParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-06T15:23:30Z", "2024-01-06", "2024/01/06 10:00:00", "", "x", "2024-13-40"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := parseTime(s)
		if !ok && !tm.IsZero() {
			t.Fatalf("failed parse returned a time")
		}
		if ok && tm.Location() != time.UTC {
			t.Fatalf("time not in UTC")
		}
	})
}
