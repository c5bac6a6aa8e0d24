package civil

import (
	"testing"
	"time"
)

// TestDaysInAgainstTime checks every month of four centuries against the
// time package's normalisation.
func TestDaysInAgainstTime(t *testing.T) {
	for y := 1800; y < 2200; y++ {
		for m := 1; m <= 12; m++ {
			want := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := DaysIn(y, m); got != want {
				t.Fatalf("DaysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
