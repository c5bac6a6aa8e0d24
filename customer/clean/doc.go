// Package clean turns raw channel values (phone numbers, emails, names,
// genders, birth dates, resident ID numbers, addresses) into canonical
// values. Every result keeps the raw input beside the clean value together
// with Flags describing what was seen; a value that cannot be used comes
// with a *FieldError wrapping a sentinel (ErrEmpty, ErrInvalid, ErrMasked,
// ErrLossy, ErrPlaceholder, ErrTooLong, ErrOutOfRange). Nothing is guessed:
// a lossy or masked value is rejected, a likely typo is flagged with a
// suggestion but not corrected.
//
// Smallest use:
//
//	c := clean.New(nil) // region CN, day-month-year for ambiguous dates
//	p, err := c.Phone("138 1234 5678")
//	// p.E164() == "+8613812345678", p.Kind == clean.KindMobile, err == nil
//
// Phone numbers are validated with github.com/nyaruka/phonenumbers; a fast
// path handles plainly written mainland mobile numbers without allocating
// and gives identical results. A Cleaner is immutable and safe for
// concurrent use.
package clean
