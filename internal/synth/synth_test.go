package synth

import (
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
)

func digest(t *testing.T, d *Dataset) string {
	t.Helper()
	h := sha256.New()
	for _, r := range d.Records {
		fmt.Fprintf(h, "%+v\n", r)
	}
	for _, o := range d.Orders {
		fmt.Fprintf(h, "%s %s %s %s %s\n", o.ID, o.RecordID, o.PlacedAt, o.Total, o.Status)
	}
	for _, e := range d.Events {
		fmt.Fprintf(h, "%+v\n", e)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Customers: 500, Orders: 3000, Seed: 7}
	a, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(cfg)
	if digest(t, a) != digest(t, b) {
		t.Fatal("the same config gave different data")
	}
	cfg.Seed = 8
	c, _ := Generate(cfg)
	if digest(t, a) == digest(t, c) {
		t.Fatal("different seeds gave the same data")
	}
}

func TestShapeAndTruth(t *testing.T) {
	d, err := Generate(Config{Customers: 2000, Orders: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 2000 || len(d.Orders) != 20000 || len(d.Events) != 20000 {
		t.Fatalf("got %d records %d orders %d events", len(d.Records), len(d.Orders), len(d.Events))
	}
	persons := map[string]bool{}
	for _, p := range d.Persons {
		persons[p.ID] = true
	}
	recs := map[string]bool{}
	perPerson := map[string]int{}
	for _, r := range d.Records {
		if !persons[r.PersonID] {
			t.Fatal("a record names no known person")
		}
		recs[r.ID] = true
		perPerson[r.PersonID]++
	}
	dup := 1 - float64(len(perPerson))/float64(len(d.Records))
	if dup < 0.25 || dup > 0.35 {
		t.Fatalf("duplicate share %.3f, want about 0.3", dup)
	}
	if len(perPerson) != len(d.Persons) {
		t.Fatal("some person has no record")
	}
	statuses := map[string]int{}
	for i, o := range d.Orders {
		if !recs[o.RecordID] {
			t.Fatal("an order names no known record")
		}
		if i > 0 && o.PlacedAt.Before(d.Orders[i-1].PlacedAt) {
			t.Fatal("orders not in time order")
		}
		sum := decimal.Zero
		for _, it := range o.Items {
			sum = sum.Add(it.Quantity.Mul(it.UnitPrice))
			if !it.Quantity.IsPositive() || it.UnitPrice.IsNegative() {
				t.Fatal("bad item")
			}
		}
		if !sum.Sub(o.Discount).Add(o.Shipping).Equal(o.Total) {
			t.Fatalf("order %s: total does not add up", o.ID)
		}
		if o.Refunded.GreaterThan(o.Total) || o.History[len(o.History)-1].Status != o.Status {
			t.Fatalf("order %s: inconsistent refund or history", o.ID)
		}
		if o.PlacedAt.After(d.Orders[len(d.Orders)-1].PlacedAt) || o.History[len(o.History)-1].At.After(Config{}.withDefaults().End) {
			t.Fatal("time outside the period")
		}
		statuses[o.Status]++
	}
	if statuses["completed"] < len(d.Orders)/2 || statuses["cancelled"] == 0 || statuses["refunded"] == 0 {
		t.Fatalf("implausible status mix %v", statuses)
	}
}

func (c Config) withDefaults() Config { _ = c.fill(); return c }

func TestBadConfig(t *testing.T) {
	for _, c := range []Config{{Customers: -1}, {DuplicateRate: 1}, {Orders: -5}} {
		if _, err := Generate(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: got %v, want ErrConfig", c, err)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	d, err := Generate(Config{Customers: 100, Orders: 400, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := d.WriteCSV(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{CustomersFile: 101, OrdersFile: 401, EventsFile: 401, TruthFile: 101} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want {
			t.Errorf("%s has %d rows, want %d", name, len(rows), want)
		}
	}
}

// TestPairScoresBruteForce checks the contingency-table count against
// enumerating every pair.
func TestPairScoresBruteForce(t *testing.T) {
	truth := map[string]string{"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}
	pred := [][]string{{"a", "b", "d"}, {"c"}, {"e", "f"}}
	ids := []string{"a", "b", "c", "d", "e", "f"}
	cluster := map[string]int{}
	for i, c := range pred {
		for _, id := range c {
			cluster[id] = i
		}
	}
	tp, pp, tpairs := 0, 0, 0
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			same, together := truth[ids[i]] == truth[ids[j]], cluster[ids[i]] == cluster[ids[j]]
			if same {
				tpairs++
			}
			if together {
				pp++
			}
			if same && together {
				tp++
			}
		}
	}
	p, r, gtp, gpp, gtrue := PairScores(pred, truth)
	if gtp != tp || gpp != pp || gtrue != tpairs || p != float64(tp)/float64(pp) || r != float64(tp)/float64(tpairs) {
		t.Fatalf("got %v %v %d %d %d, want tp %d pred %d true %d", p, r, gtp, gpp, gtrue, tp, pp, tpairs)
	}
}
