package cputime

import "testing"

// TestProcessAdvances: spinning uses CPU time, and Process sees it.
func TestProcessAdvances(t *testing.T) {
	a, ok := Process()
	if !ok {
		t.Skip("no CPU time on this platform")
	}
	x := 0
	for i := range 50_000_000 {
		x ^= i
	}
	b, _ := Process()
	if b <= a {
		t.Fatalf("CPU time did not advance: %v then %v (%d)", a, b, x)
	}
}
