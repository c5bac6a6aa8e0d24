package corrupt

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"github.com/cimkit/cimkit/internal/civil"
)

// typo applies one keyboard-style edit: insert, delete, substitute or
// transpose adjacent characters.
func typo(r *rand.Rand, s, alphabet string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	i := r.IntN(len(rs))
	c := rune(alphabet[r.IntN(len(alphabet))])
	switch r.IntN(4) {
	case 0:
		rs = append(rs[:i], append([]rune{c}, rs[i:]...)...)
	case 1:
		if len(rs) > 1 {
			rs = append(rs[:i], rs[i+1:]...)
		} else {
			rs[0] = c
		}
	case 2:
		rs[i] = c
	default:
		if len(rs) > 1 {
			if i == len(rs)-1 {
				i--
			}
			rs[i], rs[i+1] = rs[i+1], rs[i]
		} else {
			rs = append(rs, c)
		}
	}
	return string(rs)
}

// ocr replaces one OCR-confusable substring, or falls back to a typo.
func ocr(r *rand.Rand, s string) string {
	start := r.IntN(len(ocrLatin))
	for k := range ocrLatin {
		p := ocrLatin[(start+k)%len(ocrLatin)]
		if i := strings.Index(s, p[0]); i >= 0 {
			return s[:i] + p[1] + s[i+len(p[0]):]
		}
	}
	return typo(r, s, "abcdefghijklmnopqrstuvwxyz0123456789")
}

// abbreviate shortens the street type of an address.
func abbreviate(s string) (string, bool) {
	for _, st := range streetTypes {
		if strings.HasSuffix(s, " "+st[0]) {
			return strings.TrimSuffix(s, st[0]) + st[1], true
		}
	}
	return s, false
}

// hanError replaces a Han character with a confusable one, or with another
// given-name character, or drops one character of a given name.
func hanError(r *rand.Rand, s string) string {
	rs := []rune(s)
	i := r.IntN(len(rs))
	if alt, ok := hanConfusable[rs[i]]; ok && r.IntN(3) > 0 {
		rs[i] = alt[r.IntN(len(alt))]
		return string(rs)
	}
	if len(rs) > 2 && r.IntN(3) == 0 {
		return string(append(rs[:i:i], rs[i+1:]...))
	}
	rs[i] = []rune(hanGiven[r.IntN(len(hanGiven))])[0]
	return string(rs)
}

func isHan(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !unicode.Is(unicode.Han, c) {
			return false
		}
	}
	return true
}

// dateError transposes day and month, shifts the date by some days, or
// mistypes a digit of the year, keeping a valid YYYYMMDD date.
func dateError(r *rand.Rand, s string) string {
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:])
	switch r.IntN(3) {
	case 0:
		if d <= 12 && d != m {
			return fmt.Sprintf("%04d%02d%02d", y, d, m)
		}
		fallthrough
	case 1:
		d += 1 + r.IntN(5)
		if d > civil.DaysIn(y, m) {
			d = 1 + r.IntN(civil.DaysIn(y, m))
		}
	default:
		y += []int{-10, -1, 1, 10}[r.IntN(4)]
		if d > civil.DaysIn(y, m) {
			d = civil.DaysIn(y, m)
		}
	}
	return fmt.Sprintf("%04d%02d%02d", y, m, d)
}
