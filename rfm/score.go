package rfm

import (
	"fmt"
	"slices"
)

// Method selects how RFM values become scores.
type Method int

const (
	// Quantile cuts at type-7 quantile breaks (R quantile, numpy linear),
	// right-closed, lowest included: R cut(include.lowest = TRUE) and pandas
	// qcut. When many values are equal, breaks coincide and some scores are
	// never given: all-equal values all score 1 (R: bins, most recent).
	Quantile Method = iota
	// Ntile ranks values and deals them into equal-size buckets as SQL NTILE
	// and dplyr::ntile: sizes differ by at most one, larger buckets first.
	// Ties are broken by first appearance (pandas rank(method="first")),
	// so equal values may get different scores. pandas qcut on those ranks
	// places the remainder differently (n=11, 3 bins: qcut 4,3,4; NTILE
	// 4,4,3); Quantile over distinct ranks is what qcut computes.
	Ntile
	// Fixed cuts at business thresholds given in ScoreOptions.Thresholds,
	// right-closed like Quantile.
	Fixed
)

// String returns the CLI name of the method.
func (m Method) String() string {
	switch m {
	case Quantile:
		return "quantile"
	case Ntile:
		return "ntile"
	case Fixed:
		return "fixed"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses "quantile", "ntile" or "fixed".
func ParseMethod(s string) (Method, error) {
	for _, m := range []Method{Quantile, Ntile, Fixed} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, invalid("method", "not quantile, ntile or fixed", s)
}

// Thresholds are the bins-1 ascending interior cut points of each dimension
// for the Fixed method: recency in days, frequency in the FrequencyMode's
// count, monetary in major units (e.g. 100.50). A value equal to a threshold
// falls in the lower bin. Recency is reversed: at or below the first
// threshold scores bins.
type Thresholds struct {
	Recency   []float64
	Frequency []float64
	Monetary  []float64
}

// ScoreOptions configures Score.
type ScoreOptions struct {
	Bins       int // 3 .. MaxBins; 0 means 5
	Method     Method
	Thresholds *Thresholds // for Fixed
}

// MaxBins is the largest number of bins.
const MaxBins = 10

// Scores holds per-customer scores parallel to the Aggregates, 1..Bins, with
// recency scored so that the most recent customers score highest.
type Scores struct {
	Bins    int
	R, F, M []uint8
	// Breaks holds the interior cut points used per dimension (the type-7
	// quantiles for Quantile, the thresholds for Fixed; nil for Ntile), in
	// days, counts and minor units.
	RecencyBreaks, FrequencyBreaks, MonetaryBreaks []float64
}

// Score scores the customers in a.
func Score(a *Aggregates, opts ScoreOptions) (*Scores, error) {
	bins := opts.Bins
	if bins == 0 {
		bins = 5
	}
	if bins < 3 || bins > MaxBins {
		return nil, invalid("bins", fmt.Sprintf("must be 3..%d", MaxBins), fmt.Sprint(bins))
	}
	n := a.Len()
	rec := make([]float64, n)
	frq := make([]float64, n)
	mon := make([]float64, n)
	for i := range n {
		rec[i] = float64(a.Recency[i])
		frq[i] = float64(a.FrequencyValue(i))
		mon[i] = a.MonetaryValue(i)
	}
	monInts := a.Monetary == Total
	s := &Scores{Bins: bins}
	switch opts.Method {
	case Quantile:
		s.RecencyBreaks, s.R = quantileScores(rec, bins, true, true)
		s.FrequencyBreaks, s.F = quantileScores(frq, bins, true, false)
		s.MonetaryBreaks, s.M = quantileScores(mon, bins, monInts, false)
	case Ntile:
		s.R = ntileScores(rec, bins, true, true)
		s.F = ntileScores(frq, bins, true, false)
		s.M = ntileScores(mon, bins, monInts, false)
	case Fixed:
		t := opts.Thresholds
		if t == nil {
			return nil, invalid("thresholds", "missing for the fixed method", "")
		}
		mt := make([]float64, len(t.Monetary))
		p := 1.0
		for range a.Scale {
			p *= 10
		}
		for i, v := range t.Monetary {
			mt[i] = v * p
		}
		for _, d := range []struct {
			name string
			th   []float64
		}{{"recency thresholds", t.Recency}, {"frequency thresholds", t.Frequency}, {"monetary thresholds", mt}} {
			if len(d.th) != bins-1 {
				return nil, invalid(d.name, fmt.Sprintf("need %d values", bins-1), "")
			}
			if !slices.IsSorted(d.th) {
				return nil, invalid(d.name, "not ascending", "")
			}
		}
		s.RecencyBreaks, s.FrequencyBreaks, s.MonetaryBreaks = slices.Clone(t.Recency), slices.Clone(t.Frequency), mt
		s.R = cutScores(rec, t.Recency, bins, true)
		s.F = cutScores(frq, t.Frequency, bins, false)
		s.M = cutScores(mon, mt, bins, false)
	default:
		return nil, invalid("method", "unknown", "")
	}
	return s, nil
}

func quantileScores(vals []float64, bins int, ints, reverse bool) ([]float64, []uint8) {
	if len(vals) == 0 {
		return nil, nil
	}
	st := newOrderStat(vals, ints)
	br := quantileBreaksAt(len(vals), bins, st.at)
	interior := br[1:bins]
	return interior, cutScores(vals, interior, bins, reverse)
}

func cutScores(vals, interior []float64, bins int, reverse bool) []uint8 {
	out := make([]uint8, len(vals))
	for i, v := range vals {
		s := binOf(interior, v)
		if reverse {
			s = bins + 1 - s
		}
		out[i] = uint8(s)
	}
	return out
}

func ntileScores(vals []float64, bins int, ints, reverse bool) []uint8 {
	n := len(vals)
	r := ranks(vals, ints)
	out := make([]uint8, n)
	for i, p := range r {
		s := ntileOf(int(p), n, bins)
		if reverse {
			s = bins + 1 - s
		}
		out[i] = uint8(s)
	}
	return out
}
