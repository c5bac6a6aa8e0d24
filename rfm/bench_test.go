package rfm

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchLines generates n purchase lines for c customers: orders of one or
// two lines, a customer drawn at random per order, days over two years,
// amounts of 1..500 with 3% refunds.
func benchLines(n, c int) *Lines {
	r := rand.New(rand.NewPCG(42, 42))
	l := &Lines{
		Customers: make([]string, c),
		Customer:  make([]int32, 0, n),
		Order:     make([]int32, 0, n),
		Day:       make([]Day, 0, n),
		Minor:     make([]int64, 0, n),
		Scale:     2,
	}
	for i := range l.Customers {
		l.Customers[i] = "c" + strconv.Itoa(i)
	}
	base := DayFromCivil(2024, 1, 1)
	o := int32(0)
	for len(l.Customer) < n {
		cust := int32(r.IntN(c))
		d := base + Day(r.IntN(730))
		k := 1 + r.IntN(2)
		for j := 0; j < k && len(l.Customer) < n; j++ {
			m := int64(100 + r.IntN(50000))
			if r.IntN(33) == 0 {
				m = -m
			}
			l.Customer = append(l.Customer, cust)
			l.Order = append(l.Order, o)
			l.Day = append(l.Day, d)
			l.Minor = append(l.Minor, m)
		}
		o++
	}
	return l
}

func benchRFM(b *testing.B, n, c int) {
	l := benchLines(n, c)
	asOf := DayFromCivil(2025, 12, 31)
	tb := DefaultTable()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := l.Aggregate(asOf, nil)
		if err != nil {
			b.Fatal(err)
		}
		s, err := Score(a, ScoreOptions{Bins: 5})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tb.Assign(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRFM: 10,000,000 purchase lines (about 6.7M orders) of 1,000,000
// customers, aggregated, quantile-scored and segmented. Run with -cpu 1.
func BenchmarkRFM(b *testing.B) {
	if testing.Short() {
		b.Skip("10M lines")
	}
	benchRFM(b, 10_000_000, 1_000_000)
}

// BenchmarkRFMSmall is the same at 1/100 scale.
func BenchmarkRFMSmall(b *testing.B) { benchRFM(b, 100_000, 10_000) }

// BenchmarkAggregatorAdd measures the string-keyed, decimal-free path per
// purchase: interning customer and order ids.
func BenchmarkAggregatorAdd(b *testing.B) {
	l := benchLines(1_000_000, 100_000)
	orders := make([]string, 0, len(l.Order))
	for _, o := range l.Order {
		orders = append(orders, strconv.Itoa(int(o)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		g := NewAggregator(nil)
		for i, c := range l.Customer {
			if err := g.addMinor(l.Customers[c], orders[i], l.Day[i], l.Minor[i], 1); err != nil {
				b.Fatal(err)
			}
		}
	}
}
