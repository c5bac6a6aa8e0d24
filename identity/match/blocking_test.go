package match

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

func randTable(r *rand.Rand, n int) []Record {
	vals := []string{"", "a", "b", "c", "A "}
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{ID: fmt.Sprint(i), Values: []string{vals[r.IntN(len(vals))], vals[r.IntN(len(vals))], vals[r.IntN(3)]}}
	}
	return recs
}

// bruteHolds is the oracle for one rule on one pair.
func bruteHolds(rule Rule, fields []string, x, y Record) bool {
	for _, c := range rule.Columns {
		for k, f := range fields {
			if f == c {
				vx, vy := Normalize(x.Values[k]), Normalize(y.Values[k])
				if vx == "" || vx != vy {
					return false
				}
			}
		}
	}
	return true
}

func TestBlockingAgainstBruteForce(t *testing.T) {
	fields := []string{"f0", "f1", "f2"}
	rules, err := ParseRules("f0; f1+f2 ;f2;f0+f1")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 20; round++ {
		a := randTable(r, 1+r.IntN(30))
		var b []Record
		if round%2 == 1 {
			b = randTable(r, 1+r.IntN(30))
		}
		other := b
		if b == nil {
			other = a
		}
		// Brute force: every pair, the first rule that holds.
		wantPairs := make([]int64, len(rules))
		wantNew := make([]int64, len(rules))
		wantSet := map[pair]bool{}
		for i := range a {
			for j := range other {
				if b == nil && j <= i {
					continue
				}
				first := -1
				for k, rule := range rules {
					if bruteHolds(rule, fields, a[i], other[j]) {
						wantPairs[k]++
						if first < 0 {
							first = k
						}
					}
				}
				if first >= 0 {
					wantNew[first]++
					wantSet[pair{int32(i), int32(j)}] = true
				}
			}
		}
		counts, total, err := CountPairs(fields, rules, a, b)
		if err != nil {
			t.Fatal(err)
		}
		for k := range rules {
			if counts[k].Pairs != wantPairs[k] || counts[k].NewPairs != wantNew[k] {
				t.Fatalf("round %d rule %d: got %+v want pairs %d new %d", round, k, counts[k], wantPairs[k], wantNew[k])
			}
		}
		if total != int64(len(wantSet)) {
			t.Fatalf("round %d: total %d want %d", round, total, len(wantSet))
		}
		bl, err := newBlocker(fields, rules, a, b)
		if err != nil {
			t.Fatal(err)
		}
		got := map[pair]bool{}
		if err := bl.generate(context.Background(), func(p pair) {
			if got[p] {
				t.Fatalf("pair %v generated twice", p)
			}
			got[p] = true
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wantSet) {
			t.Fatalf("round %d: generated %d pairs want %d", round, len(got), len(wantSet))
		}
		for p := range got {
			if !wantSet[p] {
				t.Fatalf("unexpected pair %v", p)
			}
		}
	}
}

func TestParseRulesErrors(t *testing.T) {
	for _, s := range []string{"", "a;", "a++b", ";"} {
		if _, err := ParseRules(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseRules(%q) err = %v", s, err)
		}
	}
	if _, _, err := CountPairs([]string{"a"}, []Rule{{Columns: []string{"b"}}}, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown column: err = %v", err)
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add("surname;postcode+state")
	f.Add(" a + b ; c ")
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := ParseRules(s)
		if err != nil {
			return
		}
		for _, r := range rules {
			if len(r.Columns) == 0 {
				t.Fatal("rule without columns")
			}
			for _, c := range r.Columns {
				if c == "" {
					t.Fatal("empty column")
				}
			}
		}
		again, err := ParseRules(joinRules(rules))
		if err != nil || len(again) != len(rules) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

func joinRules(rs []Rule) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += ";"
		}
		s += r.String()
	}
	return s
}
