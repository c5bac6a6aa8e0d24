package segment

import (
	"math"
)

// Matrix is a dense row-major matrix: element (i, j) is Data[i*Cols+j].
// Functions in this package never modify a Matrix they are given.
type Matrix struct {
	Data []float64
	Rows int
	Cols int
}

// NewMatrix wraps data (not copied) as a rows×cols matrix after checking the
// shape and that every value is finite.
func NewMatrix(data []float64, rows, cols int) (Matrix, error) {
	m := Matrix{Data: data, Rows: rows, Cols: cols}
	return m, m.validate("X")
}

// FromRows copies a slice of equal-length rows into a Matrix, checking for
// ragged rows and non-finite values.
func FromRows(rows [][]float64) (Matrix, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return Matrix{}, inputErr(ErrEmpty, "X", -1, -1, "no rows or no columns")
	}
	d := len(rows[0])
	data := make([]float64, 0, len(rows)*d)
	for i, r := range rows {
		if len(r) != d {
			return Matrix{}, inputErr(ErrRagged, "X", i, -1, "has %d columns, row 0 has %d", len(r), d)
		}
		data = append(data, r...)
	}
	m := Matrix{Data: data, Rows: len(rows), Cols: d}
	return m, m.validate("X")
}

// Row returns row i as a sub-slice of Data (not a copy).
func (m Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// ToRows copies the matrix into a slice of rows.
func (m Matrix) ToRows() [][]float64 {
	out := make([][]float64, m.Rows)
	for i := range out {
		out[i] = append([]float64(nil), m.Row(i)...)
	}
	return out
}

// validate checks shape and finiteness.
func (m Matrix) validate(field string) error {
	if m.Rows <= 0 || m.Cols <= 0 {
		return inputErr(ErrEmpty, field, -1, -1, "no rows or no columns")
	}
	if len(m.Data) != m.Rows*m.Cols {
		return inputErr(ErrRagged, field, -1, -1, "data length %d is not rows %d × cols %d", len(m.Data), m.Rows, m.Cols)
	}
	// One comparison per value: with the sign bit cleared, NaN, ±Inf and
	// magnitudes above maxAbs all have larger bit patterns than maxAbs.
	limit := math.Float64bits(maxAbs)
	for idx, v := range m.Data {
		if math.Float64bits(v)&(1<<63-1) <= limit {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			e := inputErr(ErrNonFinite, field, idx/m.Cols, idx%m.Cols, "value is %v", v).(*InputError)
			e.Value = v
			return e
		}
		e := inputErr(ErrRange, field, idx/m.Cols, idx%m.Cols, "magnitude above 1e100").(*InputError)
		e.Value = v
		return e
	}
	return nil
}

// maxAbs bounds input magnitudes so that sums of squared distances stay
// finite.
const maxAbs = 1e100

// validateWeights checks a sample weight vector (nil means all ones).
func validateWeights(w []float64, n int) error {
	if w == nil {
		return nil
	}
	if len(w) != n {
		return inputErr(ErrShape, "sample_weight", -1, -1, "has %d values for %d rows", len(w), n)
	}
	pos := false
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			e := inputErr(ErrNonFinite, "sample_weight", i, -1, "value is %v", v).(*InputError)
			e.Value = v
			return e
		}
		if v < 0 || v > maxAbs {
			e := inputErr(ErrInvalid, "sample_weight", i, -1, "weight is negative or above 1e100").(*InputError)
			e.Value = v
			return e
		}
		if v > 0 {
			pos = true
		}
	}
	if !pos {
		return inputErr(ErrInvalid, "sample_weight", -1, -1, "all weights are zero")
	}
	return nil
}

// countDistinct returns the number of distinct rows, stopping early once
// limit distinct rows have been seen. -0 and +0 are the same value.
func countDistinct(m Matrix, limit int) int {
	seen := make(map[string]struct{}, min(limit, m.Rows))
	key := make([]byte, 8*m.Cols)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			b := math.Float64bits(v + 0) // normalises -0 to +0
			for s := 0; s < 8; s++ {
				key[8*j+s] = byte(b >> (8 * s))
			}
		}
		if _, ok := seen[string(key)]; !ok {
			seen[string(key)] = struct{}{}
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}
