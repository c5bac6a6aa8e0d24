package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/rfm"
	"github.com/shopspring/decimal"
)

const ordersCSV = `cust,oid,ts,amt,cur
alice,A1,2026-01-05 10:00:00,120.00,CNY
alice,A1,2026-01-05 10:01:00,30,CNY
alice,A2,2026-03-28T23:30:00+08:00,80.5,CNY
bob,B1,2025/11/02,15.50,CNY
bob,B1R,2025-11-09,-15.50,CNY
carol,C1,2026-03-30,9.99,
dave,D1,2026-04-02,50.00,CNY
erin,E1,2026-03-01,-3.00,CNY
`

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// rfmRun is runArgs with the results in the order these tests read them.
func rfmRun(args ...string) (string, string, int) {
	code, out, errs := runArgs(args...)
	return out, errs, code
}

func TestRFMCommand(t *testing.T) {
	in := writeTemp(t, "orders.csv", ordersCSV)
	out := filepath.Join(t.TempDir(), "scores.csv")
	excl := filepath.Join(t.TempDir(), "excluded.txt")
	_, stderr, code := rfmRun("rfm", "-in", in, "-customer", "cust", "-order", "oid", "-time", "ts", "-amount", "amt",
		"-currency", "cur", "-asof", "2026-03-31", "-bins", "3", "-table", "cn8", "-out", out, "-excluded", excl)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(out)
	// alice: A1 is one order of 150; A2 at 23:30+08:00 is 15:30 UTC on 03-28.
	want := `customer_id,recency_days,frequency,monetary,r,f,m,segment
alice,3,2,230.50,2,3,3,重要保持客户
bob,149,1,0.00,1,1,1,一般挽留客户
carol,1,1,9.99,3,1,2,一般发展客户
`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if b, _ := os.ReadFile(excl); string(b) != "dave\nerin\n" {
		t.Fatalf("excluded file %q", b)
	}
	for _, s := range []string{"8 rows", "3 customers scored", "2 left out", "1 after -asof", "2 refunds"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("report lacks %q:\n%s", s, stderr)
		}
	}
	// Same through the library: the CLI adds nothing of its own.
	g := rfm.NewAggregator(nil)
	for _, p := range []rfm.Purchase{
		{Customer: "alice", Order: "A1", Time: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString("150")},
		{Customer: "alice", Order: "A2", Time: time.Date(2026, 3, 28, 15, 30, 0, 0, time.UTC), Amount: decimal.RequireFromString("80.5")},
	} {
		_ = g.Add(p)
	}
	a, _ := g.Aggregate(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), nil)
	if c := a.Customer(0); c.RecencyDays != 3 || c.Net.String() != "230.5" {
		t.Fatalf("library: %+v", c)
	}
}

func TestRFMCommandVariants(t *testing.T) {
	in := writeTemp(t, "orders.csv", ordersCSV)
	base := []string{"rfm", "-in", in, "-customer", "cust", "-order", "oid", "-time", "ts", "-amount", "amt", "-asof", "2026-03-31", "-out", "-"}
	stdout, stderr, code := rfmRun(append(base, "-method", "fixed", "-bins", "3", "-rbreaks", "7,90", "-fbreaks", "1,2", "-mbreaks", "10,100", "-table", "cn8")...)
	if code != 0 || !strings.Contains(stdout, "alice,3,2,230.50,3,2,3,") || !strings.Contains(stdout, "carol,1,1,9.99,3,1,1,") {
		t.Fatalf("fixed: %d %s %s", code, stdout, stderr)
	}
	stdout, _, code = rfmRun(append(base, "-method", "ntile", "-monetary", "mean", "-frequency", "repeat")...)
	if code != 0 || !strings.Contains(stdout, "alice,3,1,115.25,") {
		t.Fatalf("ntile/mean: %s", stdout)
	}
	tbl := writeTemp(t, "t.json", `{"name":"two","kind":"mean","rules":[{"segment":"recent","r":"high","f":"any","m":"any"},{"segment":"lapsed","r":"low","f":"any","m":"any"}]}`)
	stdout, _, code = rfmRun(append(base, "-table", tbl)...)
	if code != 0 || !strings.Contains(stdout, ",recent\n") {
		t.Fatalf("file table: %s", stdout)
	}
	for name, extra := range map[string][]string{
		"bad method":    {"-method", "x"},
		"bins vs table": {"-bins", "4"},
		"bad asof":      {"-asof", "31/03/2026"},
		"missing col":   {"-customer", "nope"},
		"fixed no th":   {"-method", "fixed"},
	} {
		if _, _, code := rfmRun(append(base, extra...)...); code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
	}
	bad := writeTemp(t, "bad.json", `{"name":"x","kind":"mean","rules":[{"segment":"a","r":"high","f":"any","m":"any"}]}`)
	if _, stderr, code := rfmRun(append(base, "-table", bad)...); code != 1 || !strings.Contains(stderr, "no rule covers") {
		t.Errorf("bad table: %d %s", code, stderr)
	}
}

func TestRFMMalformedRows(t *testing.T) {
	data := ordersCSV + "frank,F1,yesterday,5.00,CNY\n" + "gina,G1,2026-02-30,5.00,CNY\n" + "hal,H1,2026-02-01,5.001,CNY\n" +
		"ivy,I1,2026-02-01\n" + `jo,"J1,2026-02-01,1,CNY` + "\n"
	in := writeTemp(t, "orders.csv", data)
	args := []string{"rfm", "-in", in, "-customer", "cust", "-order", "oid", "-time", "ts", "-amount", "amt", "-asof", "2026-03-31", "-out", filepath.Join(t.TempDir(), "o.csv")}
	_, stderr, code := rfmRun(args...)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, s := range []string{"line 10: field time", "line 11: field time", "line 12: field amount", "line 13:", "line 14:", "5 malformed rows"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if strings.Contains(stderr, "frank") || strings.Contains(stderr, "yesterday") {
		t.Errorf("raw values leaked into messages: %s", stderr)
	}
	_, stderr, code = rfmRun(append(args, "-skip-bad")...)
	if code != 0 || !strings.Contains(stderr, "skipped 5 malformed rows") {
		t.Fatalf("skip-bad: %d %s", code, stderr)
	}
	mixed := writeTemp(t, "m.csv", ordersCSV+"kim,K1,2026-02-01,5,USD\n")
	args[2] = mixed
	args = append(args, "-currency", "cur")
	if _, stderr, code := rfmRun(args...); code != 1 || !strings.Contains(stderr, "line 10") || !strings.Contains(stderr, "mixed currencies") {
		t.Fatalf("mixed: %d %s", code, stderr)
	}
}

func TestFormatMinor(t *testing.T) {
	for _, c := range []struct {
		m     int64
		scale int
		want  string
	}{{-5, 2, "-0.05"}, {123456, 2, "1234.56"}, {7, 0, "7"}, {-1000, 3, "-1.000"}} {
		if got := string(formatMinor(nil, c.m, c.scale)); got != c.want {
			t.Errorf("formatMinor(%d, %d) = %s, want %s", c.m, c.scale, got, c.want)
		}
	}
}
