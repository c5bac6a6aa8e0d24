package rfm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestParseDay(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for v, want := range map[string]string{
		"2026-03-01":                "2026-03-01",
		"2026/03/01":                "2026-03-01",
		"2026-03-01 23:59:59":       "2026-03-01",
		"2026/03/01 23:59:59":       "2026-03-01",
		"2026-03-01T23:59:59":       "2026-03-01",
		"2026-03-01 08:00:00.123":   "2026-03-01",
		"2026-03-01T20:00:00Z":      "2026-03-02", // 04:00 in Shanghai
		"2026-03-01T20:00:00-05:00": "2026-03-02",
		"2024-02-29":                "2024-02-29",
	} {
		d, err := parseDay([]byte(v), sh)
		if err != nil || d.String() != want {
			t.Errorf("parseDay(%q) = %v, %v; want %s", v, d, err, want)
		}
	}
	for _, v := range []string{"", "2026-3-1", "2026-02-29", "2026-13-01", "01/03/2026", "2026-03-01 25:00:00", "2026-03-01x", "2026.03.01"} {
		if _, err := parseDay([]byte(v), sh); err == nil {
			t.Errorf("parseDay(%q) accepted", v)
		}
	}
}

func TestParseMinor(t *testing.T) {
	for v, want := range map[string]int64{"1": 100, "1.5": 150, "-0.07": -7, "+3.10": 310, ".5": 50, "5.": 500, " 12.34 ": 1234, "1e2": 10000, "0": 0} {
		if got, err := parseMinor([]byte(v), 2); err != nil || got != want {
			t.Errorf("parseMinor(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"", "-", "1.234", "abc", "1,5", "99999999999999999999", "."} {
		if _, err := parseMinor([]byte(v), 2); err == nil {
			t.Errorf("parseMinor(%q) accepted", v)
		}
	}
}

// FuzzParseMinor checks the fast parser against decimal arithmetic.
func FuzzParseMinor(f *testing.F) {
	for _, s := range []string{"1", "-0.07", "1.234", "1e2", ".5", "5.", "+1", "9223372036854775807", "0.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseMinor([]byte(s), 2)
		d, derr := decimal.NewFromString(strings.TrimSpace(s))
		if derr != nil {
			if err == nil {
				t.Fatalf("%q accepted, decimal rejects", s)
			}
			return
		}
		want, werr := ToMinor(d, 2)
		if (err == nil) != (werr == nil) || (err == nil && got != want) {
			t.Fatalf("%q: %d, %v; decimal says %d, %v", s, got, err, want, werr)
		}
	})
}

// FuzzParseDay checks accepted values against time.Parse.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-03-01", "2026/03/01", "2026-03-01 23:59:59", "2026-03-01T20:00:00Z", "2026-02-30", "0000-01-01", "0000-01-01 00:00:60"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDay([]byte(s), time.UTC)
		if err != nil {
			if !errors.Is(err, errFormat) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var ok bool
		for _, layout := range []string{time.DateOnly, "2006/01/02", "2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
			if tm, err := time.Parse(layout, s); err == nil {
				ok = true
				if DayOf(tm, time.UTC) != d {
					t.Fatalf("%q: day %v, time.Parse %v", s, d, tm)
				}
			}
		}
		if !ok {
			t.Fatalf("%q accepted but no layout parses it", s)
		}
	})
}

func TestReadCSVMatchesAggregator(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	ps := randomPurchases(r, 3000)
	var b strings.Builder
	b.WriteString("\ufeffamount,cust,order,when\n")
	g := NewAggregator(nil)
	for i, p := range ps {
		_ = g.Add(p)
		cust := p.Customer
		if i%7 == 0 {
			cust = `"` + cust + `"` // quoted ids read the same
		}
		ts := p.Time.Format(time.DateTime)
		switch i % 4 {
		case 1:
			ts = p.Time.Format(time.RFC3339)
		case 2:
			ts = p.Time.Format("2006/01/02 15:04:05")
		case 3:
			ts = p.Time.In(time.FixedZone("x", 8*3600)).Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s\r\n", p.Amount.String(), cust, p.Order, ts)
	}
	l, rowErrs, err := ReadCSV(strings.NewReader(b.String()), CSVColumns{Customer: "cust", Order: "order", Time: "when", Amount: "amount"}, nil)
	if err != nil || len(rowErrs) != 0 {
		t.Fatal(err, rowErrs)
	}
	a, err := l.Aggregate(DayOf(asOf, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, excl := oracle(ps, asOf, time.Time{})
	checkAgainstOracle(t, a, want, excl)
	if _, _, err := ReadCSV(strings.NewReader("a,b\n1,2\n"), CSVColumns{Customer: "x", Order: "b", Time: "a", Amount: "a"}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("missing column: %v", err)
	}
	if _, _, err := ReadCSV(strings.NewReader(""), CSVColumns{}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty: %v", err)
	}
}

// FuzzReadCSV: any input yields lines or typed errors, never a panic, and
// every row is either read or reported.
func FuzzReadCSV(f *testing.F) {
	f.Add("c,o,t,a\nx,1,2026-01-01,5\nx,1,2026-01-01,-1\n")
	f.Add("c,o,t,a\n\"x,y\",1,2026-01-01T10:00:00+08:00,5.5\ny,2,bad,1\n")
	f.Add("c,o,t,a\nx,1,2026-01-01,5,extra\n\"open\n")
	f.Fuzz(func(t *testing.T, s string) {
		cols := CSVColumns{Customer: "c", Order: "o", Time: "t", Amount: "a"}
		l, rowErrs, err := ReadCSV(strings.NewReader(s), cols, &CSVOptions{SkipBad: true})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, e := range rowErrs {
			if e.Line < 2 {
				t.Fatalf("row error on line %d", e.Line)
			}
		}
		if _, err := l.Aggregate(DayOf(asOf, nil), nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestReadCSVScaleAndCurrency(t *testing.T) {
	cols := CSVColumns{Customer: "c", Order: "o", Time: "t", Amount: "a", Currency: "k"}
	l, _, err := ReadCSV(strings.NewReader("c,o,t,a,k\nx,1,2026-01-01,1500,JPY\n"), cols, &CSVOptions{Scale: NoMinorUnit})
	if err != nil || l.Minor[0] != 1500 || l.Scale != 0 {
		t.Fatalf("yen: %v %+v", err, l)
	}
	_, rowErrs, err := ReadCSV(strings.NewReader("c,o,t,a,k\nx,1,2026-01-01,1.5,JPY\n"), cols, &CSVOptions{Scale: NoMinorUnit})
	if !errors.Is(err, ErrInvalid) || len(rowErrs) != 1 || rowErrs[0].Line != 2 || rowErrs[0].Field != "amount" {
		t.Fatalf("fractional yen: %v %v", err, rowErrs)
	}
	_, _, err = ReadCSV(strings.NewReader("c,o,t,a,k\nx,1,2026-01-01,1,CNY\ny,2,2026-01-01,1,\nz,3,2026-01-01,1,USD\n"), cols, nil)
	if !errors.Is(err, ErrMixedCurrency) || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("mixed: %v", err)
	}
}
