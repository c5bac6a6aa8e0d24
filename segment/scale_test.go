package segment

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestScalers(t *testing.T) {
	x, _ := FromRows([][]float64{{1, 10, 0}, {2, 20, 9}, {3, 60, 99}})
	z, err := FitScaler(x, ScaleSpec{Method: ScaleZScore})
	if err != nil {
		t.Fatal(err)
	}
	zt, _ := z.Transform(x)
	// column 0: mean 2, population std sqrt(2/3)
	if want := -1 / math.Sqrt(2.0/3); math.Abs(zt.Data[0]-want) > 1e-12 {
		t.Fatalf("z-score %v, want %v", zt.Data[0], want)
	}
	mm, _ := FitScaler(x, ScaleSpec{Method: ScaleMinMax, Log1p: []int{2}})
	mt, _ := mm.Transform(x)
	if mt.Data[1] != 0 || mt.Data[7] != 1 || math.Abs(mt.Data[5]-math.Log(10)/math.Log(100)) > 1e-12 {
		t.Fatalf("minmax/log1p wrong: %v", mt.Data)
	}
	back := mm.Inverse(mt.Row(1))
	for j, v := range back {
		if math.Abs(v-x.Row(1)[j]) > 1e-9 {
			t.Fatalf("inverse %v, want %v", back, x.Row(1))
		}
	}
}

func TestScalerErrors(t *testing.T) {
	x, _ := FromRows([][]float64{{1, 5}, {2, 5}, {3, 5}})
	_, err := FitScaler(x, ScaleSpec{Method: ScaleZScore})
	var ie *InputError
	if !errors.Is(err, ErrZeroVariance) || !errors.Is(err, ErrInvalid) || !errors.As(err, &ie) || ie.Col != 1 {
		t.Fatalf("constant column under z-score: %v", err)
	}
	if _, err := FitScaler(x, ScaleSpec{Method: ScaleMinMax}); err != nil {
		t.Fatalf("minmax should accept a constant column: %v", err)
	}
	y, _ := FromRows([][]float64{{1, -2}})
	if _, err := FitScaler(y, ScaleSpec{Log1p: []int{1}}); !errors.Is(err, ErrRange) {
		t.Fatalf("log1p of -2: %v", err)
	}
	if _, err := FitScaler(y, ScaleSpec{Method: "robust"}); !errors.Is(err, ErrOption) {
		t.Fatalf("bad method: %v", err)
	}
}

func TestSegmentationPredictsOriginalUnits(t *testing.T) {
	rows := blobs(21, 600, 3, 4, 1)
	for _, r := range rows { // make column 2 money-like and skewed
		r[2] = math.Exp(r[2] / 3)
	}
	x, _ := FromRows(rows)
	seg, err := KMeans{NClusters: 4, RandomState: 3}.FitScaled(x, nil, ScaleSpec{Method: ScaleZScore, Log1p: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := seg.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, seg.Model.Labels) {
		t.Fatal("Predict in original units differs from training labels")
	}
	if c := seg.Centers(); len(c) != 4 || len(c[0]) != 3 {
		t.Fatal("centres shape")
	}
}
