package tagging

import "time"

const secondsPerDay = 86400

// clock is the evaluation instant, precomputed once per evaluation and
// passed by value so evaluation does not allocate.
type clock struct {
	unix  int64 // seconds since the epoch
	today int64 // civil day number of now's calendar date in now's location
	year  int   // now's calendar year in now's location
}

// newClock precomputes now; the calendar fields only when withDate is set,
// because time.Time.Date costs as much as a simple rule.
func newClock(now time.Time, withDate bool) clock {
	if !withDate {
		return clock{unix: now.Unix()}
	}
	y, m, d := now.Date()
	return clock{unix: now.Unix(), today: daysFromCivil(y, int(m), d), year: y}
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(int64(y), 400)
	yoe := int64(y) - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysToAnniversary returns how many days from now.today until the next
// occurrence (today counts as 0) of month/day. A 29 February anniversary
// falls on 28 February in common years.
func daysToAnniversary(now clock, month, day int) int64 {
	for y := now.year; ; y++ {
		d := day
		if month == 2 && day == 29 && !isLeap(y) {
			d = 28
		}
		if diff := daysFromCivil(y, month, d) - now.today; diff >= 0 {
			return diff
		}
	}
}

// withinWindow reports whether t lies in [now-days, now].
func withinWindow(now clock, t int64, days int) bool {
	return t <= now.unix && now.unix-t <= int64(days)*secondsPerDay
}
