package match

import (
	"fmt"
	"math"
	"slices"
)

// Settings configure training and prediction. Zero fields take the
// documented defaults.
type Settings struct {
	// Fields names the record values, in Record.Values order.
	Fields []string
	// Comparisons say how fields are compared; fields without a comparison
	// are not compared (they may still be used for blocking).
	Comparisons []Comparison
	// Blocking rules, OR-ed, choose the candidate pairs; they are also the
	// EM training sessions (see Train).
	Blocking []Rule
	// MaxPairs caps the candidate pairs blocking may generate; more is an
	// ErrTooManyPairs error before any pair is generated. Default 20,000,000.
	MaxPairs int64
	// Seed seeds the random sampling of pairs for u probabilities.
	Seed uint64
	// USamplePairs is how many random pairs estimate u. Default 200,000
	// (or every pair, when there are fewer).
	USamplePairs int
	// MaxIterations bounds each EM session. Default 100.
	MaxIterations int
	// Tolerance is the EM convergence threshold on the largest change of
	// any m probability or λ between iterations. Default 1e-4.
	Tolerance float64
	// PriorMatch is the probability λ that two random records match used
	// when no EM session converges. Default 1e-4.
	PriorMatch float64
	// TFMinimumU floors the term frequency used in term-frequency
	// adjustments. Default 0 (no floor beyond one occurrence).
	TFMinimumU float64

	// keepDependent, for tests, keeps fields the rule determines in its EM
	// session.
	keepDependent bool
}

func (s *Settings) withDefaults() Settings {
	c := *s
	if c.MaxPairs == 0 {
		c.MaxPairs = 20_000_000
	}
	if c.USamplePairs == 0 {
		c.USamplePairs = 200_000
	}
	if c.MaxIterations == 0 {
		c.MaxIterations = 100
	}
	if c.Tolerance == 0 {
		c.Tolerance = 1e-4
	}
	if c.PriorMatch == 0 {
		c.PriorMatch = 1e-4
	}
	return c
}

func (s *Settings) validate() error {
	if len(s.Fields) == 0 {
		return fmt.Errorf("%w: no fields", ErrInvalid)
	}
	for i, f := range s.Fields {
		if f == "" || slices.Contains(s.Fields[:i], f) {
			return fmt.Errorf("%w: field %d: empty or repeated name", ErrInvalid, i+1)
		}
	}
	if len(s.Comparisons) == 0 {
		return fmt.Errorf("%w: no comparisons", ErrInvalid)
	}
	for i := range s.Comparisons {
		if err := s.Comparisons[i].validate(s.Fields); err != nil {
			return err
		}
		if slices.ContainsFunc(s.Comparisons[:i], func(c Comparison) bool { return c.Field == s.Comparisons[i].Field }) {
			return fmt.Errorf("%w: field %q compared twice", ErrInvalid, s.Comparisons[i].Field)
		}
	}
	switch {
	case s.MaxPairs < 0, s.USamplePairs < 0, s.MaxIterations < 0:
		return fmt.Errorf("%w: negative limit", ErrInvalid)
	case !(s.Tolerance > 0) || math.IsInf(s.Tolerance, 0):
		return fmt.Errorf("%w: tolerance must be positive", ErrInvalid)
	case !(s.PriorMatch > 0 && s.PriorMatch < 1):
		return fmt.Errorf("%w: prior match probability must be in (0, 1)", ErrInvalid)
	case !(s.TFMinimumU >= 0 && s.TFMinimumU < 1):
		return fmt.Errorf("%w: term-frequency minimum u must be in [0, 1)", ErrInvalid)
	}
	return nil
}

// priorM returns the starting (and fallback) m probabilities of a
// comparison: halving from the first level to the else level, normalised,
// 0 at the null level.
func priorM(c *Comparison) []float64 {
	n := c.numLevels()
	m := make([]float64, n)
	sum := 0.0
	w := 1.0
	for l := 1; l < n; l++ {
		m[l] = w
		sum += w
		w /= 2
	}
	for l := 1; l < n; l++ {
		m[l] /= sum
	}
	return m
}
