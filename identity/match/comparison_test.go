package match

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/cimkit/cimkit/internal/civil"
)

// levelOf compares one field of two single-field records (plus an optional
// second field for ColumnsReversed).
func levelOf(t *testing.T, c Comparison, a, b []string) string {
	t.Helper()
	fields := []string{c.Field, "other"}
	if err := c.validate(fields); err != nil {
		t.Fatal(err)
	}
	cc := compiled{Comparison: c}
	cc.bind(fields)
	n := c.needs()
	pa := []value{prepare(a[0], n), prepare(a[1], n)}
	pb := []value{prepare(b[0], n), prepare(b[1], n)}
	return c.levelName(cc.level(pa, pb))
}

func TestComparisonLevels(t *testing.T) {
	name := DefaultComparison("surname", "other")
	date := DefaultComparison("date_of_birth", "")
	phone := DefaultComparison("phone", "")
	post := DefaultComparison("postcode", "")
	num := Comparison{Field: "amount", Levels: []Level{{Kind: NumericWithin, Threshold: 0.5}, {Kind: NumericWithinPercent, Threshold: 10}, {Kind: DamerauAtMost, Threshold: 1}}}
	tests := []struct {
		name string
		c    Comparison
		a, b [2]string
		want string
	}{
		{"null", name, [2]string{"", ""}, [2]string{"smith", ""}, "null"},
		{"exact case-folded", name, [2]string{" Smith ", ""}, [2]string{"smith", ""}, "exact"},
		{"latin reordered", name, [2]string{"mary ann", ""}, [2]string{"ann mary", ""}, "name_reordered"},
		{"han transposed", name, [2]string{"王小明", ""}, [2]string{"小明王", ""}, "name_reordered"},
		{"han compound surname transposed", name, [2]string{"欧阳修文", ""}, [2]string{"修文欧阳", ""}, "name_reordered"},
		{"columns reversed", name, [2]string{"smith", "john"}, [2]string{"john", "smith"}, "reversed_with_other"},
		{"han one character", name, [2]string{"王小明", ""}, [2]string{"王晓明", ""}, "name_close(jw>=0.92,han_edits<=1)"},
		{"han two characters", name, [2]string{"王小明", ""}, [2]string{"李晓明", ""}, "else"},
		{"latin typo", name, [2]string{"jonathan", ""}, [2]string{"jonathon", ""}, "name_close(jw>=0.92,han_edits<=1)"},
		{"latin tokens typo reordered", name, [2]string{"mary ann smith", ""}, [2]string{"smith mary anne", ""}, "name_close(jw>=0.92,han_edits<=1)"},
		{"latin tokens mismatch", name, [2]string{"mary-ann smith", ""}, [2]string{"smith maryann", ""}, "else"},
		{"latin far", name, [2]string{"smith", ""}, [2]string{"zhou", ""}, "else"},
		{"date exact across formats", date, [2]string{"1980-03-04", ""}, [2]string{"19800304", ""}, "exact"},
		{"date exact", date, [2]string{"1980-03-04", ""}, [2]string{"1980-03-04", ""}, "exact"},
		{"date transposed", date, [2]string{"1980-03-04", ""}, [2]string{"1980-04-03", ""}, "day_month_transposed"},
		{"date within month", date, [2]string{"1980-03-04", ""}, [2]string{"1980/03/24", ""}, "within_1_months"},
		{"date within year", date, [2]string{"1980-03-04", ""}, [2]string{"1980-12-04", ""}, "within_1_years"},
		{"date within decade", date, [2]string{"1980-03-04", ""}, [2]string{"1988-12-04", ""}, "within_10_years"},
		{"date unparsable", date, [2]string{"1980-02-30", ""}, [2]string{"1980-03-01", ""}, "else"},
		{"phone country code", phone, [2]string{"+86 138 1234 5678", ""}, [2]string{"13812345678", ""}, "exact_digits"},
		{"phone one digit", phone, [2]string{"13812345678", ""}, [2]string{"13812345679", ""}, "phone_digits<=1"},
		{"phone far", phone, [2]string{"13812345678", ""}, [2]string{"13987654321", ""}, "else"},
		{"postcode typo", post, [2]string{"2600", ""}, [2]string{"2060", ""}, "levenshtein<=2"},
		{"numeric", num, [2]string{"10.2", ""}, [2]string{"10.5", ""}, "abs_difference<=0.5"},
		{"numeric percent", num, [2]string{"100", ""}, [2]string{"-91", ""}, "else"},
		{"numeric percent near", num, [2]string{"100", ""}, [2]string{"91", ""}, "within_10_percent"},
		{"numeric percent far", num, [2]string{"100", ""}, [2]string{"89", ""}, "else"},
		{"numeric non-number", num, [2]string{"10x", ""}, [2]string{"10y", ""}, "damerau_levenshtein<=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := levelOf(t, tt.c, tt.a[:], tt.b[:]); got != tt.want {
				t.Errorf("level = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDaysFromCivil(t *testing.T) {
	// Independent oracle: count days year by year and month by month.
	oracle := func(y, m, d int) int {
		n := 0
		for yy := 1970; yy < y; yy++ {
			n += 365
			if civil.DaysIn(yy, 2) == 29 {
				n++
			}
		}
		for yy := y; yy < 1970; yy++ {
			n -= 365
			if civil.DaysIn(yy, 2) == 29 {
				n--
			}
		}
		for mm := 1; mm < m; mm++ {
			n += civil.DaysIn(y, mm)
		}
		return n + d - 1
	}
	for _, c := range [][3]int{{1970, 1, 1}, {2000, 2, 29}, {1900, 3, 1}, {1955, 12, 31}, {2024, 7, 15}, {1600, 1, 1}} {
		if got, want := daysFromCivil(c[0], c[1], c[2]), oracle(c[0], c[1], c[2]); got != want {
			t.Errorf("daysFromCivil(%v) = %d want %d", c, got, want)
		}
	}
}

func TestComparisonValidate(t *testing.T) {
	fields := []string{"a"}
	bad := []Comparison{
		{Field: "missing", Levels: []Level{{Kind: Exact}}},
		{Field: "a"},
		{Field: "a", Levels: []Level{{Kind: 99}}},
		{Field: "a", Levels: []Level{{Kind: JaroWinklerAtLeast, Threshold: -1}}},
		{Field: "a", Levels: []Level{{Kind: ColumnsReversed, Other: "nope"}}},
	}
	for i, c := range bad {
		if err := c.validate(fields); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: err = %v, want ErrInvalid", i, err)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  Mary   ANN\t": "mary ann",
		"plain":          "plain",
		"":               "",
		"   ":            "",
		"王 小明":           "王 小明",
		"a\vb":           "a b",
		"A\vb":           "a b",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q want %q", in, got, want)
		}
	}
}

func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"1980-03-04", "19800304", "+86 138", "王小明", "mary-ann o'neil", "1e308", "NaN", "2000/2/29", "\xff\xfe"} {
		f.Add(s)
	}
	all := needs{runes: true, tokens: true, digits: true, num: true, date: true}
	f.Fuzz(func(t *testing.T, s string) {
		v := prepare(s, all)
		blank := !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsSpace(r) && !unicode.IsControl(r) })
		if v.null != blank {
			t.Fatalf("null = %v for %q", v.null, s)
		}
		if v.numOK && v.num != v.num {
			t.Fatal("NaN accepted as number")
		}
		if v.dateOK && (v.m < 1 || v.m > 12 || v.d < 1 || int(v.d) > civil.DaysIn(int(v.y), int(v.m))) {
			t.Fatalf("bad date accepted: %q", s)
		}
		n := Normalize(s)
		if got := Normalize(n); got != n {
			t.Fatalf("Normalize not idempotent on %q", s)
		}
		if Normalize(strings.ToUpper(s)) != Normalize(strings.ToLower(s)) && !strings.ContainsFunc(s, func(r rune) bool { return r > 0x7f }) {
			t.Fatalf("Normalize not case-insensitive on ASCII %q", s)
		}
		if strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 }) {
			t.Fatalf("control character left in %q", n)
		}
	})
}
