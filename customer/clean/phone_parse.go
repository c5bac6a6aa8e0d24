package clean

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// extensionWords are Chinese extension markers the library does not know;
// they are rewritten to " ext. " before parsing.
var extensionWords = strings.NewReplacer(
	"分机号", " ext. ", "分機號", " ext. ", "分机", " ext. ", "分機", " ext. ",
	"转", " ext. ", "轉", " ext. ",
)

// phonePunct maps separators the library does not skip to spaces.
var phonePunct = strings.NewReplacer("·", " ", "・", " ", "。", " ", "．", " ", "—", "-", "–", "-", "‐", "-", "〜", " ", "~", " ")

// parsePhone cleans one number with the phonenumbers library.
func (c *Cleaner) parsePhone(s string) PhoneResult {
	var r PhoneResult
	if isMasked(s) {
		r.Flags |= FlagMasked
		r.Err = fieldErr("phone", ErrMasked, "number is masked")
		return r
	}
	digits := digitsOnly(s)
	if digits == "" {
		r.Err = fieldErr("phone", ErrInvalid, "no digits")
		return r
	}
	if len(digits) >= 7 && sameDigits(digits) {
		r.Flags |= FlagPlaceholder
		r.Err = fieldErr("phone", ErrPlaceholder, "repeated digit")
		return r
	}
	if hasHan(s) {
		r.Flags |= FlagLabel
	}
	// Text after the last digit ("13812345678 (手机)", a trailing ";") is
	// never part of the number.
	if i := strings.LastIndexAny(s, "0123456789"); i+1 < len(s) {
		if strings.IndexFunc(s[i+1:], unicode.IsLetter) >= 0 {
			r.Flags |= FlagLabel
		}
		s = s[:i+1]
	}
	s = extensionWords.Replace(s)
	s = phonePunct.Replace(s)
	var pn phonenumbers.PhoneNumber
	if err := phonenumbers.ParseAndKeepRawInputToNumber(s, c.region, &pn); err != nil {
		reason := "not a phone number"
		switch err {
		case phonenumbers.ErrTooShortNSN, phonenumbers.ErrTooShortAfterIDD:
			reason = "too short"
		case phonenumbers.ErrNumTooLong:
			reason = "too long"
		case phonenumbers.ErrInvalidCountryCode:
			reason = "unknown country code"
		}
		r.Err = fieldErr("phone", ErrInvalid, reason)
		return r
	}
	if pn.GetCountryCodeSource() == phonenumbers.PhoneNumber_FROM_DEFAULT_COUNTRY {
		r.Flags |= FlagDefaultRegion
	}
	if ext := pn.GetExtension(); ext != "" {
		r.Extension = ext
		r.Flags |= FlagExtension
	}
	nsn := phonenumbers.GetNationalSignificantNumber(&pn)
	strong, weak := phonePlaceholder(nsn)
	if strong || weak {
		r.Flags |= FlagPlaceholder
	}
	if strong {
		r.Err = fieldErr("phone", ErrPlaceholder, "well-known placeholder number")
		return r
	}
	if !phonenumbers.IsValidNumber(&pn) {
		reason := "invalid prefix"
		switch phonenumbers.IsPossibleNumberWithReason(&pn) {
		case phonenumbers.TOO_SHORT:
			reason = "too short"
		case phonenumbers.TOO_LONG:
			reason = "too long"
		case phonenumbers.INVALID_LENGTH:
			reason = "invalid length"
		case phonenumbers.INVALID_COUNTRY_CODE:
			reason = "unknown country code"
		}
		r.Err = fieldErr("phone", ErrInvalid, reason)
		r.Extension = ""
		r.Flags &^= FlagExtension
		return r
	}
	r.setE164(phonenumbers.Format(&pn, phonenumbers.E164))
	r.Region = phonenumbers.GetRegionCodeForNumber(&pn)
	r.Kind = kindOf(phonenumbers.GetNumberType(&pn))
	if weak {
		r.Err = fieldErr("phone", ErrPlaceholder, "placeholder-like number")
	}
	return r
}

func kindOf(t phonenumbers.PhoneNumberType) PhoneKind {
	switch t {
	case phonenumbers.MOBILE:
		return KindMobile
	case phonenumbers.FIXED_LINE:
		return KindFixedLine
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return KindFixedLineOrMobile
	case phonenumbers.TOLL_FREE:
		return KindTollFree
	case phonenumbers.PREMIUM_RATE:
		return KindPremiumRate
	case phonenumbers.SHARED_COST:
		return KindSharedCost
	case phonenumbers.VOIP:
		return KindVoIP
	case phonenumbers.PERSONAL_NUMBER:
		return KindPersonal
	case phonenumbers.PAGER:
		return KindPager
	case phonenumbers.UAN:
		return KindUAN
	case phonenumbers.VOICEMAIL:
		return KindVoicemail
	}
	return KindUnknown
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func sameDigits(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// phonePlaceholder classifies a national significant number. Strong
// placeholders (one repeated digit, 13800138000, the last eight digits all
// the same) are never real customer numbers; weak ones (counting digits
// such as 12345678901 or 9876543210) are flagged and rejected only if they
// are otherwise valid.
func phonePlaceholder(nsn string) (strong, weak bool) {
	if len(nsn) < 7 {
		return false, false
	}
	if sameDigits(nsn) || nsn == "13800138000" || (len(nsn) == 11 && sameDigits(nsn[3:])) {
		return true, false
	}
	for _, run := range [...]string{"12345678901234567890", "01234567890123456789", "98765432109876543210"} {
		if strings.HasPrefix(run, nsn) {
			return false, true
		}
	}
	return false, false
}
