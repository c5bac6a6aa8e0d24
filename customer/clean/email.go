package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// EmailResult is a cleaned email address.
type EmailResult struct {
	Raw   string // the input exactly as given
	Value string // trimmed, lowercased, NFC; "" when unusable
	// MatchKey identifies the mailbox for matching: for providers that
	// ignore dots (Gmail) or "+tags" (Gmail, Outlook, iCloud, ...) these are
	// removed. It equals Value for other providers.
	MatchKey string
	// Suggestion is a likely intended address when the domain looks like a
	// typo (FlagTypo). Value is never changed to it.
	Suggestion string
	Flags      Flags
}

// emailTypos maps misspelt domains to the intended ones.
var emailTypos = map[string]string{
	"qq.con": "qq.com", "qq.cm": "qq.com", "qq.co": "qq.com", "qq.cn": "qq.com", "qq.comm": "qq.com", "qq.om": "qq.com",
	"163.con": "163.com", "163.cm": "163.com", "163.co": "163.com", "163.cn": "163.com", "163.comm": "163.com", "163.om": "163.com",
	"126.con": "126.com", "126.cm": "126.com", "126.co": "126.com", "126.om": "126.com",
	"gmial.com": "gmail.com", "gmai.com": "gmail.com", "gamil.com": "gmail.com", "gmaill.com": "gmail.com",
	"gmail.con": "gmail.com", "gmail.co": "gmail.com", "gmail.cm": "gmail.com", "gmal.com": "gmail.com", "gnail.com": "gmail.com",
	"hotmial.com": "hotmail.com", "hotmai.com": "hotmail.com", "hotmail.con": "hotmail.com", "hotmal.com": "hotmail.com", "hotmail.co": "hotmail.com",
	"outlok.com": "outlook.com", "outlook.con": "outlook.com", "yahooo.com": "yahoo.com", "yaho.com": "yahoo.com", "yahoo.con": "yahoo.com",
	"sina.con": "sina.com", "sina.cm": "sina.com", "sohu.con": "sohu.com", "foxmail.con": "foxmail.com", "foxmial.com": "foxmail.com",
	"icloud.con": "icloud.com", "iclould.com": "icloud.com", "139.con": "139.com", "aliyun.con": "aliyun.com",
}

// tldTypos are misspellings of "com" that are not real top-level domains.
var tldTypos = map[string]bool{"con": true, "cmo": true, "ocm": true, "vom": true, "xom": true, "comm": true, "coom": true, "comn": true, "cpm": true}

// emailPlaceholderDomains are domains used only for examples and tests.
var emailPlaceholderDomains = map[string]bool{
	"example.com": true, "example.org": true, "example.net": true, "test.com": true, "test.cn": true,
	"xxx.com": true, "test.test": true, "localhost": true, "email.invalid": true,
}

// Email cleans an email address: trims, lowercases, applies Unicode NFC and
// checks a practical subset of RFC 5321/6531 syntax (one "@", a dot-atom
// local part of at most 64 bytes, a domain of at least two labels). A
// misspelt common domain (qq.con, gmial.com) is flagged FlagTypo with a
// Suggestion, never corrected. Example domains and addresses such as
// test@test.com give ErrPlaceholder.
func (c *Cleaner) Email(raw string) (EmailResult, error) {
	r := EmailResult{Raw: raw}
	if err := checkLen("email", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("email", ErrEmpty, "no value")
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	if len(s) > 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimSpace(s)
	if !isASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	if l := strings.ToLower(s); l != s {
		s = l
		r.Flags |= FlagLowercased
	}
	if strings.IndexByte(s, '*') >= 0 && isMasked(s) {
		r.Flags |= FlagMasked
		return r, fieldErr("email", ErrMasked, "address is masked")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 || strings.IndexByte(s, '@') != at {
		return r, fieldErr("email", ErrInvalid, "want exactly one @")
	}
	local, domain := s[:at], s[at+1:]
	if reason := checkLocal(local); reason != "" {
		return r, fieldErr("email", ErrInvalid, reason)
	}
	if strings.HasSuffix(domain, ".") {
		domain = domain[:len(domain)-1]
		s = s[:len(s)-1]
	}
	if reason := checkDomain(domain); reason != "" {
		return r, fieldErr("email", ErrInvalid, reason)
	}
	if emailPlaceholderDomains[domain] || len(local) <= 4 && strings.HasPrefix(domain, local+".") {
		r.Flags |= FlagPlaceholder
		return r, fieldErr("email", ErrPlaceholder, "example or test address")
	}
	if good, ok := emailTypos[domain]; ok {
		r.Flags |= FlagTypo
		r.Suggestion = local + "@" + good
	} else if i := strings.LastIndexByte(domain, '.'); i > 0 && tldTypos[domain[i+1:]] {
		r.Flags |= FlagTypo
		r.Suggestion = local + "@" + domain[:i] + ".com"
	}
	r.Value = s
	if r.MatchKey = emailMatchKey(local, domain); r.MatchKey == "" || r.MatchKey == s {
		r.MatchKey = s
	}
	return r, nil
}

func checkLocal(l string) string {
	if l == "" {
		return "empty local part"
	}
	if len(l) > 64 {
		return "local part longer than 64 bytes"
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return "misplaced dot in local part"
	}
	for _, r := range l {
		if r < utf8.RuneSelf {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r)) {
				return "character not allowed in local part"
			}
		} else if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			return "character not allowed in local part"
		}
	}
	return ""
}

func checkDomain(d string) string {
	if d == "" {
		return "empty domain"
	}
	if len(d) > 253 {
		return "domain longer than 253 bytes"
	}
	if !strings.Contains(d, ".") {
		return "domain needs a dot"
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	for lab := range strings.SplitSeq(d, ".") {
		if lab == "" || len(lab) > 63 {
			return "bad domain label length"
		}
		if lab[0] == '-' || lab[len(lab)-1] == '-' {
			return "domain label starts or ends with a hyphen"
		}
		for _, r := range lab {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))) {
				return "character not allowed in domain"
			}
		}
	}
	if len(tld) < 2 || allDigits(tld) {
		return "bad top-level domain"
	}
	return ""
}

// Providers that deliver "a+tag@" to "a@"; the first two also ignore dots.
var (
	emailDotless = map[string]bool{"gmail.com": true, "googlemail.com": true}
	emailPlusTag = map[string]bool{"gmail.com": true, "googlemail.com": true, "outlook.com": true,
		"hotmail.com": true, "live.com": true, "icloud.com": true, "me.com": true, "protonmail.com": true,
		"proton.me": true, "fastmail.com": true}
)

func emailMatchKey(local, domain string) string {
	if !emailPlusTag[domain] && domain != "googlemail.com" {
		return ""
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if emailPlusTag[domain] {
		if i := strings.IndexByte(local, '+'); i > 0 {
			local = local[:i]
		}
	}
	if emailDotless[domain] {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}
