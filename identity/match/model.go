package match

import (
	"math"
	"slices"
)

// Record is one row to match: an id and its field values in the order of
// Settings.Fields. An empty value (after trimming) is null.
type Record struct {
	ID     string
	Values []string
}

// Contribution is one field's part of a pair's match weight.
type Contribution struct {
	// Field is the compared field.
	Field string
	// Level is the name of the comparison level the pair is at.
	Level string
	// LevelIndex is the level's position: 0 null, 1.. the configured
	// levels, then else.
	LevelIndex int
	// M and U are the level's probabilities among matches and non-matches.
	M, U float64
	// Weight is log2(M/U), the level's Bayes factor in bits; 0 at the null
	// level.
	Weight float64
	// TFWeight is the term-frequency adjustment added to Weight for an
	// exact agreement on a value rarer or more common than average.
	TFWeight float64
}

// Result is the score of one pair.
type Result struct {
	// Weight is the match weight in bits: PriorWeight plus the Weight and
	// TFWeight of every field.
	Weight float64
	// Probability is the match probability, 2^Weight / (1 + 2^Weight).
	Probability float64
	// PriorWeight is log2(λ/(1-λ)) for the probability λ that two random
	// records match.
	PriorWeight float64
	// Waterfall lists each field's contribution, in comparison order.
	Waterfall []Contribution
}

// Model is a trained Fellegi-Sunter model. It is immutable and safe for
// concurrent use.
type Model struct {
	fields   []string
	comps    []compiled
	needs    []needs              // per field position
	m, u     [][]float64          // per comparison, per level
	weights  [][]float64          // log2(m/u); 0 at the null level
	tf       []map[string]float64 // per comparison: value -> relative frequency
	tfAt     [][]bool             // per comparison, per level: term-frequency adjusted
	logU     [][]float64          // log2 u
	tfMinU   float64
	lambda   float64
	prior    float64 // log2 prior odds
	blocking []Rule
	maxPairs int64
}

// minM is the floor on m probabilities when computing weights, so a level
// never seen among matches has a large negative but finite weight.
const minM = 1e-6

// Fields returns the record fields the model reads, in order.
func (m *Model) Fields() []string { return slices.Clone(m.fields) }

// Lambda returns the estimated probability that two random records match.
func (m *Model) Lambda() float64 { return m.lambda }

// Parameters returns the m and u probabilities of a compared field, indexed
// by level (0 null, configured levels, else), and whether the field is
// compared. The null level's m and u are 0: a null comparison carries no
// evidence.
func (m *Model) Parameters(field string) (mProb, uProb []float64, ok bool) {
	for i := range m.comps {
		if m.comps[i].Field == field {
			return slices.Clone(m.m[i]), slices.Clone(m.u[i]), true
		}
	}
	return nil, nil, false
}

// LevelNames returns the level names of a compared field, indexed as in
// Parameters.
func (m *Model) LevelNames(field string) []string {
	for i := range m.comps {
		if m.comps[i].Field == field {
			c := &m.comps[i].Comparison
			names := make([]string, c.numLevels())
			for l := range names {
				names[l] = c.levelName(l)
			}
			return names
		}
	}
	return nil
}

// prepareRecord prepares the fields the model compares; values beyond the
// record's length are null.
func (m *Model) prepareRecord(r Record) []value {
	vs := make([]value, len(m.fields))
	for i := range m.fields {
		if i < len(r.Values) {
			vs[i] = prepare(r.Values[i], m.needs[i])
		} else {
			vs[i] = value{null: true}
		}
	}
	for c := range m.comps {
		if m.tf[c] == nil {
			continue
		}
		v := &vs[m.comps[c].idx]
		if f, ok := m.tf[c][v.s]; ok && !v.null {
			v.tfLog, v.tfKnown = -math.Log2(math.Max(f, m.tfMinU)), true
		}
	}
	return vs
}

// prepareAll prepares a table.
func (m *Model) prepareAll(rs []Record) [][]value {
	out := make([][]value, len(rs))
	for i, r := range rs {
		out[i] = m.prepareRecord(r)
	}
	return out
}

// tfWeight returns the term-frequency adjustment for comparison c at level
// l of a pair agreeing on value x: log2(u/f) for the value's frequency f,
// or 0 when the level is not adjusted or the value was not seen in
// training.
func (m *Model) tfWeight(c, l int, x *value) float64 {
	if !m.tfAt[c][l] || !x.tfKnown {
		return 0
	}
	return m.logU[c][l] + x.tfLog
}

// weight returns the match weight of two prepared records.
func (m *Model) weight(a, b []value) float64 {
	w := m.prior
	for c := range m.comps {
		cc := &m.comps[c]
		l := cc.level(a, b)
		w += m.weights[c][l]
		if m.tfAt[c][l] {
			w += m.tfWeight(c, l, &a[cc.idx])
		}
	}
	return w
}

// Score compares two records and explains the result.
func (m *Model) Score(a, b Record) Result {
	pa, pb := m.prepareRecord(a), m.prepareRecord(b)
	res := Result{PriorWeight: m.prior, Weight: m.prior, Waterfall: make([]Contribution, len(m.comps))}
	for c := range m.comps {
		cc := &m.comps[c]
		l := cc.level(pa, pb)
		ct := Contribution{Field: cc.Field, Level: cc.levelName(l), LevelIndex: l,
			M: m.m[c][l], U: m.u[c][l], Weight: m.weights[c][l]}
		if l != nullLevel {
			ct.TFWeight = m.tfWeight(c, l, &pa[cc.idx])
		}
		res.Weight += ct.Weight + ct.TFWeight
		res.Waterfall[c] = ct
	}
	res.Probability = probability(res.Weight)
	return res
}

// probability converts a match weight in bits to a probability.
func probability(w float64) float64 {
	if w > 1000 {
		return 1
	}
	bf := math.Exp2(w)
	return bf / (1 + bf)
}

// logOdds2 returns log2(p/(1-p)).
func logOdds2(p float64) float64 { return math.Log2(p / (1 - p)) }
