package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// simulatedOrders writes a purchase log: each customer buys at a random
// rate and may drop out after each purchase, some only once, some refund.
func simulatedOrders(t *testing.T, n int) string {
	r := rand.New(rand.NewPCG(21, 22))
	var b strings.Builder
	b.WriteString("customer,order,time,amount\n")
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	end := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	o := 0
	for c := range n {
		first := start.Add(time.Duration(r.IntN(90*24)) * time.Hour)
		rate := r.ExpFloat64() / 20 // purchases per day
		spend := 20 + r.Float64()*80
		p := 0.05 + 0.5*r.Float64()*r.Float64() // drop-out probability varies
		now := first
		for {
			o++
			fmt.Fprintf(&b, "c%d,o%d,%s,%.2f\n", c, o, now.Format(time.DateTime), spend*(0.5+r.Float64()))
			if r.IntN(20) == 0 {
				fmt.Fprintf(&b, "c%d,r%d,%s,-5.00\n", c, o, now.Add(48*time.Hour).Format(time.DateTime))
			}
			if r.Float64() < p {
				break
			}
			now = now.Add(time.Duration(r.ExpFloat64() / rate * 24 * float64(time.Hour)))
			if now.After(end) {
				break
			}
		}
	}
	return b.String()
}

func TestCLVCommand(t *testing.T) {
	in := writeTemp(t, "orders.csv", simulatedOrders(t, 800))
	out := filepath.Join(t.TempDir(), "clv.csv")
	for _, period := range []string{"day", "week"} {
		stdout, stderr, code := rfmRun("clv", "-in", in, "-customer", "customer", "-order", "order", "-time", "time", "-amount", "amount",
			"-asof", "2025-12-31", "-period", period, "-out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "BG/NBD ("+period+"): r=") || !strings.Contains(stdout, "converged true") || !strings.Contains(stdout, "Gamma-Gamma: p=") {
			t.Fatalf("params not printed:\n%s", stdout)
		}
		f, _ := os.Open(out)
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "customer_id,frequency,recency,T,p_alive,expected_purchases,clv" || len(rows) != 801 {
			t.Fatalf("header %v, %d rows", rows[0], len(rows))
		}
		for _, row := range rows[1:] {
			var v [6]float64
			for j := range v {
				v[j], err = strconv.ParseFloat(row[j+1], 64)
				if err != nil || math.IsNaN(v[j]) || math.IsInf(v[j], 0) {
					t.Fatalf("row %v: %v", row, err)
				}
			}
			x, tx, T, pa, ep, clv := v[0], v[1], v[2], v[3], v[4], v[5]
			if x < 0 || tx > T || pa < 0 || pa > 1 || ep < 0 || clv < 0 || (x == 0 && pa != 1) {
				t.Fatalf("implausible row %v", row)
			}
		}
	}
}

func TestCLVCommandSinglePurchases(t *testing.T) {
	in := writeTemp(t, "o.csv", "c,o,t,a\nx,1,2025-01-01,5\ny,2,2025-02-01,7\nz,3,2025-03-01,9\n")
	stdout, stderr, code := rfmRun("clv", "-in", in, "-customer", "c", "-order", "o", "-time", "t", "-amount", "a", "-asof", "2025-06-01", "-out", "-")
	if code != 0 || !strings.Contains(stderr, "Gamma-Gamma: not fitted") || !strings.Contains(stdout, "x,0,0,151,1,") {
		t.Fatalf("%d\n%s\n%s", code, stdout, stderr)
	}
	if _, _, code := rfmRun("clv", "-in", in, "-customer", "c", "-order", "o", "-time", "t", "-amount", "a", "-asof", "2025-06-01", "-out", "-", "-period", "month"); code != 2 {
		t.Fatal("bad period accepted")
	}
	risk := writeTemp(t, "r.json", `[{"name":"a","min_p_alive":0.5},{"name":"b","min_p_alive":0.6}]`)
	if _, _, code := rfmRun("clv", "-in", in, "-customer", "c", "-order", "o", "-time", "t", "-amount", "a", "-asof", "2025-06-01", "-out", "-", "-risk", risk); code != 1 {
		t.Fatal("bad risk table accepted")
	}
}
