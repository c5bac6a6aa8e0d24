package clean

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

type phoneCase struct {
	line     int
	raw      string
	expected string
	note     string
}

func readPhoneCases(t *testing.T) []phoneCase {
	t.Helper()
	f, err := os.Open("testdata/phones.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []phoneCase
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			t.Fatalf("phones.tsv:%d: want at least 2 columns", line)
		}
		var raw string
		if err := json.Unmarshal([]byte(cols[0]), &raw); err != nil {
			t.Fatalf("phones.tsv:%d: raw is not a JSON string: %v", line, err)
		}
		c := phoneCase{line: line, raw: raw, expected: cols[1]}
		if len(cols) > 2 {
			c.note = cols[2]
		}
		cases = append(cases, c)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases read", len(cases))
	}
	return cases
}

// TestPhonesTable checks every row of testdata/phones.tsv, with the fast
// path on and off.
func TestPhonesTable(t *testing.T) {
	cases := readPhoneCases(t)
	for _, fast := range []bool{true, false} {
		c := New(&Options{DisablePhoneFastPath: !fast})
		for _, tc := range cases {
			rs, err := c.Phones(tc.raw)
			var ok []string
			for _, r := range rs {
				if r.Raw != tc.raw {
					t.Errorf("line %d: Raw = %q, want the input", tc.line, r.Raw)
				}
				if r.OK() {
					ok = append(ok, r.Value())
				}
			}
			if class, isErr := strings.CutPrefix(tc.expected, "!"); isErr {
				if got := ErrorClass(err); got != class || len(ok) > 0 {
					t.Errorf("line %d %q (%s): got %v err=%v, want class %s", tc.line, tc.raw, tc.note, ok, err, class)
				}
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != "phone" {
					t.Errorf("line %d: error %v is not a phone *FieldError", tc.line, err)
				}
				continue
			}
			if got := strings.Join(ok, "|"); got != tc.expected {
				t.Errorf("line %d %q (%s): got %q err=%v, want %q", tc.line, tc.raw, tc.note, got, err, tc.expected)
			}
		}
	}
}

func TestPhoneDetails(t *testing.T) {
	tests := []struct {
		raw    string
		kind   PhoneKind
		region string
		ext    string
		flags  Flags // must all be set
		not    Flags // must all be clear
	}{
		{"13812345678", KindMobile, "CN", "", FlagDefaultRegion, FlagSpreadsheet},
		{"+86 13812345678", KindMobile, "CN", "", 0, FlagDefaultRegion},
		{"13812345678.0", KindMobile, "CN", "", FlagSpreadsheet, 0},
		{"1.3812345678E10", KindMobile, "CN", "", FlagSpreadsheet, 0},
		{"１３８１２３４５６７８", KindMobile, "CN", "", FlagWidthFolded, FlagInvisible},
		{"\u200b13812345678", KindMobile, "CN", "", FlagInvisible, FlagWidthFolded},
		{"138\u00a01234\u00a05678", KindMobile, "CN", "", FlagInvisible, 0},
		{"010-88888888转123", KindFixedLine, "CN", "123", FlagExtension, 0},
		{"手机：13812345678", KindMobile, "CN", "", FlagLabel, 0},
		{"13812345678/13912345678", KindMobile, "CN", "", FlagMultiple, 0},
		{"800-810-8888", KindTollFree, "CN", "", 0, 0},
		{"400-810-8888", KindSharedCost, "CN", "", 0, 0},
		{"+852 9123 4567", KindMobile, "HK", "", 0, FlagDefaultRegion},
		{"+853 6612 3456", KindMobile, "MO", "", 0, 0},
		{"+886 912 345 678", KindMobile, "TW", "", 0, 0},
		{"+1 (415) 555-2671", KindFixedLineOrMobile, "US", "", 0, 0},
	}
	for _, tt := range tests {
		r, err := Default().Phone(tt.raw)
		if err != nil {
			t.Errorf("%q: %v", tt.raw, err)
			continue
		}
		if r.Kind != tt.kind || r.Region != tt.region || r.Extension != tt.ext || !r.Flags.Has(tt.flags) || r.Flags&tt.not != 0 {
			t.Errorf("%q: kind=%v region=%q ext=%q flags=%v; want kind=%v region=%q ext=%q flags⊇%v, not %v",
				tt.raw, r.Kind, r.Region, r.Extension, r.Flags, tt.kind, tt.region, tt.ext, tt.flags, tt.not)
		}
	}
}

func TestPhoneErrorFlags(t *testing.T) {
	tests := []struct {
		raw   string
		err   error
		flags Flags
	}{
		{"12345678901", ErrInvalid, FlagPlaceholder},
		{"13800138000", ErrPlaceholder, FlagPlaceholder},
		{"138****5678", ErrMasked, FlagMasked},
		{"1.38123E+10", ErrLossy, FlagSpreadsheet},
		{strings.Repeat("1", DefaultMaxLen+1), ErrTooLong, 0},
		{"138\xff12345678", ErrInvalid, 0},
	}
	for _, tt := range tests {
		r, err := Default().Phone(tt.raw)
		if !errors.Is(err, tt.err) || !r.Flags.Has(tt.flags) || r.OK() || r.Raw != tt.raw {
			t.Errorf("%q: err=%v flags=%v ok=%v; want %v with %v", tt.raw, err, r.Flags, r.OK(), tt.err, tt.flags)
		}
		if err != nil && strings.Contains(err.Error(), tt.raw) {
			t.Errorf("%q: error string %q contains the raw value", tt.raw, err)
		}
	}
}

func TestPhoneRegionOption(t *testing.T) {
	c := New(&Options{Region: "hk"})
	r, err := c.Phone("9123 4567")
	if err != nil || r.E164() != "+85291234567" || !r.Flags.Has(FlagDefaultRegion) {
		t.Fatalf("HK default region: %v %v %v", r.E164(), r.Flags, err)
	}
	// A mainland mobile with +86 still works under another default region.
	r, err = c.Phone("+86 13812345678")
	if err != nil || r.E164() != "+8613812345678" {
		t.Fatalf("+86 under HK: %v %v", r.E164(), err)
	}
}

func TestFlagsString(t *testing.T) {
	f := FlagMasked | FlagSpreadsheet | FlagInferred
	if got, want := f.String(), "spreadsheet|masked|inferred"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	if ParseFlags(f.String()) != f {
		t.Fatal("ParseFlags does not invert String")
	}
	if Flags(0).String() != "" || len(flagNames) != 22 || flagEnd != 1<<len(flagNames) {
		t.Fatal("flag names out of step with flag constants")
	}
}

// readTSVRaw returns the decoded raw column of testdata/phones.tsv joined
// by newlines, for fuzz seeds.
func readTSVRaw() string {
	b, err := os.ReadFile("testdata/phones.tsv")
	if err != nil {
		return ""
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		var raw string
		if json.Unmarshal([]byte(strings.Split(line, "\t")[0]), &raw) == nil && !strings.Contains(raw, "\n") {
			out = append(out, raw)
		}
	}
	return strings.Join(out, "\n")
}
