package rfm

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"time"

	"github.com/cimkit/cimkit/internal/civil"
	"github.com/shopspring/decimal"
)

// CSVColumns names the header columns of a purchase CSV. Currency is
// optional.
type CSVColumns struct {
	Customer, Order, Time, Amount, Currency string
}

// CSVOptions configures ReadCSV. nil means defaults.
type CSVOptions struct {
	// Scale is the minor unit's decimal places (0 means 2; NoMinorUnit for 0).
	Scale int32
	// Location decides calendar days and is the zone of times without one
	// (nil: UTC).
	Location *time.Location
	// SkipBad leaves malformed rows out instead of failing; each is still
	// returned as a RowError.
	SkipBad bool
}

// RowError is one malformed CSV row: its line number and what is wrong,
// never the value.
type RowError struct {
	Line   int
	Field  string // "" when the record itself is malformed
	Reason string
}

// Error implements error.
func (e RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: field %s: %s", e.Line, e.Field, e.Reason)
}

// ReadCSV reads a purchase CSV with a header row into Lines. Times may be
// RFC 3339 (converted to the location) or wall-clock "2006-01-02",
// "2006/01/02", "2006-01-02 15:04:05", "2006/01/02 15:04:05",
// "2006-01-02T15:04:05" (optionally with fractional seconds). Amounts are
// plain decimals with at most Scale places. Every malformed row is reported
// with its line number; unless SkipBad, any makes ReadCSV fail with
// ErrInvalid. Mixed currencies fail with ErrMixedCurrency.
func ReadCSV(r io.Reader, cols CSVColumns, opts *CSVOptions) (*Lines, []RowError, error) {
	loc := time.UTC
	skip := false
	if opts != nil {
		if opts.Location != nil {
			loc = opts.Location
		}
		skip = opts.SkipBad
	}
	scale := (&AggregatorOptions{Scale: opts.scaleOrZero()}).scale()
	rr := newRecordReader(r)
	header, _, err := rr.read()
	if err != nil {
		if err == io.EOF {
			return nil, nil, invalid("csv", "no header row", "")
		}
		return nil, nil, invalid("csv", "malformed header: "+err.Error(), "")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(string(h), "\ufeff"))] = i
	}
	var ci, oi, ti, ai, ki int
	for _, c := range []struct {
		dst         *int
		field, name string
	}{{&ci, "customer", cols.Customer}, {&oi, "order", cols.Order}, {&ti, "time", cols.Time}, {&ai, "amount", cols.Amount}, {&ki, "currency", cols.Currency}} {
		if c.name == "" && c.field == "currency" {
			*c.dst = -1
			continue
		}
		i, ok := col[c.name]
		if !ok {
			return nil, nil, invalid(c.field, "column not in the header", c.name)
		}
		*c.dst = i
	}
	l := &Lines{Scale: scale, Location: loc}
	in := newInterner()
	var currency string
	var errs []RowError
	bad := 0
	report := func(e RowError) {
		bad++
		errs = append(errs, e)
	}
	var prevCust, prevOrder []byte
	var prevC, prevO int32 = -1, -1
	for {
		rec, line, err := rr.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, errFieldCount) || errors.Is(err, errQuote) || errors.Is(err, errBareQuote) {
				report(RowError{Line: line, Reason: err.Error()})
				continue
			}
			return nil, errs, err
		}
		cust, order := rec[ci], rec[oi]
		if len(cust) == 0 || len(order) == 0 {
			report(RowError{Line: line, Field: "customer/order", Reason: "empty id"})
			continue
		}
		day, err := parseDay(rec[ti], loc)
		if err != nil {
			report(RowError{Line: line, Field: "time", Reason: err.Error()})
			continue
		}
		minor, err := parseMinor(rec[ai], scale)
		if err != nil {
			report(RowError{Line: line, Field: "amount", Reason: err.Error()})
			continue
		}
		if ki >= 0 && len(rec[ki]) > 0 {
			if currency == "" {
				currency = string(rec[ki])
			} else if string(rec[ki]) != currency {
				return nil, errs, fmt.Errorf("line %d: %w", line, ErrMixedCurrency)
			}
		}
		// Rows continuing the previous row's order skip the lookups.
		c, o := prevC, prevO
		if prevC < 0 || !bytes.Equal(cust, prevCust) || !bytes.Equal(order, prevOrder) {
			c = in.customer(cust)
			o = in.order(c, order)
			prevCust = append(prevCust[:0], cust...)
			prevOrder = append(prevOrder[:0], order...)
			prevC, prevO = c, o
		}
		l.Customer = append(l.Customer, c)
		l.Order = append(l.Order, o)
		l.Day = append(l.Day, day)
		l.Minor = append(l.Minor, minor)
	}
	l.Customers = in.custs.strings()
	if canon := in.runs.dedupe(); canon != nil {
		for i, o := range l.Order {
			l.Order[i] = canon[o]
		}
	}
	if bad > 0 && !skip {
		return nil, errs, fmt.Errorf("%w: %d malformed rows", ErrInvalid, bad)
	}
	return l, errs, nil
}

func (o *CSVOptions) scaleOrZero() int32 {
	if o == nil {
		return 0
	}
	return o.Scale
}

// interner numbers customers and runs of rows of one order.
type interner struct {
	custs *idTable
	runs  *runs
}

func newInterner() *interner {
	seed := maphash.MakeSeed()
	return &interner{custs: newIDTable(seed), runs: newRuns(seed)}
}

func (in *interner) customer(id []byte) int32 { return in.custs.intern(0, false, id) }

func (in *interner) order(c int32, order []byte) int32 { return in.runs.add(c, order) }

var errFormat = errors.New("unrecognised format")

// parseDay returns the calendar day of a time value in loc. Values without
// a zone are wall-clock times in loc; values with one are converted.
func parseDay(v []byte, loc *time.Location) (Day, error) {
	if len(v) < 10 {
		return 0, errFormat
	}
	sep := v[4]
	if (sep != '-' && sep != '/') || v[7] != sep {
		return 0, errFormat
	}
	y, ok1 := digits(v[0:4])
	m, ok2 := digits(v[5:7])
	d, ok3 := digits(v[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > civil.DaysIn(y, m) {
		return 0, errFormat
	}
	rest := v[10:]
	if len(rest) == 0 {
		return DayFromCivil(y, m, d), nil
	}
	if len(rest) >= 9 && (rest[0] == ' ' || rest[0] == 'T') && rest[3] == ':' && rest[6] == ':' {
		hh, a := digits(rest[1:3])
		mm, b := digits(rest[4:6])
		ss, c := digits(rest[7:9])
		if a && b && c && hh < 24 && mm < 60 && ss < 60 {
			tail := rest[9:]
			if len(tail) == 0 {
				return DayFromCivil(y, m, d), nil
			}
			if sep == '-' && rest[0] == 'T' {
				if t, err := time.Parse(time.RFC3339Nano, string(v)); err == nil {
					return DayOf(t, loc), nil
				}
			}
			if tail[0] == '.' {
				if _, err := time.Parse("2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"+string(tail)); err == nil {
					return DayFromCivil(y, m, d), nil
				}
			}
		}
	}
	return 0, errFormat
}

func digits(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseMinor parses a decimal amount into minor units with scale places.
// More places than scale, or an amount out of range, is an error.
func parseMinor(v []byte, scale int32) (int64, error) {
	s := bytes.TrimSpace(v)
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	ip, fp, _ := bytes.Cut(s, []byte{'.'})
	if len(ip) == 0 && len(fp) == 0 || len(ip)+int(scale) > 18 || len(fp) > int(scale) {
		return slowMinor(v, scale)
	}
	n, ok := digits(ip)
	f, ok2 := digits(fp)
	if !ok || !ok2 {
		return slowMinor(v, scale)
	}
	for range int(scale) - len(fp) {
		f *= 10
	}
	p := int64(1)
	for range scale {
		p *= 10
	}
	r := int64(n)*p + int64(f)
	if neg {
		r = -r
	}
	return r, nil
}

func slowMinor(v []byte, scale int32) (int64, error) {
	d, err := decimal.NewFromString(string(bytes.TrimSpace(v)))
	if err != nil {
		return 0, errFormat
	}
	m, err := ToMinor(d, scale)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return 0, errors.New(ie.Reason)
		}
		return 0, err
	}
	return m, nil
}
