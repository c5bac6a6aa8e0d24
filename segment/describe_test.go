package segment

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// plantedRFM has three planted groups with sharp rules:
// group 0: recency ≤ 14 and orders ≥ 6; group 1: recency > 60; group 2: the rest.
func plantedRFM(n int) (Matrix, []int) {
	rng := rand.New(rand.NewPCG(9, 9))
	data := make([]float64, 0, 3*n)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		var r, f float64
		switch i % 3 {
		case 0:
			r, f = float64(rng.IntN(15)), float64(6+rng.IntN(10))
		case 1:
			r, f = float64(61+rng.IntN(300)), float64(1+rng.IntN(12))
		default:
			r = float64(rng.IntN(61))
			if r <= 14 {
				f = float64(1 + rng.IntN(5))
			} else {
				f = float64(1 + rng.IntN(12))
			}
		}
		m := f * (20 + 30*rng.Float64())
		data = append(data, r, f, m)
		labels[i] = i % 3
	}
	return Matrix{Data: data, Rows: n, Cols: 3}, labels
}

func TestDescribeRecoversPlantedRules(t *testing.T) {
	x, labels := plantedRFM(3000)
	ps, err := Describe(x, labels, DescribeOptions{Columns: []string{"recency", "orders", "spend"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[0].Size != 1000 {
		t.Fatalf("profiles %+v", ps)
	}
	if got := ps[0].Rules[0].Text; got != "recency ≤ 14 and orders ≥ 6" {
		t.Fatalf("cluster 0 rule %q", got)
	}
	if r := ps[0].Rules[0]; r.Precision != 1 || r.Recall != 1 {
		t.Fatalf("cluster 0 rule precision %v recall %v", r.Precision, r.Recall)
	}
	if got := ps[1].Rules[0].Text; got != "recency ≥ 61" {
		t.Fatalf("cluster 1 rule %q", got)
	}
	if ps[0].Name != "Champions" || !strings.Contains(ps[1].Name, "") || ps[1].Levels[0] != "lapsed" {
		t.Fatalf("names %q %q levels %v", ps[0].Name, ps[1].Name, ps[1].Levels)
	}
}

func TestSuggestNameFromShortColumns(t *testing.T) {
	x, _ := FromRows([][]float64{{1, 10, 500}, {2, 12, 400}, {100, 1, 20}, {120, 2, 30}})
	ps, err := Describe(x, []int{0, 0, 1, 1}, DescribeOptions{Columns: []string{"r", "f", "m"}})
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Name != "Champions" || ps[1].Name != "Lost" {
		t.Fatalf("names %q, %q", ps[0].Name, ps[1].Name)
	}
	if _, err := Describe(x, []int{0, 0, 1, 1}, DescribeOptions{Columns: []string{"r"}}); err == nil {
		t.Fatal("wrong column count accepted")
	}
}
