package segment_test

import (
	"fmt"

	"github.com/cimkit/cimkit/segment"
)

func ExampleKMeans() {
	rows := [][]float64{{1, 1}, {1.5, 2}, {1, 1.5}, {8, 8}, {9, 8.5}, {8.5, 9}}
	m, err := segment.KMeans{NClusters: 2, RandomState: 1}.FitRows(rows, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Labels[0] == m.Labels[1], m.Labels[0] != m.Labels[3])
	fmt.Printf("inertia %.4f\n", m.Inertia)
	next, _ := m.PredictRows([][]float64{{2, 2}})
	fmt.Println(next[0] == m.Labels[0])
	// Output:
	// true true
	// inertia 1.6667
	// true
}

func ExampleKMeans_initCenters() {
	rows := [][]float64{{0, 0}, {0, 1}, {10, 10}, {10, 11}}
	m, _ := segment.KMeans{NClusters: 2, InitCenters: [][]float64{{10, 10}, {0, 0}}}.FitRows(rows, nil)
	fmt.Println(m.Labels, m.Centers, m.NIter)
	// Output: [1 1 0 0] [[10 10.5] [0 0.5]] 2
}

func ExampleSegmentation() {
	// recency days, orders, spend: very different scales, so z-score them
	x, _ := segment.FromRows([][]float64{
		{3, 12, 900}, {5, 10, 1100}, {4, 11, 950},
		{200, 1, 40}, {250, 2, 60}, {180, 1, 35},
	})
	seg, err := segment.KMeans{NClusters: 2, RandomState: 1}.FitScaled(x, nil, segment.ScaleSpec{Method: segment.ScaleZScore, Log1p: []int{2}})
	if err != nil {
		panic(err)
	}
	newcomer, _ := segment.FromRows([][]float64{{6, 9, 800}})
	got, _ := seg.Predict(newcomer)
	fmt.Println(got[0] == seg.Model.Labels[0])
	for _, c := range seg.Centers() {
		fmt.Printf("recency %.0f orders %.0f\n", c[0], c[1])
	}
	// Output:
	// true
	// recency 4 orders 11
	// recency 210 orders 1
}

func ExampleChooseK() {
	var rows [][]float64
	for i := 0; i < 60; i++ {
		c := float64(i%3) * 10
		rows = append(rows, []float64{c + float64(i%5)*0.1, c - float64(i%7)*0.1})
	}
	x, _ := segment.FromRows(rows)
	res, _ := segment.ChooseK(x, nil, 2, 5, segment.KMeans{RandomState: 1}, 0)
	fmt.Println("knee", res.Knee, "silhouette", res.BestSilhouette, "CH", res.BestCH, "DB", res.BestDB)
	// Output: knee 3 silhouette 3 CH 3 DB 3
}

func ExampleDescribe() {
	x, _ := segment.FromRows([][]float64{
		{3, 12, 900}, {5, 10, 1100}, {4, 11, 950}, {10, 8, 700}, {7, 9, 800},
		{200, 1, 40}, {250, 2, 60}, {180, 1, 35}, {300, 1, 20}, {220, 3, 80},
	})
	labels := []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}
	ps, _ := segment.Describe(x, labels, segment.DescribeOptions{Columns: []string{"recency", "orders", "spend"}, MinLeaf: 2})
	for _, p := range ps {
		fmt.Printf("%d: %d customers, %s: %s\n", p.Cluster, p.Size, p.Name, p.Rules[0].Text)
	}
	// Output:
	// 0: 5 customers, Champions: recency ≤ 10
	// 1: 5 customers, Lost: recency ≥ 11
}

func ExampleMiniBatchKMeans() {
	var rows [][]float64
	for i := 0; i < 3000; i++ {
		c := float64(i%2) * 20
		rows = append(rows, []float64{c + float64(i%10)/10, c + float64(i%7)/10})
	}
	x, _ := segment.FromRows(rows)
	m, _ := segment.MiniBatchKMeans{NClusters: 2, BatchSize: 256, RandomState: 1}.Fit(x, nil)
	fmt.Println(m.Labels[0] != m.Labels[1], m.Labels[0] == m.Labels[2])
	// Output: true true
}
