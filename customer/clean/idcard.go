package clean

import (
	"strings"
	"time"

	"github.com/cimkit/cimkit/customer/clean/internal/divisions"
)

// IDCardResult is a validated mainland resident identity card number. The
// number is sensitive personal data: FlagSensitive is always set so that
// callers seal it before storage.
type IDCardResult struct {
	Raw        string // the input exactly as given
	Value      string // the 18-character number (15-digit forms converted), "" when unusable
	BirthDate  string // YYYY-MM-DD encoded in the number
	Gender     Gender // from the sequence digit: odd male, even female
	RegionCode string // the six-digit GB/T 2260 code of the issuing region
	Province   string // the province name for RegionCode, when known
	Flags      Flags
}

var idSeparators = strings.NewReplacer(" ", "", "-", "")

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheck returns the ISO 7064 MOD 11-2 check character for 17 digits.
func idCheck(d string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDCard validates a mainland resident identity card number: 18 characters
// with the ISO 7064 MOD 11-2 check character, or the legacy 15-digit form
// (converted, FlagLegacy). It derives the birth date, gender and region
// code. A spreadsheet-damaged number (1.10105E+17, or trailing digits
// turned to zeros) gives ErrLossy; a masked one ErrMasked.
func (c *Cleaner) IDCard(raw string) (IDCardResult, error) {
	r := IDCardResult{Raw: raw, Flags: FlagSensitive}
	if err := checkLen("idcard", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags |= f
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("idcard", ErrEmpty, "no value")
	}
	if strings.IndexByte(s, '*') >= 0 || strings.Contains(s, "●") || isMasked(s) {
		r.Flags |= FlagMasked
		return r, fieldErr("idcard", ErrMasked, "number is masked")
	}
	if strings.ContainsAny(s, "eE") && strings.Contains(s, ".") {
		r.Flags |= FlagSpreadsheet
		return r, fieldErr("idcard", ErrLossy, "spreadsheet scientific notation lost digits")
	}
	if strings.ContainsAny(s, " -") {
		s = idSeparators.Replace(s)
	}
	if s == "" {
		return r, fieldErr("idcard", ErrInvalid, "want 18 characters or 15 digits")
	}
	if s[len(s)-1] == 'x' {
		s = s[:len(s)-1] + "X"
	}
	switch {
	case len(s) == 15 && allDigits(s):
		s = s[:6] + "19" + s[6:]
		s += string(idCheck(s))
		r.Flags |= FlagLegacy
	case len(s) == 18 && allDigits(s[:17]) && (s[17] == 'X' || s[17] >= '0' && s[17] <= '9'):
		if idCheck(s) != s[17] {
			if strings.HasSuffix(s, "000") {
				r.Flags |= FlagSpreadsheet
				return r, fieldErr("idcard", ErrLossy, "trailing digits lost, likely by a spreadsheet")
			}
			return r, fieldErr("idcard", ErrInvalid, "check digit mismatch")
		}
	default:
		return r, fieldErr("idcard", ErrInvalid, "want 18 characters or 15 digits")
	}
	pc := s[:2]
	if pc == "83" {
		pc = "71" // residence permits of Taiwan residents use 830000
	}
	prov := divisions.Get().Lookup(pc)
	if prov == nil {
		return r, fieldErr("idcard", ErrInvalid, "unknown region code")
	}
	t, err := time.Parse("20060102", s[6:14])
	if err != nil {
		return r, fieldErr("idcard", ErrInvalid, "impossible birth date")
	}
	now := c.now().UTC()
	if t.After(now) || t.Before(now.AddDate(-120, 0, 0)) {
		return r, fieldErr("idcard", ErrOutOfRange, "birth date outside ages 0-120")
	}
	r.Value = s
	r.BirthDate = t.Format("2006-01-02")
	r.RegionCode = s[:6]
	r.Province = prov.Name
	if (s[16]-'0')%2 == 1 {
		r.Gender = Male
	} else {
		r.Gender = Female
	}
	return r, nil
}
