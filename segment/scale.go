package segment

import (
	"math"
)

// Scaling method names.
const (
	ScaleNone   = "none"
	ScaleZScore = "zscore" // (v - mean) / std, population std as sklearn's StandardScaler
	ScaleMinMax = "minmax" // (v - min) / (max - min), as sklearn's MinMaxScaler
)

// ScaleSpec says how to prepare feature columns before clustering.
type ScaleSpec struct {
	// Method is "zscore", "minmax" or "none" (also ""). Under "zscore" a
	// constant column is an error (ErrZeroVariance); under "minmax" it maps
	// to 0, as in scikit-learn.
	Method string
	// Log1p lists columns (0-based) to transform with log(1+v) first, for
	// skewed money and counts. Values must be > -1.
	Log1p []int
}

// Scaler is a fitted column transformation: optional log1p, then
// (v - Offset[j]) / Scale[j]. It is immutable and safe for concurrent use;
// apply it to new customers before Model.Predict, or use Segmentation.
type Scaler struct {
	Method string
	Log1p  []bool    // per column
	Offset []float64 // per column
	Scale  []float64 // per column, never zero
}

// FitScaler fits spec to the columns of x. x is not modified.
func FitScaler(x Matrix, spec ScaleSpec) (*Scaler, error) {
	if err := x.validate("X"); err != nil {
		return nil, err
	}
	d := x.Cols
	s := &Scaler{Method: spec.Method, Log1p: make([]bool, d), Offset: make([]float64, d), Scale: make([]float64, d)}
	switch s.Method {
	case "":
		s.Method = ScaleNone
	case ScaleNone, ScaleZScore, ScaleMinMax:
	default:
		return nil, inputErr(ErrOption, "scale", -1, -1, "method must be %q, %q or %q", ScaleZScore, ScaleMinMax, ScaleNone)
	}
	for _, c := range spec.Log1p {
		if c < 0 || c >= d {
			return nil, inputErr(ErrOption, "log1p", -1, c, "no such column (have %d)", d)
		}
		s.Log1p[c] = true
	}
	for j := range s.Scale {
		s.Scale[j] = 1
	}
	t, err := s.logged(x)
	if err != nil {
		return nil, err
	}
	n := float64(t.Rows)
	for j := 0; j < d; j++ {
		switch s.Method {
		case ScaleZScore:
			var mean, ss float64
			for i := 0; i < t.Rows; i++ {
				mean += t.Data[i*d+j]
			}
			mean /= n
			for i := 0; i < t.Rows; i++ {
				dv := t.Data[i*d+j] - mean
				ss += dv * dv
			}
			std := math.Sqrt(ss / n)
			if !(std > 1e-12*max(1, math.Abs(mean))) {
				return nil, inputErr(ErrZeroVariance, "X", -1, j, "column is constant; z-score needs variance")
			}
			s.Offset[j], s.Scale[j] = mean, std
		case ScaleMinMax:
			lo, hi := math.Inf(1), math.Inf(-1)
			for i := 0; i < t.Rows; i++ {
				lo, hi = min(lo, t.Data[i*d+j]), max(hi, t.Data[i*d+j])
			}
			s.Offset[j] = lo
			if hi > lo {
				s.Scale[j] = hi - lo
			}
		}
	}
	return s, nil
}

// logged returns a copy of x with the log1p columns transformed.
func (s *Scaler) logged(x Matrix) (Matrix, error) {
	out := Matrix{Data: append([]float64(nil), x.Data...), Rows: x.Rows, Cols: x.Cols}
	for i := 0; i < x.Rows; i++ {
		for j, lg := range s.Log1p {
			if !lg {
				continue
			}
			v := out.Data[i*x.Cols+j]
			if !(v > -1) {
				e := inputErr(ErrRange, "X", i, j, "log1p needs values above -1").(*InputError)
				e.Value = v
				return Matrix{}, e
			}
			out.Data[i*x.Cols+j] = math.Log1p(v)
		}
	}
	return out, nil
}

// Transform returns a scaled copy of x.
func (s *Scaler) Transform(x Matrix) (Matrix, error) {
	if err := x.validate("X"); err != nil {
		return Matrix{}, err
	}
	if x.Cols != len(s.Scale) {
		return Matrix{}, inputErr(ErrShape, "X", -1, -1, "has %d columns, scaler has %d", x.Cols, len(s.Scale))
	}
	t, err := s.logged(x)
	if err != nil {
		return Matrix{}, err
	}
	for i, v := range t.Data {
		j := i % t.Cols
		t.Data[i] = (v - s.Offset[j]) / s.Scale[j]
	}
	return t, nil
}

// Inverse maps a scaled row (for example a cluster centre) back to
// original units. For log1p columns it returns expm1 of the value.
func (s *Scaler) Inverse(row []float64) []float64 {
	out := make([]float64, len(row))
	for j, v := range row {
		v = v*s.Scale[j] + s.Offset[j]
		if s.Log1p[j] {
			v = math.Expm1(v)
		}
		out[j] = v
	}
	return out
}

// Segmentation is a fitted scaler plus k-means model: it assigns customers
// given in original units. Immutable and safe for concurrent use.
type Segmentation struct {
	Scaler *Scaler
	Model  *Model
}

// FitScaled fits a scaler to x, then km on the scaled data.
func (km KMeans) FitScaled(x Matrix, sampleWeight []float64, spec ScaleSpec) (*Segmentation, error) {
	sc, err := FitScaler(x, spec)
	if err != nil {
		return nil, err
	}
	xs, err := sc.Transform(x)
	if err != nil {
		return nil, err
	}
	if km.InitCenters != nil {
		ic, err := FromRows(km.InitCenters)
		if err != nil {
			e := err.(*InputError)
			e.Field = "init"
			return nil, e
		}
		ics, err := sc.Transform(ic)
		if err != nil {
			e := err.(*InputError)
			e.Field = "init"
			return nil, e
		}
		km.InitCenters = ics.ToRows()
	}
	m, err := km.Fit(xs, sampleWeight)
	if err != nil {
		return nil, err
	}
	return &Segmentation{Scaler: sc, Model: m}, nil
}

// Predict assigns rows given in original units.
func (s *Segmentation) Predict(x Matrix) ([]int, error) {
	xs, err := s.Scaler.Transform(x)
	if err != nil {
		return nil, err
	}
	return s.Model.Predict(xs)
}

// Centers returns the cluster centres in original units.
func (s *Segmentation) Centers() [][]float64 {
	out := make([][]float64, len(s.Model.Centers))
	for j, c := range s.Model.Centers {
		out[j] = s.Scaler.Inverse(c)
	}
	return out
}
