package match

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Session reports one EM training session: the candidate pairs one
// blocking rule holds for, with the comparisons of the rule's own columns
// switched off (their agreement is forced by the rule).
type Session struct {
	// Rule is the blocking rule in ParseRules syntax.
	Rule string
	// Pairs is the number of candidate pairs in the session.
	Pairs int64
	// Iterations is the number of EM iterations run.
	Iterations int
	// Converged reports whether EM met the tolerance within the iteration
	// limit.
	Converged bool
	// Lambda is the estimated share of matches among the session's pairs.
	Lambda float64
	// Trained lists the fields whose m probabilities the session estimated.
	Trained []string
	// Dependent lists compared fields left out of the session because the
	// rule's columns nearly determine them (a suburb given the postcode),
	// which would otherwise break EM's independence assumption.
	Dependent []string
	// Failure says why the session's estimates were discarded; empty when
	// they were used.
	Failure string
}

// Diagnostics report what training did.
type Diagnostics struct {
	// Counts are the candidate pairs per blocking rule, counted before
	// generating any.
	Counts []RuleCount
	// TotalPairs is the number of distinct candidate pairs.
	TotalPairs int64
	// USampled is the number of random pairs the u probabilities come from.
	USampled int
	// Sessions report the EM sessions, one per blocking rule.
	Sessions []Session
	// Untrained lists compared fields no session estimated; their m
	// probabilities are the priors.
	Untrained []string
	// LambdaFromPrior reports that no session converged and λ is
	// Settings.PriorMatch.
	LambdaFromPrior bool
}

// Train estimates a model from one table (b nil: deduplication) or two
// tables (linkage of a to b), following Splink: u probabilities from a
// seeded random sample of record pairs; m probabilities by
// expectation-maximisation with u fixed, one session per blocking rule on
// the pairs that rule holds for, leaving out the comparisons of the rule's
// own columns; each field's m is the mean over the sessions that trained
// it. λ, the probability that two random records match, is each session's
// match share converted back to all pairs by removing the rule's Bayes
// factor, taking the median over sessions.
//
// Two guards go beyond Splink. A session also leaves out fields that the
// rule's columns nearly determine (a suburb given the postcode: in blocks
// of 10 or more records, the most common value covers 80 % of values),
// since they agree on almost every pair of the session whatever the truth
// and would break EM's independence assumption. And a session whose λ
// implies more matching pairs than blocking produced candidates is
// dropped: EM has then absorbed the non-matches into the match class.
//
// A session that does not converge within MaxIterations, or whose λ
// degenerates to 0 or 1, is reported in Diagnostics and discarded: fields
// no session trains keep the prior m probabilities and λ falls back to
// Settings.PriorMatch. A compared field whose values are all null, or all
// equal, is an ErrInvalid error. Blocking that would generate more than
// MaxPairs pairs is an ErrTooManyPairs error, returned before any pair is
// generated.
func Train(ctx context.Context, s Settings, a, b []Record) (*Model, *Diagnostics, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, nil, err
	}
	if len(s.Blocking) > 64 {
		return nil, nil, fmt.Errorf("%w: at most 64 blocking rules", ErrInvalid)
	}
	if len(a) == 0 || (b != nil && len(b) == 0) {
		return nil, nil, fmt.Errorf("%w: no records", ErrInvalid)
	}
	if b == nil && len(a) < 2 {
		return nil, nil, fmt.Errorf("%w: deduplication needs at least 2 records", ErrInvalid)
	}
	for t, tab := range [][]Record{a, b} {
		for i, r := range tab {
			if len(r.Values) != len(s.Fields) {
				return nil, nil, fmt.Errorf("%w: table %d record %d has %d values for %d fields", ErrInvalid, t+1, i+1, len(r.Values), len(s.Fields))
			}
		}
	}
	m := newModel(s)
	if err := m.checkColumns(a, b); err != nil {
		return nil, nil, err
	}
	counts, total, err := CountPairs(s.Fields, s.Blocking, a, b)
	if err != nil {
		return nil, nil, err
	}
	if total > s.MaxPairs {
		return nil, nil, fmt.Errorf("%w: blocking would generate %d pairs, maximum %d", ErrTooManyPairs, total, s.MaxPairs)
	}
	d := &Diagnostics{Counts: counts, TotalPairs: total}
	m.buildTF(a, b)
	pa := m.prepareAll(a)
	pb := pa
	if b != nil {
		pb = m.prepareAll(b)
	}
	d.USampled = m.estimateU(pa, pb, b == nil, s)
	pats, err := m.patterns(ctx, a, b, pa, pb)
	if err != nil {
		return nil, nil, err
	}
	for c := range m.comps {
		m.m[c] = priorM(&m.comps[c].Comparison)
	}
	dep := make([][]int, len(s.Blocking))
	if !s.keepDependent {
		dep = m.dependentFields(a, b)
	}
	m.trainM(s, pats, d, totalPairs(len(a), len(b), b == nil), m.nonNullShare(a, b), dep)
	m.computeWeights()
	return m, d, nil
}

func totalPairs(na, nb int, dedupe bool) float64 {
	if dedupe {
		return float64(na) * float64(na-1) / 2
	}
	return float64(na) * float64(nb)
}

func newModel(s Settings) *Model {
	m := &Model{fields: slices.Clone(s.Fields), needs: make([]needs, len(s.Fields)),
		blocking: slices.Clone(s.Blocking), maxPairs: s.MaxPairs, tfMinU: s.TFMinimumU, lambda: s.PriorMatch}
	for _, c := range s.Comparisons {
		cc := compiled{Comparison: c}
		cc.Levels = slices.Clone(c.Levels)
		cc.bind(s.Fields)
		n := c.needs()
		f := &m.needs[cc.idx]
		f.runes, f.tokens, f.digits, f.num, f.date = f.runes || n.runes, f.tokens || n.tokens, f.digits || n.digits, f.num || n.num, f.date || n.date
		m.comps = append(m.comps, cc)
	}
	m.m = make([][]float64, len(m.comps))
	m.u = make([][]float64, len(m.comps))
	m.weights = make([][]float64, len(m.comps))
	m.tf = make([]map[string]float64, len(m.comps))
	return m
}

// checkColumns rejects compared fields that are all null or hold a single
// distinct value.
func (m *Model) checkColumns(a, b []Record) error {
	for _, c := range m.comps {
		var first string
		nonNull, distinct := 0, 0
		for _, tab := range [][]Record{a, b} {
			for _, r := range tab {
				v := Normalize(r.Values[c.idx])
				if v == "" {
					continue
				}
				nonNull++
				if distinct == 0 {
					first, distinct = v, 1
				} else if distinct == 1 && v != first {
					distinct = 2
				}
			}
		}
		if nonNull == 0 {
			return fmt.Errorf("%w: field %q: every value is empty", ErrInvalid, c.Field)
		}
		if distinct == 1 {
			return fmt.Errorf("%w: field %q: a single distinct value carries no evidence; drop its comparison", ErrInvalid, c.Field)
		}
	}
	return nil
}

// Dependence detection: in blocks of at least depMinBlock records, a
// field whose most common value covers at least depShare of the block's
// non-null values (pooled over blocks) is taken as determined by the
// rule's columns. Small blocks are skipped: they are mostly one person's
// duplicates, which agree on everything.
const (
	depMinBlock = 10
	depShare    = 0.8
)

// dependentFields returns per blocking rule the comparisons whose field the
// rule's columns nearly determine.
func (m *Model) dependentFields(a, b []Record) [][]int {
	all := append(slices.Clone(a), b...)
	bl, err := newBlocker(m.fields, m.blocking, all, nil)
	if err != nil {
		return make([][]int, len(m.blocking))
	}
	out := make([][]int, len(m.blocking))
	for r := range m.blocking {
		gs := groups(bl.keysA[r])
		for c, cc := range m.comps {
			if slices.Contains(m.blocking[r].Columns, cc.Field) {
				continue
			}
			top, nonNull := 0, 0
			for _, g := range gs {
				if len(g) < depMinBlock {
					continue
				}
				counts := make(map[string]int)
				best := 0
				for _, i := range g {
					v := Normalize(all[i].Values[cc.idx])
					if v == "" {
						continue
					}
					nonNull++
					counts[v]++
					best = max(best, counts[v])
				}
				top += best
			}
			if nonNull > 0 && float64(top) >= depShare*float64(nonNull) {
				out[r] = append(out[r], c)
			}
		}
	}
	return out
}

// nonNullShare returns per comparison the probability that both values of
// a random pair are non-null.
func (m *Model) nonNullShare(a, b []Record) []float64 {
	share := func(tab []Record, idx int) float64 {
		n := 0
		for _, r := range tab {
			if Normalize(r.Values[idx]) != "" {
				n++
			}
		}
		return float64(n) / float64(len(tab))
	}
	out := make([]float64, len(m.comps))
	for c, cc := range m.comps {
		sa := share(a, cc.idx)
		sb := sa
		if b != nil {
			sb = share(b, cc.idx)
		}
		out[c] = sa * sb
	}
	return out
}

// buildTF records the relative frequency of each value of term-frequency
// adjusted fields over both tables.
func (m *Model) buildTF(a, b []Record) {
	for c, cc := range m.comps {
		if !cc.TermFrequency {
			continue
		}
		counts := make(map[string]float64)
		n := 0.0
		for _, tab := range [][]Record{a, b} {
			for _, r := range tab {
				if v := Normalize(r.Values[cc.idx]); v != "" {
					counts[v]++
					n++
				}
			}
		}
		for k := range counts {
			counts[k] /= n
		}
		m.tf[c] = counts
	}
}

// estimateU sets u from a seeded random sample of pairs, taken as
// non-matches; each level count gets a pseudo-count of 0.5 so no u is 0.
func (m *Model) estimateU(pa, pb [][]value, dedupe bool, s Settings) int {
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	all := totalPairs(len(pa), len(pb), dedupe)
	n := s.USamplePairs
	if float64(n) > all {
		n = int(all)
	}
	counts := make([][]float64, len(m.comps))
	for c := range m.comps {
		counts[c] = make([]float64, m.comps[c].numLevels())
	}
	for k := 0; k < n; k++ {
		var i, j int
		if dedupe {
			i = rng.IntN(len(pa))
			j = rng.IntN(len(pa) - 1)
			if j >= i {
				j++
			}
		} else {
			i, j = rng.IntN(len(pa)), rng.IntN(len(pb))
		}
		for c := range m.comps {
			counts[c][m.comps[c].level(pa[i], pb[j])]++
		}
	}
	for c := range m.comps {
		u := make([]float64, len(counts[c]))
		tot := 0.0
		for l := 1; l < len(u); l++ {
			tot += counts[c][l] + 0.5
		}
		for l := 1; l < len(u); l++ {
			u[l] = (counts[c][l] + 0.5) / tot
		}
		m.u[c] = u
	}
	return n
}

// computeWeights fills the per-level weights and the prior weight.
func (m *Model) computeWeights() {
	m.tfAt = make([][]bool, len(m.comps))
	m.logU = make([][]float64, len(m.comps))
	for c := range m.comps {
		n := len(m.m[c])
		w, lu, at := make([]float64, n), make([]float64, n), make([]bool, n)
		for l := 1; l < n; l++ {
			w[l] = math.Log2(math.Max(m.m[c][l], minM) / m.u[c][l])
			lu[l] = math.Log2(m.u[c][l])
			at[l] = m.tf[c] != nil && l <= len(m.comps[c].Levels) && m.comps[c].Levels[l-1].Kind == Exact
		}
		m.weights[c], m.logU[c], m.tfAt[c] = w, lu, at
	}
	m.prior = logOdds2(m.lambda)
}

// median returns the median of xs (xs is sorted in place).
func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
