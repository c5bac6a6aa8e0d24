package rfm

import "time"

// Day is a calendar date as the number of days since 1970-01-01. Recency and
// tenure are differences of Days, so they count whole calendar days, as R's
// rfm package does with Date columns.
type Day int32

// DayOf returns the calendar date of t in loc (UTC when loc is nil).
func DayOf(t time.Time, loc *time.Location) Day {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return DayFromCivil(y, int(m), d)
}

// DayFromCivil returns the Day of the proleptic Gregorian date y-m-d.
func DayFromCivil(y, m, d int) Day {
	// Howard Hinnant's days_from_civil.
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Day(era*146097 + doe - 719468)
}

// Time returns midnight of the day in loc (UTC when loc is nil).
func (d Day) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	u := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
}

// String formats the day as YYYY-MM-DD.
func (d Day) String() string { return d.Time(time.UTC).Format("2006-01-02") }
