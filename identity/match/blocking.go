package match

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Rule is a blocking rule: two records are a candidate pair when every
// column of the rule has the same normalised, non-null value in both.
// Several rules are OR-ed: a pair is a candidate when any rule holds, and a
// pair several rules produce is generated once, by the first rule that
// holds (as in Splink).
type Rule struct {
	Columns []string
}

// String returns the rule in ParseRules syntax.
func (r Rule) String() string { return strings.Join(r.Columns, "+") }

// ParseRules parses blocking rules written as columns joined by "+" within a
// rule and rules separated by ";": "surname;postcode+state" is two rules,
// the second requiring postcode and state to agree. Space around names is
// ignored.
func ParseRules(s string) ([]Rule, error) {
	var rules []Rule
	for i, part := range strings.Split(s, ";") {
		var r Rule
		for _, c := range strings.Split(part, "+") {
			c = strings.TrimSpace(c)
			if c == "" {
				return nil, fmt.Errorf("%w: blocking rule %d has an empty column name", ErrInvalid, i+1)
			}
			r.Columns = append(r.Columns, c)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// RuleCount is how many candidate pairs one blocking rule generates.
type RuleCount struct {
	// Rule is the rule in ParseRules syntax.
	Rule string
	// Pairs is the count of pairs the rule holds for on its own.
	Pairs int64
	// NewPairs is the count of those pairs no earlier rule holds for: the
	// pairs this rule adds. It is -1 when there are more than
	// maxExactRules rules and the exact count is not computed.
	NewPairs int64
}

// maxExactRules is the largest rule count for which CountPairs computes
// the exact union by inclusion-exclusion (2^k-1 grouping passes).
const maxExactRules = 8

// blocker holds the blocking keys of one or two tables.
type blocker struct {
	rules [][]int // column positions of each rule
	keysA [][]string
	keysB [][]string // nil when deduplicating
}

func newBlocker(fields []string, rules []Rule, a, b []Record) (*blocker, error) {
	if len(rules) == 0 {
		return nil, fmt.Errorf("%w: no blocking rules", ErrInvalid)
	}
	bl := &blocker{}
	for i, r := range rules {
		if len(r.Columns) == 0 {
			return nil, fmt.Errorf("%w: blocking rule %d has no columns", ErrInvalid, i+1)
		}
		var cols []int
		for _, c := range r.Columns {
			k := slices.Index(fields, c)
			if k < 0 {
				return nil, fmt.Errorf("%w: blocking rule %d: column %q is not among the record fields", ErrInvalid, i+1, c)
			}
			cols = append(cols, k)
		}
		bl.rules = append(bl.rules, cols)
	}
	bl.keysA = blockingKeys(bl.rules, a)
	if b != nil {
		bl.keysB = blockingKeys(bl.rules, b)
	}
	return bl, nil
}

// blockingKeys returns keys[rule][record]; "" marks a null key.
func blockingKeys(rules [][]int, recs []Record) [][]string {
	keys := make([][]string, len(rules))
	norm := make(map[string]string)
	for ri, cols := range rules {
		ks := make([]string, len(recs))
		for i, rec := range recs {
			ks[i] = keyOf(rec, cols, norm)
		}
		keys[ri] = ks
	}
	return keys
}

func keyOf(rec Record, cols []int, norm map[string]string) string {
	var b strings.Builder
	for n, c := range cols {
		if c >= len(rec.Values) {
			return ""
		}
		raw := rec.Values[c]
		v, ok := norm[raw]
		if !ok {
			v = Normalize(raw)
			norm[raw] = v
		}
		if v == "" {
			return ""
		}
		if n > 0 {
			b.WriteByte(0x1f)
		}
		b.WriteString(v)
	}
	return b.String()
}

// countFor counts pairs that agree on every column in cols.
func countFor(cols []int, a, b []Record) int64 {
	norm := make(map[string]string)
	ca := make(map[string]int64)
	for _, r := range a {
		if k := keyOf(r, cols, norm); k != "" {
			ca[k]++
		}
	}
	var n int64
	if b == nil {
		for _, c := range ca {
			n += c * (c - 1) / 2
		}
		return n
	}
	for _, r := range b {
		if k := keyOf(r, cols, norm); k != "" {
			n += ca[k]
		}
	}
	return n
}

// CountPairs returns, without generating any pair, how many candidate pairs
// each rule generates and the total after removing pairs several rules
// produce. b nil means deduplicating a; otherwise pairs link a to b. With
// more than 8 rules the total is the sum of the per-rule counts, an upper
// bound, and NewPairs is -1.
func CountPairs(fields []string, rules []Rule, a, b []Record) ([]RuleCount, int64, error) {
	bl, err := newBlocker(fields, rules, nil, nil)
	if err != nil {
		return nil, 0, err
	}
	k := len(bl.rules)
	counts := make([]RuleCount, k)
	for i, r := range rules {
		counts[i] = RuleCount{Rule: r.String(), Pairs: countFor(bl.rules[i], a, b), NewPairs: -1}
	}
	if k > maxExactRules {
		var total int64
		for _, c := range counts {
			total += c.Pairs
		}
		return counts, total, nil
	}
	// Inclusion-exclusion: pairs meeting all rules of a subset are pairs
	// agreeing on the union of their columns.
	inter := make([]int64, 1<<k)
	for s := 1; s < 1<<k; s++ {
		if s&(s-1) == 0 {
			inter[s] = counts[trailing(s)].Pairs
			continue
		}
		var cols []int
		for i := 0; i < k; i++ {
			if s&(1<<i) != 0 {
				for _, c := range bl.rules[i] {
					if !slices.Contains(cols, c) {
						cols = append(cols, c)
					}
				}
			}
		}
		slices.Sort(cols)
		inter[s] = countFor(cols, a, b)
	}
	union := func(prefix int) int64 {
		var n int64
		for s := 1; s < 1<<prefix; s++ {
			if popcount(s)%2 == 1 {
				n += inter[s]
			} else {
				n -= inter[s]
			}
		}
		return n
	}
	prev := int64(0)
	for i := range counts {
		u := union(i + 1)
		counts[i].NewPairs = u - prev
		prev = u
	}
	return counts, prev, nil
}

func trailing(s int) int {
	i := 0
	for s&1 == 0 {
		s >>= 1
		i++
	}
	return i
}

func popcount(s int) int {
	n := 0
	for ; s != 0; s &= s - 1 {
		n++
	}
	return n
}

// pair is a candidate pair of record positions; in deduplication I < J.
type pair struct{ I, J int32 }

// generate emits every candidate pair once, rule by rule, in a
// deterministic order, skipping pairs an earlier rule already produced.
func (bl *blocker) generate(ctx context.Context, emit func(p pair)) error {
	for ri := range bl.rules {
		if err := ctx.Err(); err != nil {
			return err
		}
		ka := bl.keysA[ri]
		ga := groups(ka)
		if bl.keysB == nil {
			for _, g := range ga {
				for x := 0; x < len(g); x++ {
					for y := x + 1; y < len(g); y++ {
						i, j := g[x], g[y]
						if i > j {
							i, j = j, i
						}
						if !bl.earlier(ri, i, j) {
							emit(pair{i, j})
						}
					}
				}
			}
			continue
		}
		kb := bl.keysB[ri]
		gb := groups(kb)
		bi := 0
		for _, g := range ga {
			key := ka[g[0]]
			for bi < len(gb) && kb[gb[bi][0]] < key {
				bi++
			}
			if bi == len(gb) || kb[gb[bi][0]] != key {
				continue
			}
			for _, i := range g {
				for _, j := range gb[bi] {
					if !bl.earlier(ri, i, j) {
						emit(pair{i, j})
					}
				}
			}
		}
	}
	return nil
}

// earlier reports whether a rule before ri holds for (i, j).
func (bl *blocker) earlier(ri int, i, j int32) bool {
	kb := bl.keysB
	if kb == nil {
		kb = bl.keysA
	}
	for r := 0; r < ri; r++ {
		x := bl.keysA[r][i]
		if x != "" && x == kb[r][j] {
			return true
		}
	}
	return false
}

// groups returns the positions of records sharing each non-null key, groups
// ordered by key and positions ascending.
func groups(keys []string) [][]int32 {
	idx := make([]int32, 0, len(keys))
	for i, k := range keys {
		if k != "" {
			idx = append(idx, int32(i))
		}
	}
	slices.SortStableFunc(idx, func(x, y int32) int { return cmp.Compare(keys[x], keys[y]) })
	var out [][]int32
	for s := 0; s < len(idx); {
		e := s + 1
		for e < len(idx) && keys[idx[e]] == keys[idx[s]] {
			e++
		}
		out = append(out, idx[s:e])
		s = e
	}
	return out
}
