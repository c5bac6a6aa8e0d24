package segment

import (
	"errors"
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
