package segment

import (
	"math"
	"testing"
)

// Reference values computed with scikit-learn 1.2.1 (Debian python3-sklearn):
// silhouette_score, calinski_harabasz_score, davies_bouldin_score.
func TestMetricsMatchScikitLearn(t *testing.T) {
	x, _ := FromRows([][]float64{{1, 2}, {1.5, 1.8}, {5, 8}, {8, 8}, {1, 0.6}, {9, 11}, {8, 2}, {10, 2}, {9, 3}})
	l := []int{0, 0, 1, 1, 0, 1, 2, 2, 2}
	s, _ := Silhouette(x, l)
	ch, _ := CalinskiHarabasz(x, l)
	db, _ := DaviesBouldin(x, l)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"silhouette", s, 0.7036685297515942},
		{"calinski_harabasz", ch, 32.83911333571683},
		{"davies_bouldin", db, 0.38911432521724043},
	} {
		if math.Abs(c.got-c.want) > 1e-12*math.Abs(c.want) {
			t.Errorf("%s = %v, scikit-learn %v", c.name, c.got, c.want)
		}
	}
}

func TestSilhouetteSampledIsExactWhenSampleCoversAll(t *testing.T) {
	rows := blobs(31, 400, 3, 4, 1)
	m, _ := KMeans{NClusters: 4, RandomState: 1}.FitRows(rows, nil)
	x, _ := FromRows(rows)
	a, _ := Silhouette(x, m.Labels)
	b, _ := SilhouetteSampled(x, m.Labels, 0, 1)
	c, _ := SilhouetteSampled(x, m.Labels, 200, 1)
	if a != b {
		t.Fatalf("exact %v vs %v", a, b)
	}
	if math.Abs(a-c) > 0.05 {
		t.Fatalf("sampled silhouette %v far from exact %v", c, a)
	}
}

func TestKnee(t *testing.T) {
	// a sharp elbow at x=3
	xs := []float64{1, 2, 3, 4, 5, 6}
	ys := []float64{100, 60, 20, 17, 15, 14}
	if got := Knee(xs, ys); got != 2 {
		t.Fatalf("knee index %d, want 2", got)
	}
	if Knee(xs[:2], ys[:2]) != 0 {
		t.Fatal("short curve")
	}
}

func TestChooseKFindsPlantedClusters(t *testing.T) {
	rows := blobs(41, 1500, 3, 4, 0.6)
	x, _ := FromRows(rows)
	res, err := ChooseK(x, nil, 2, 8, KMeans{NInit: 4, RandomState: 2}, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scores) != 7 || res.Scores[0].K != 2 {
		t.Fatalf("table %+v", res.Scores)
	}
	if res.Knee != 4 || res.BestSilhouette != 4 || res.BestCH != 4 || res.BestDB != 4 {
		t.Fatalf("planted k=4, got knee %d silhouette %d CH %d DB %d", res.Knee, res.BestSilhouette, res.BestCH, res.BestDB)
	}
	if _, err := ChooseK(x, nil, 1, 3, KMeans{}, 0); err == nil {
		t.Fatal("k range starting at 1 accepted")
	}
}
