// Package civil holds small calendar helpers shared by cimkit's parsers and
// generators.
package civil

// DaysIn returns the number of days in month m (1..12) of year y in the
// proleptic Gregorian calendar.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
