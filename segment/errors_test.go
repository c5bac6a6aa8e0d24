package segment

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

func TestBadInput(t *testing.T) {
	good := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	cases := []struct {
		name     string
		fit      func() error
		kind     error
		row, col int
	}{
		{"k zero", func() error { _, err := KMeans{NClusters: 0}.FitRows(good, nil); return err }, ErrClusters, -1, -1},
		{"k negative", func() error { _, err := KMeans{NClusters: -2}.FitRows(good, nil); return err }, ErrClusters, -1, -1},
		{"k above rows", func() error { _, err := KMeans{NClusters: 4}.FitRows(good, nil); return err }, ErrClusters, -1, -1},
		{"k above distinct", func() error {
			_, err := KMeans{NClusters: 3}.FitRows([][]float64{{1, 1}, {1, 1}, {2, 2}, {-0.0, 0}, {0, 0}}, nil)
			if err != nil {
				return err
			}
			_, err = KMeans{NClusters: 4}.FitRows([][]float64{{1, 1}, {1, 1}, {2, 2}, {-0.0, 0}, {0, 0}}, nil)
			return err
		}, ErrClusters, -1, -1},
		{"NaN", func() error {
			_, err := KMeans{NClusters: 1}.FitRows([][]float64{{1, 2}, {3, math.NaN()}}, nil)
			return err
		}, ErrNonFinite, 1, 1},
		{"+Inf", func() error { _, err := KMeans{NClusters: 1}.FitRows([][]float64{{math.Inf(1), 2}}, nil); return err }, ErrNonFinite, 0, 0},
		{"-Inf flat", func() error {
			_, err := KMeans{NClusters: 1}.Fit(Matrix{Data: []float64{1, 2, 3, 4, 5, math.Inf(-1)}, Rows: 2, Cols: 3}, nil)
			return err
		}, ErrNonFinite, 1, 2},
		{"huge", func() error {
			_, err := KMeans{NClusters: 1}.FitRows([][]float64{{1, 2}, {3, -1e200}}, nil)
			return err
		}, ErrRange, 1, 1},
		{"empty rows", func() error { _, err := KMeans{NClusters: 1}.FitRows(nil, nil); return err }, ErrEmpty, -1, -1},
		{"empty columns", func() error { _, err := KMeans{NClusters: 1}.FitRows([][]float64{{}}, nil); return err }, ErrEmpty, -1, -1},
		{"empty matrix", func() error { _, err := KMeans{NClusters: 1}.Fit(Matrix{}, nil); return err }, ErrEmpty, -1, -1},
		{"ragged", func() error { _, err := KMeans{NClusters: 1}.FitRows([][]float64{{1, 2}, {3}}, nil); return err }, ErrRagged, 1, -1},
		{"flat length", func() error {
			_, err := KMeans{NClusters: 1}.Fit(Matrix{Data: []float64{1, 2, 3}, Rows: 2, Cols: 2}, nil)
			return err
		}, ErrRagged, -1, -1},
		{"weights length", func() error { _, err := KMeans{NClusters: 1}.FitRows(good, []float64{1}); return err }, ErrShape, -1, -1},
		{"weight NaN", func() error { _, err := KMeans{NClusters: 1}.FitRows(good, []float64{1, math.NaN(), 1}); return err }, ErrNonFinite, 1, -1},
		{"weight negative", func() error { _, err := KMeans{NClusters: 1}.FitRows(good, []float64{1, -1, 1}); return err }, ErrInvalid, 1, -1},
		{"init shape", func() error {
			_, err := KMeans{NClusters: 2, InitCenters: [][]float64{{1, 2}}}.FitRows(good, nil)
			return err
		}, ErrShape, -1, -1},
		{"init NaN", func() error {
			_, err := KMeans{NClusters: 2, InitCenters: [][]float64{{1, 2}, {math.NaN(), 0}}}.FitRows(good, nil)
			return err
		}, ErrNonFinite, 1, 0},
		{"bad init name", func() error { _, err := KMeans{NClusters: 1, Init: "kmeans"}.FitRows(good, nil); return err }, ErrOption, -1, -1},
		{"bad algorithm", func() error { _, err := KMeans{NClusters: 1, Algorithm: "full"}.FitRows(good, nil); return err }, ErrOption, -1, -1},
		{"bad n_init", func() error { _, err := KMeans{NClusters: 1, NInit: -1}.FitRows(good, nil); return err }, ErrOption, -1, -1},
		{"bad max_iter", func() error { _, err := KMeans{NClusters: 1, MaxIter: -1}.FitRows(good, nil); return err }, ErrOption, -1, -1},
		{"bad tol", func() error { _, err := KMeans{NClusters: 1, Tol: math.NaN()}.FitRows(good, nil); return err }, ErrOption, -1, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.fit()
			if !errors.Is(err, ErrInvalid) || !errors.Is(err, c.kind) {
				t.Fatalf("got %v, want ErrInvalid and %v", err, c.kind)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%v is not an *InputError", err)
			}
			if ie.Row != c.row || ie.Col != c.col {
				t.Fatalf("position row %d col %d, want row %d col %d (%v)", ie.Row, ie.Col, c.row, c.col, err)
			}
		})
	}
}

func TestNonFiniteErrorKeepsValue(t *testing.T) {
	_, err := KMeans{NClusters: 1}.FitRows([][]float64{{1, 2}, {3, math.Inf(-1)}}, nil)
	var ie *InputError
	if !errors.As(err, &ie) || !math.IsInf(ie.Value, -1) {
		t.Fatalf("raw value not kept: %v", err)
	}
	if got := err.Error(); got != "segment: X row 1 column 1: value is -Inf" {
		t.Fatalf("message %q", got)
	}
}

// FuzzFit feeds arbitrary numbers (including NaN, Inf, duplicates) and
// parameters to Fit: it must return a result or a typed error, never panic,
// and a result must be self-consistent.
func FuzzFit(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64}, uint8(2), uint8(1), uint8(2), false)
	f.Add(make([]byte, 64), uint8(3), uint8(2), uint8(1), true)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 248, 127, 1, 2, 3, 4, 5, 6, 7, 8}, uint8(1), uint8(2), uint8(3), false)
	f.Fuzz(func(t *testing.T, raw []byte, cols, k, nInit uint8, random bool) {
		vals := make([]float64, len(raw)/8)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		d := int(cols%4) + 1
		n := len(vals) / d
		x := Matrix{Data: vals[:n*d], Rows: n, Cols: d}
		km := KMeans{NClusters: int(k % 6), NInit: int(nInit % 3), MaxIter: 50}
		if random {
			km.Init = InitRandom
		}
		m, err := km.Fit(x, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(m.Labels) != n || len(m.Centers) != km.NClusters {
			t.Fatal("bad result shape")
		}
		if math.IsNaN(m.Inertia) || math.IsInf(m.Inertia, 0) || m.Inertia < 0 {
			t.Fatalf("inertia %v", m.Inertia)
		}
		for _, l := range m.Labels {
			if l < 0 || l >= km.NClusters {
				t.Fatalf("label %d", l)
			}
		}
	})
}
