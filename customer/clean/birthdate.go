package clean

import (
	"strconv"
	"strings"
	"time"
)

// DateOrder decides how an all-numeric date with the year last and both
// other parts ≤ 12 (05/10/2024) is read.
type DateOrder uint8

// Date orders. The zero value means the default, DMY.
const (
	DMY DateOrder = iota + 1 // 05/10/2024 is 5 October 2024
	MDY                      // 05/10/2024 is 10 May 2024
)

// excelEpoch is day 0 of the Excel 1900 date system as it is used in
// practice (serial 1 = 1900-01-01, with the 1900 leap-year bug absorbed for
// serials after 60).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

var ymdWords = strings.NewReplacer("年", "-", "月", "-")

// BirthDateResult is a cleaned birth date.
type BirthDateResult struct {
	Raw   string    // the input exactly as given
	Value string    // canonical form YYYY-MM-DD, or "" when not usable
	Date  time.Time // the date at 00:00 UTC; zero when not usable
	Flags Flags
}

// BirthDate parses a birth date written as 2024-10-05, 2024/10/5,
// 2024.10.5, 2024年10月5日, 20241005, 05/10/2024 (ambiguous: FlagAmbiguous,
// decided by Options.DateOrder) or an Excel serial date (45570, flagged
// FlagSpreadsheet). A trailing time of day is ignored. Impossible dates give
// ErrInvalid; dates in the future or more than 120 years ago give
// ErrOutOfRange.
func (c *Cleaner) BirthDate(raw string) (BirthDateResult, error) {
	r := BirthDateResult{Raw: raw}
	if err := checkLen("birthdate", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("birthdate", ErrEmpty, "no value")
	}
	y, m, d, f2, err := c.parseDate(s)
	r.Flags |= f2
	if err != nil {
		return r, err
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return r, fieldErr("birthdate", ErrInvalid, "no such calendar date")
	}
	now := c.now().UTC()
	if t.After(now) {
		return r, fieldErr("birthdate", ErrOutOfRange, "date is in the future")
	}
	if t.Before(now.AddDate(-120, 0, 0)) {
		return r, fieldErr("birthdate", ErrOutOfRange, "age above 120")
	}
	r.Date = t
	r.Value = formatDate(y, m, d)
	return r, nil
}

func (c *Cleaner) parseDate(s string) (y, m, d int, f Flags, err error) {
	bad := func(reason string) (int, int, int, Flags, error) {
		return 0, 0, 0, f, fieldErr("birthdate", ErrInvalid, reason)
	}
	// Drop a time of day: "2024-10-05 00:00:00", "2024-10-05T08:00:00Z".
	if i := strings.IndexAny(s, " T"); i >= 8 && strings.Contains(s[i:], ":") {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, "日")
	s = strings.TrimSuffix(s, "号")
	if strings.Contains(s, "年") {
		s = ymdWords.Replace(s)
	}
	if allDigits(s) || (strings.HasSuffix(s, ".0") && allDigits(s[:len(s)-2])) {
		s = strings.TrimSuffix(s, ".0")
		switch {
		case len(s) == 8:
			y, _ = strconv.Atoi(s[:4])
			m, _ = strconv.Atoi(s[4:6])
			d, _ = strconv.Atoi(s[6:])
			return y, m, d, f, nil
		case len(s) >= 2 && len(s) <= 5:
			n, _ := strconv.Atoi(s)
			if n < 61 {
				return bad("spreadsheet serial date before March 1900")
			}
			t := excelEpoch.AddDate(0, 0, n)
			return t.Year(), int(t.Month()), t.Day(), f | FlagSpreadsheet, nil
		}
		return bad("unrecognised number")
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' })
	if len(parts) != 3 {
		return bad("unrecognised date format")
	}
	var n [3]int
	for i, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return bad("unrecognised date format")
		}
		n[i], _ = strconv.Atoi(p)
	}
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		return n[0], n[1], n[2], f, nil
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		a, b := n[0], n[1]
		switch {
		case a > 12 && b > 12:
			return bad("no such calendar date")
		case a > 12:
			return n[2], b, a, f, nil
		case b > 12:
			return n[2], a, b, f, nil
		}
		if a != b {
			f |= FlagAmbiguous
		}
		if c.order == MDY {
			return n[2], a, b, f, nil
		}
		return n[2], b, a, f, nil
	}
	return bad("unrecognised date format")
}

// formatDate formats a date as YYYY-MM-DD (years 1000–9999).
func formatDate(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}
