package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runArgs runs the cimkit command line in-process with empty stdin.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(stdio{in: strings.NewReader(""), out: &out, err: &errb}, args)
	return code, out.String(), errb.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := runArgs("help")
	if code != 0 || !strings.Contains(out, "synth") {
		t.Fatalf("help: code %d, output %q", code, out)
	}
	if code, _, errs := runArgs("nope"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("unknown command: code %d, stderr %q", code, errs)
	}
}

func TestSynthWritesFiles(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runArgs("synth", "-customers", "50", "-orders", "200", "-seed", "2", "-out", dir)
	if code != 0 {
		t.Fatalf("synth failed: %s", errs)
	}
	want := map[string]string{
		"customers.csv": "record_id,channel,name,gender,birth_date,phone,email,device_id,member_id,address,registered_at",
		"orders.csv":    "order_id,record_id,channel,placed_at,status,currency,payment_method,items,categories,discount,shipping,total,refunded",
		"events.csv":    "event_id,record_id,type,channel,at,sku,keyword",
		"truth.csv":     "record_id,person_id",
	}
	for name, header := range want {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != header {
			t.Errorf("%s header %v", name, rows[0])
		}
	}
	if code, _, _ := runArgs("synth", "-customers", "5"); code != 2 {
		t.Fatalf("synth without -out: code %d, want 2", code)
	}
	if code, _, _ := runArgs("synth", "-bogus"); code != 2 {
		t.Fatalf("synth with an unknown flag: code %d, want 2", code)
	}
}
