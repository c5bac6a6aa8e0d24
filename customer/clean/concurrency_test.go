package clean

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentUse runs every cleaner from several goroutines on one
// Cleaner (under -race) and checks the results equal a sequential run.
func TestConcurrentUse(t *testing.T) {
	c := testCleaner()
	inputs := append([]string(nil), fuzzSeeds...)
	run := func(raw string) string {
		p, e1 := c.Phone(raw)
		em, e2 := c.Email(raw)
		n, e3 := c.Name(raw)
		g, e4 := c.Gender(raw)
		d, e5 := c.BirthDate(raw)
		id, e6 := c.IDCard(raw)
		a, e7 := c.Address(raw)
		return fmt.Sprint(describePhone(p, e1), em, e2, n, e3, g, e4, d, e5, id, e6, a, e7)
	}
	want := make([]string, len(inputs))
	for i, raw := range inputs {
		want[i] = run(raw)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range inputs {
				i := (k + g*5) % len(inputs)
				if got := run(inputs[i]); got != want[i] {
					t.Errorf("input %d differs under concurrency", i)
				}
			}
		}()
	}
	wg.Wait()
}
