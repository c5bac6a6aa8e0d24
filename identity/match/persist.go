package match

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// kindNames are the stable text names of level kinds in saved models.
var kindNames = map[LevelKind]string{
	Exact: "exact", JaroWinklerAtLeast: "jaro_winkler_at_least", LevenshteinAtMost: "levenshtein_at_most",
	DamerauAtMost: "damerau_at_most", NumericWithin: "numeric_within", DateWithin: "date_within",
	DateTransposed: "date_transposed", PhoneDigitsAtMost: "phone_digits_at_most", NameReordered: "name_reordered",
	NameClose: "name_close", ColumnsReversed: "columns_reversed", NumericWithinPercent: "numeric_within_percent",
}

// String returns the kind's name.
func (k LevelKind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("LevelKind(%d)", uint8(k))
}

// MarshalText encodes the kind by name.
func (k LevelKind) MarshalText() ([]byte, error) {
	n, ok := kindNames[k]
	if !ok {
		return nil, fmt.Errorf("%w: unknown level kind %d", ErrInvalid, uint8(k))
	}
	return []byte(n), nil
}

// UnmarshalText decodes a kind name.
func (k *LevelKind) UnmarshalText(b []byte) error {
	for kind, n := range kindNames {
		if n == string(b) {
			*k = kind
			return nil
		}
	}
	return fmt.Errorf("%w: unknown level kind", ErrInvalid)
}

// savedModel is the JSON form of a Model.
type savedModel struct {
	Version     int                  `json:"version"`
	Fields      []string             `json:"fields"`
	Comparisons []Comparison         `json:"comparisons"`
	Blocking    []Rule               `json:"blocking"`
	MaxPairs    int64                `json:"max_pairs"`
	Lambda      float64              `json:"lambda"`
	TFMinimumU  float64              `json:"tf_minimum_u"`
	M           [][]float64          `json:"m"`
	U           [][]float64          `json:"u"`
	TF          []map[string]float64 `json:"tf"`
}

// MarshalJSON saves the trained model: settings, m and u probabilities, λ
// and term-frequency tables (which hold the values of the training data).
func (m *Model) MarshalJSON() ([]byte, error) {
	s := savedModel{Version: 1, Fields: m.fields, Blocking: m.blocking, MaxPairs: m.maxPairs,
		Lambda: m.lambda, TFMinimumU: m.tfMinU, M: m.m, U: m.u, TF: m.tf}
	for _, c := range m.comps {
		s.Comparisons = append(s.Comparisons, c.Comparison)
	}
	return json.Marshal(s)
}

// UnmarshalModel loads a model saved by MarshalJSON, checking that it is
// complete and its probabilities are valid.
func UnmarshalModel(data []byte) (*Model, error) {
	var s savedModel
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%w: model: %v", ErrInvalid, err)
	}
	if s.Version != 1 {
		return nil, fmt.Errorf("%w: model: unsupported version %d", ErrInvalid, s.Version)
	}
	set := Settings{Fields: s.Fields, Comparisons: s.Comparisons, Blocking: s.Blocking, MaxPairs: s.MaxPairs,
		PriorMatch: s.Lambda, TFMinimumU: s.TFMinimumU, Tolerance: 1}
	if err := set.validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if s.MaxPairs <= 0 {
		return nil, fmt.Errorf("%w: model: max pairs must be positive", ErrInvalid)
	}
	if _, err := newBlocker(s.Fields, s.Blocking, nil, nil); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m := newModel(set)
	nc := len(m.comps)
	if len(s.M) != nc || len(s.U) != nc || (s.TF != nil && len(s.TF) != nc) {
		return nil, fmt.Errorf("%w: model: parameters do not match the comparisons", ErrInvalid)
	}
	for c := range m.comps {
		n := m.comps[c].numLevels()
		if err := checkProbs(s.M[c], n); err != nil {
			return nil, fmt.Errorf("%w: model: field %q m: %v", ErrInvalid, m.comps[c].Field, err)
		}
		if err := checkProbs(s.U[c], n); err != nil {
			return nil, fmt.Errorf("%w: model: field %q u: %v", ErrInvalid, m.comps[c].Field, err)
		}
		if slices.ContainsFunc(s.U[c][1:], func(u float64) bool { return u == 0 }) {
			return nil, fmt.Errorf("%w: model: field %q: a u probability is 0", ErrInvalid, m.comps[c].Field)
		}
		m.m[c], m.u[c] = slices.Clone(s.M[c]), slices.Clone(s.U[c])
		if s.TF != nil && s.TF[c] != nil {
			if !m.comps[c].TermFrequency {
				return nil, fmt.Errorf("%w: model: field %q has a term-frequency table but no adjustment", ErrInvalid, m.comps[c].Field)
			}
			for _, f := range s.TF[c] {
				if !(f > 0 && f <= 1) {
					return nil, fmt.Errorf("%w: model: field %q: term frequency out of (0, 1]", ErrInvalid, m.comps[c].Field)
				}
			}
			m.tf[c] = s.TF[c]
		}
	}
	m.computeWeights()
	return m, nil
}

// checkProbs checks a level probability vector: n entries, 0 at the null
// level, each in [0, 1], summing to 1 over the other levels.
func checkProbs(p []float64, n int) error {
	if len(p) != n {
		return fmt.Errorf("have %d levels, want %d", len(p), n)
	}
	if p[0] != 0 {
		return fmt.Errorf("null level must be 0")
	}
	sum := 0.0
	for _, v := range p[1:] {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("probability out of [0, 1]")
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("probabilities sum to %g, not 1", sum)
	}
	return nil
}
