package segment

import (
	"errors"
	"runtime"
	"slices"
	"testing"
)

func TestMiniBatchNearFullKMeans(t *testing.T) {
	rows := blobs(51, 8000, 4, 6, 1.2)
	x, _ := FromRows(rows)
	full, err := KMeans{NClusters: 6, RandomState: 1}.Fit(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := MiniBatchKMeans{NClusters: 6, RandomState: 1, BatchSize: 512}.Fit(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Inertia > full.Inertia*1.05 {
		t.Fatalf("mini-batch inertia %v vs full %v", mb.Inertia, full.Inertia)
	}
	got, _ := mb.Predict(x)
	if !slices.Equal(got, mb.Labels) {
		t.Fatal("labels are not the final full assignment")
	}
	again, _ := MiniBatchKMeans{NClusters: 6, RandomState: 1, BatchSize: 512}.Fit(x, nil)
	if again.Inertia != mb.Inertia || !slices.Equal(again.Labels, mb.Labels) {
		t.Fatal("not deterministic for a seed")
	}
}

func TestMiniBatchBadInput(t *testing.T) {
	x, _ := FromRows([][]float64{{1, 2}, {3, 4}})
	if _, err := (MiniBatchKMeans{NClusters: 3}).Fit(x, nil); !errors.Is(err, ErrClusters) {
		t.Fatalf("k > rows: %v", err)
	}
	if _, err := (MiniBatchKMeans{NClusters: 1, BatchSize: -1}).Fit(x, nil); !errors.Is(err, ErrOption) {
		t.Fatalf("negative batch: %v", err)
	}
}

func TestMiniBatchAndChooseKIndependentOfGOMAXPROCS(t *testing.T) {
	x, _ := FromRows(blobs(52, 5000, 3, 4, 2))
	run := func(procs int) (*Model, *KChoice) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		m, err := MiniBatchKMeans{NClusters: 4, RandomState: 3, BatchSize: 256}.Fit(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ChooseK(x, nil, 2, 4, KMeans{NInit: 2, RandomState: 3}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return m, c
	}
	m1, c1 := run(1)
	m4, c4 := run(4)
	if m1.Inertia != m4.Inertia || !slices.Equal(m1.Labels, m4.Labels) {
		t.Fatal("mini-batch result depends on GOMAXPROCS")
	}
	if !slices.Equal(c1.Scores, c4.Scores) {
		t.Fatalf("choose-k table depends on GOMAXPROCS:\n%v\n%v", c1.Scores, c4.Scores)
	}
}
