// Command gen writes a seeded synthetic purchase log for the rfm benchmark:
// customer_id,order_id,created_at,amount with multi-line orders, refunds
// under their own order ids, zero amounts and a few purchases after the
// as-of date used by run.sh (2025-12-31).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

func main() {
	lines := flag.Int("lines", 10_000_000, "purchase lines to write")
	customers := flag.Int("customers", 1_000_000, "distinct customers")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "orders.csv", "output file")
	flag.Parse()
	if err := write(*out, *lines, *customers, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func write(path string, lines, customers int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(seed, 7))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	w.WriteString("customer_id,order_id,created_at,amount\n")
	var b []byte
	row := func(c int, order string, ts int64, cents int64) {
		b = b[:0]
		b = fmt.Appendf(b, "C%07d,%s,", c, order)
		b = time.Unix(ts, 0).UTC().AppendFormat(b, time.DateTime)
		b = append(b, ',')
		if cents < 0 {
			b = append(b, '-')
			cents = -cents
		}
		b = strconv.AppendInt(b, cents/100, 10)
		b = append(b, '.', byte('0'+cents%100/10), byte('0'+cents%10), '\n')
		w.Write(b)
	}
	n := 0
	for o := 0; n < lines; o++ {
		c := r.IntN(customers)
		// Two years of history and 1% of orders in the 10 days after the as-of date.
		ts := base + r.Int64N(731*86400)
		if r.IntN(100) == 0 {
			ts = base + 731*86400 + r.Int64N(10*86400)
		}
		id := "O" + strconv.Itoa(o)
		for k := 1 + r.IntN(2); k > 0 && n < lines; k-- {
			cents := int64(100 + r.IntN(50000))
			if r.IntN(200) == 0 {
				cents = 0
			}
			row(c, id, ts+int64(k), cents)
			n++
		}
		if r.IntN(33) == 0 && n < lines {
			row(c, "R"+strconv.Itoa(o), ts+3*86400, -int64(100+r.IntN(5000)))
			n++
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
