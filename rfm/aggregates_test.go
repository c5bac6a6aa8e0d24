package rfm

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var asOf = time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC)

func randomPurchases(r *rand.Rand, n int) []Purchase {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ps := make([]Purchase, n)
	for i := range ps {
		c := r.IntN(40)
		o := r.IntN(6) // few order ids per customer: many multi-row orders
		amt := decimal.New(int64(r.IntN(20000)-3000), -2)
		if r.IntN(10) == 0 {
			amt = decimal.Zero
		}
		ps[i] = Purchase{
			Customer: "c" + strconv.Itoa(c),
			Order:    "o" + strconv.Itoa(o),
			Time:     base.Add(time.Duration(r.IntN(500*24)) * time.Hour),
			Amount:   amt,
		}
	}
	return ps
}

// oracle computes the expected per-customer values straight from the
// definitions, with decimals and maps, independent of the hot loop.
type oracleCust struct {
	recency, orders int
	net             decimal.Decimal
	first, last     time.Time
}

func oracle(ps []Purchase, asOf, since time.Time) (map[string]oracleCust, []string) {
	type ord struct {
		t   time.Time
		amt decimal.Decimal
	}
	orders := map[[2]string]*ord{}
	seen := map[string]bool{}
	for _, p := range ps {
		seen[p.Customer] = true
		k := [2]string{p.Customer, p.Order}
		o := orders[k]
		if o == nil {
			o = &ord{t: p.Time}
			orders[k] = o
		}
		if p.Time.Before(o.t) {
			o.t = p.Time
		}
		o.amt = o.amt.Add(p.Amount)
	}
	date := func(t time.Time) time.Time {
		y, m, d := t.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	out := map[string]oracleCust{}
	for k, o := range orders {
		d := date(o.t)
		if d.After(date(asOf)) || (!since.IsZero() && d.Before(date(since))) {
			continue
		}
		c := out[k[0]]
		c.net = c.net.Add(o.amt)
		if o.amt.IsPositive() {
			c.orders++
			if c.first.IsZero() || d.Before(c.first) {
				c.first = d
			}
			if d.After(c.last) {
				c.last = d
			}
		}
		out[k[0]] = c
	}
	var excluded []string
	for id := range seen {
		c, ok := out[id]
		if !ok || c.orders == 0 {
			excluded = append(excluded, id)
			delete(out, id)
			continue
		}
		c.recency = int(date(asOf).Sub(c.last).Hours() / 24)
		out[id] = c
	}
	slices.Sort(excluded)
	return out, excluded
}

func checkAgainstOracle(t *testing.T, a *Aggregates, want map[string]oracleCust, excluded []string) {
	t.Helper()
	if a.Len() != len(want) {
		t.Fatalf("customers = %d, want %d", a.Len(), len(want))
	}
	for i := range a.Len() {
		c := a.Customer(i)
		w, ok := want[c.ID]
		if !ok {
			t.Fatalf("unexpected customer %s", c.ID)
		}
		if c.RecencyDays != w.recency || c.Orders != w.orders || !c.Net.Equal(w.net) ||
			!c.First.Equal(w.first) || !c.Last.Equal(w.last) {
			t.Fatalf("customer %s = %+v, want %+v", c.ID, c, w)
		}
	}
	if !slices.Equal(a.Report.Excluded, excluded) {
		t.Fatalf("excluded = %v, want %v", a.Report.Excluded, excluded)
	}
}

func TestAggregateMatchesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 30 {
		ps := randomPurchases(r, 50+r.IntN(400))
		since := time.Time{}
		if trial%2 == 1 {
			since = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		g := NewAggregator(nil)
		for _, p := range ps {
			if err := g.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		a, err := g.Aggregate(asOf, &Options{Since: since})
		if err != nil {
			t.Fatal(err)
		}
		want, excl := oracle(ps, asOf, since)
		checkAgainstOracle(t, a, want, excl)
		rep := a.Report
		if rep.Lines != len(ps) {
			t.Fatalf("lines = %d", rep.Lines)
		}
	}
}

// TestMergeRandomSplits: any split of the rows into parts, aggregated
// separately and merged in any order, equals the whole.
func TestMergeRandomSplits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		ps := randomPurchases(r, 300)
		k := 1 + r.IntN(6)
		parts := make([]*Aggregator, k)
		for i := range parts {
			parts[i] = NewAggregator(nil)
		}
		whole := NewAggregator(nil)
		for _, p := range ps {
			_ = whole.Add(p)
			if err := parts[r.IntN(k)].Add(p); err != nil {
				t.Fatal(err)
			}
		}
		r.Shuffle(k, func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		merged := NewAggregator(nil)
		for _, p := range parts {
			if err := merged.Merge(p); err != nil {
				t.Fatal(err)
			}
		}
		wa, _ := whole.Aggregate(asOf, nil)
		ma, _ := merged.Aggregate(asOf, nil)
		want, excl := oracle(ps, asOf, time.Time{})
		checkAgainstOracle(t, wa, want, excl)
		checkAgainstOracle(t, ma, want, excl)
		if wa.Report.Lines != ma.Report.Lines || wa.Report.GrossMinor != ma.Report.GrossMinor ||
			wa.Report.RefundMinor != ma.Report.RefundMinor || wa.Report.Orders != ma.Report.Orders ||
			wa.Report.RefundOrders != ma.Report.RefundOrders || wa.Report.ZeroOrders != ma.Report.ZeroOrders {
			t.Fatalf("reports differ: %+v vs %+v", wa.Report, ma.Report)
		}
	}
}

func TestDefinitions(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateTime, s); return t }
	ps := []Purchase{
		{Customer: "a", Order: "1", Time: d("2026-03-01 10:00:00"), Amount: decimal.RequireFromString("10.00")},
		{Customer: "a", Order: "1", Time: d("2026-03-01 10:05:00"), Amount: decimal.RequireFromString("5.50")}, // same order
		{Customer: "a", Order: "2", Time: d("2026-03-30 23:59:59"), Amount: decimal.RequireFromString("20")},
		{Customer: "a", Order: "r2", Time: d("2026-03-31 01:00:00"), Amount: decimal.RequireFromString("-20")}, // refund
		{Customer: "b", Order: "3", Time: d("2026-02-01 00:00:00"), Amount: decimal.RequireFromString("0")},    // zero
		{Customer: "b", Order: "4", Time: d("2026-04-01 00:00:00"), Amount: decimal.RequireFromString("9")},    // future
		{Customer: "c", Order: "5", Time: d("2026-03-31 23:00:00"), Amount: decimal.RequireFromString("1.99")},
	}
	g := NewAggregator(nil)
	for _, p := range ps {
		if err := g.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	a, err := g.Aggregate(asOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != 2 {
		t.Fatalf("len = %d", a.Len())
	}
	ca := a.Customer(0)
	if ca.ID != "a" || ca.Orders != 2 || ca.RecencyDays != 1 || ca.Net.String() != "15.5" || ca.TenureDays != 30 {
		t.Fatalf("a = %+v", ca)
	}
	cc := a.Customer(1)
	if cc.ID != "c" || cc.RecencyDays != 0 || cc.Orders != 1 {
		t.Fatalf("c = %+v", cc)
	}
	rep := a.Report
	if rep.RefundOrders != 1 || rep.ZeroOrders != 1 || rep.FutureOrders != 1 || rep.Orders != 3 ||
		!slices.Equal(rep.Excluded, []string{"b"}) || rep.GrossMinor != 3749 || rep.RefundMinor != -2000 {
		t.Fatalf("report = %+v", rep)
	}
	// Repeat orders and mean per order.
	a2, _ := g.Aggregate(asOf, &Options{Frequency: RepeatOrders, Monetary: MeanPerOrder})
	if c := a2.Customer(0); c.Frequency != 1 || c.Monetary.String() != "7.75" {
		t.Fatalf("a repeat/mean = %+v", c)
	}
}

func TestBadInput(t *testing.T) {
	g := NewAggregator(nil)
	ok := Purchase{Customer: "a", Order: "1", Time: asOf, Amount: decimal.NewFromInt(1), Currency: "CNY"}
	if err := g.Add(ok); err != nil {
		t.Fatal(err)
	}
	cases := map[string]Purchase{
		"mixed currency": {Customer: "a", Order: "2", Time: asOf, Amount: decimal.NewFromInt(1), Currency: "USD"},
		"too precise":    {Customer: "a", Order: "2", Time: asOf, Amount: decimal.RequireFromString("1.005")},
		"no customer":    {Order: "2", Time: asOf, Amount: decimal.NewFromInt(1)},
		"no order":       {Customer: "a", Time: asOf, Amount: decimal.NewFromInt(1)},
		"no time":        {Customer: "a", Order: "2", Amount: decimal.NewFromInt(1)},
		"huge":           {Customer: "a", Order: "2", Time: asOf, Amount: decimal.RequireFromString("1e30")},
	}
	for name, p := range cases {
		err := g.Add(p)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	err := g.Add(cases["mixed currency"])
	var ie *InputError
	if !errors.Is(err, ErrMixedCurrency) || !errors.As(err, &ie) || ie.Raw != "USD" {
		t.Fatalf("mixed currency err = %v", err)
	}
	if _, err := g.Aggregate(time.Time{}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero asOf: %v", err)
	}
	if _, err := g.Aggregate(asOf, &Options{Since: asOf.AddDate(0, 0, 1)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("since after asOf: %v", err)
	}
	// Only future purchases: everybody excluded, reported.
	f := NewAggregator(nil)
	_ = f.Add(Purchase{Customer: "z", Order: "1", Time: asOf.AddDate(0, 0, 3), Amount: decimal.NewFromInt(5)})
	a, err := f.Aggregate(asOf, nil)
	if err != nil || a.Len() != 0 || a.Report.FutureOrders != 1 || len(a.Report.Excluded) != 1 {
		t.Fatalf("future only: %v %+v", err, a)
	}
}

func TestLinesMatchesAggregator(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ps := randomPurchases(r, 2000)
	g := NewAggregator(nil)
	l := &Lines{Scale: 2}
	custIdx := map[string]int32{}
	ordIdx := map[[2]string]int32{}
	for _, p := range ps {
		_ = g.Add(p)
		c, ok := custIdx[p.Customer]
		if !ok {
			c = int32(len(l.Customers))
			custIdx[p.Customer] = c
			l.Customers = append(l.Customers, p.Customer)
		}
		o, ok := ordIdx[[2]string{p.Customer, p.Order}]
		if !ok {
			o = int32(len(ordIdx))
			ordIdx[[2]string{p.Customer, p.Order}] = o
		}
		m, _ := ToMinor(p.Amount, 2)
		l.Customer = append(l.Customer, c)
		l.Order = append(l.Order, o)
		l.Day = append(l.Day, DayOf(p.Time, nil))
		l.Minor = append(l.Minor, m)
	}
	a1, _ := g.Aggregate(asOf, nil)
	a2, err := l.Aggregate(DayOf(asOf, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, excl := oracle(ps, asOf, time.Time{})
	checkAgainstOracle(t, a1, want, excl)
	checkAgainstOracle(t, a2, want, excl)
	// The same lines sorted by order number take the streaming path.
	idx := make([]int, len(l.Order))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(l.Order[a] - l.Order[b]) })
	s := &Lines{Customers: l.Customers, Scale: 2}
	for _, i := range idx {
		s.Customer = append(s.Customer, l.Customer[i])
		s.Order = append(s.Order, l.Order[i])
		s.Day = append(s.Day, l.Day[i])
		s.Minor = append(s.Minor, l.Minor[i])
	}
	if !ordersInRuns(s.Order) || ordersInRuns(l.Order) {
		t.Fatal("test does not exercise both paths")
	}
	a3, err := s.Aggregate(DayOf(asOf, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstOracle(t, a3, want, excl)
	if a3.Report.GrossMinor != a2.Report.GrossMinor || a3.Report.RefundMinor != a2.Report.RefundMinor || a3.Report.Orders != a2.Report.Orders {
		t.Fatalf("reports differ: %+v %+v", a3.Report, a2.Report)
	}
	s.Customer[1] = (s.Customer[0] + 1) % int32(len(s.Customers))
	s.Order[1] = s.Order[0]
	if _, err := s.Aggregate(DayOf(asOf, nil), nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("inconsistent runs: %v", err)
	}
	// Inconsistent order numbering is an error, not a silent merge.
	l.Order[0], l.Customer[0] = l.Order[1], (l.Customer[1]+1)%int32(len(l.Customers))
	if l.Customer[0] != l.Customer[1] {
		if _, err := l.Aggregate(DayOf(asOf, nil), nil); !errors.Is(err, ErrInvalid) {
			t.Fatalf("inconsistent orders: %v", err)
		}
	}
}

func TestDayOf(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1969-12-31", "2000-02-29", "2026-11-23", "1600-03-01", "2400-12-31"} {
		tm, _ := time.Parse(time.DateOnly, s)
		want := Day(tm.Unix() / 86400)
		if tm.Unix() < 0 {
			want = Day((tm.Unix() - 86399) / 86400)
		}
		if got := DayOf(tm, nil); got != want || got.String() != s {
			t.Errorf("%s: %d (%s), want %d", s, got, got, want)
		}
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	tm := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC) // 04:00 next day in Shanghai
	if DayOf(tm, sh)-DayOf(tm, nil) != 1 {
		t.Fatal("location not applied")
	}
}
