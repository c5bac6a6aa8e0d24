package clean

// The fast path handles the most common input, an 11-digit mainland mobile
// number in clean or near-clean form, without the phonenumbers library and
// without allocating. It accepts only what it is certain of and defers
// everything else to the library path; TestPhoneFastDifferential checks on
// a generated corpus that both paths give identical results.

// mobileRanges lists the 7-digit prefixes (as half-open ranges) of the
// 11-digit numbers that phonenumbers v1.8.1 classifies as valid CN mobile
// numbers, whatever the last four digits. TestMobileRangesMatchLibrary
// checks the table against the library.
var mobileRanges = [...][2]uint32{
	{1300000, 1400000},
	{1450000, 1460000},
	{1470000, 1480000},
	{1500000, 1540000},
	{1550000, 1600000},
	{1620000, 1630000},
	{1650000, 1680000},
	{1700000, 1740600},
	{1750000, 1790000},
	{1800000, 1940000},
	{1950000, 2000000},
}

func isMobilePrefix(p uint32) bool {
	lo, hi := 0, len(mobileRanges)
	for lo < hi {
		m := (lo + hi) / 2
		switch r := mobileRanges[m]; {
		case p < r[0]:
			hi = m
		case p >= r[1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// phoneFast returns ok=false whenever the input is not a plainly written,
// valid, non-placeholder mainland mobile number.
func (c *Cleaner) phoneFast(raw string) (PhoneResult, bool) {
	if c.region != "CN" || len(raw) > 40 || len(raw) > c.maxLen {
		return PhoneResult{}, false
	}
	s := raw
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	flags := FlagDefaultRegion
	switch {
	case len(s) > 5 && s[:5] == "+0086":
		s, flags = s[5:], 0
	case len(s) > 4 && s[:4] == "0086":
		s, flags = s[4:], 0
	case len(s) > 3 && s[:3] == "+86":
		s, flags = s[3:], 0
	case len(s) > 12 && s[:2] == "86" && countDigits(s) == 13:
		// "86" without a plus: only when 11 digits follow.
		s, flags = s[2:], 0
	}
	if flags == 0 && len(s) > 0 && (s[0] == ' ' || s[0] == '-') {
		s = s[1:]
	}
	var d [11]byte
	n := 0
	sep := true // no separator before the first digit
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			if n == 11 {
				return PhoneResult{}, false
			}
			d[n] = ch
			n++
			sep = false
		case ch == ' ' || ch == '-':
			if sep {
				return PhoneResult{}, false
			}
			sep = true
		default:
			return PhoneResult{}, false
		}
	}
	if n != 11 || sep || d[0] != '1' {
		return PhoneResult{}, false
	}
	var p uint32
	for _, ch := range d[:7] {
		p = p*10 + uint32(ch-'0')
	}
	if !isMobilePrefix(p) {
		return PhoneResult{}, false
	}
	if strong, weak := phonePlaceholder(string(d[:])); strong || weak {
		return PhoneResult{}, false
	}
	r := PhoneResult{Raw: raw, Kind: KindMobile, Region: "CN", Flags: flags}
	r.e164[0], r.e164[1], r.e164[2] = '+', '8', '6'
	copy(r.e164[3:], d[:])
	r.n = 14
	return r, true
}

// phoneFastTidied is phoneFast for a value phones has already tidied and
// taken out of a spreadsheet form (full-width digits, tabs, "13812345678.0"
// are common in exports). It takes s only when tidying and the spreadsheet
// step would leave s unchanged and unflagged, so that phones(s) would
// reach the library with exactly s, and phoneFast vouches for that result.
func (c *Cleaner) phoneFastTidied(s string) (PhoneResult, bool) {
	if c.noFast {
		return PhoneResult{}, false
	}
	r, ok := c.phoneFast(s)
	if !ok {
		return PhoneResult{}, false
	}
	if t, f := tidy(s); t != s || f != 0 {
		return PhoneResult{}, false
	}
	if t, f, err := spreadsheetNumber(s); t != s || f != 0 || err != nil {
		return PhoneResult{}, false
	}
	return r, true
}
