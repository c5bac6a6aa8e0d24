package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstartRuns runs a small quickstart end to end and checks what it
// prints: the totals must match the generated data.
func TestQuickstartRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"-customers", "300", "-orders", "2000", "-seed", "4"}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"orders 2000, net revenue", "360-degree view", "payment mix:", "pairwise precision", "probable merges", "merge by hand", "unmerge: back to", "signed checkpoint verified", "done in"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if err := run(&out, []string{"-customers", "0"}); err == nil {
		t.Error("zero customers accepted")
	}
}
