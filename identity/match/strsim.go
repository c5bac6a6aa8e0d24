package match

import (
	"math/bits"
	"unicode/utf8"
)

// stackRunes is the length up to which the similarity functions work in
// fixed-size stack buffers and do not allocate.
const stackRunes = 64

// toRunes decodes s into buf when it fits, else into a new slice.
func toRunes(s string, buf []rune) []rune {
	n := utf8.RuneCountInString(s)
	if n > len(buf) {
		return []rune(s)
	}
	buf = buf[:0]
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// Jaro returns the Jaro similarity of a and b, in [0, 1], computed on runes.
// Two empty strings have similarity 1; one empty string gives 0.
func Jaro(a, b string) float64 {
	var ba, bb [stackRunes]rune
	return jaroRunes(toRunes(a, ba[:]), toRunes(b, bb[:]))
}

// JaroWinkler returns the Jaro-Winkler similarity of a and b, in [0, 1],
// computed on runes, with the standard prefix scale 0.1, a common prefix of
// at most 4 runes, and the prefix bonus applied only when the Jaro
// similarity exceeds 0.7 (Winkler's boost threshold, as in rapidfuzz and
// DuckDB, which Splink uses).
func JaroWinkler(a, b string) float64 {
	var ba, bb [stackRunes]rune
	return jaroWinklerRunes(toRunes(a, ba[:]), toRunes(b, bb[:]))
}

func jaroWinklerRunes(a, b []rune) float64 {
	j := jaroRunes(a, b)
	if j <= 0.7 {
		return j
	}
	l := 0
	for l < 4 && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*0.1*(1-j)
}

func jaroRunes(a, b []rune) float64 {
	la, lb := len(a), len(b)
	if la == 0 && lb == 0 {
		return 1
	}
	if la == 0 || lb == 0 {
		return 0
	}
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	window := lb/2 - 1
	if window < 0 {
		window = 0
	}
	if lb <= 64 {
		return jaroMask(a, b, window)
	}
	ma, mb := make([]bool, la), make([]bool, lb)
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for k := lo; k < hi; k++ {
			if !mb[k] && a[i] == b[k] {
				ma[i], mb[k] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	half := 0
	k := 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			half++
		}
		k++
	}
	return jaroScore(matches, half, la, lb)
}

// jaroMask is jaroRunes for strings of at most 64 runes, with the matched
// positions kept in bit masks.
func jaroMask(a, b []rune, window int) float64 {
	la, lb := len(a), len(b)
	var ma, mb uint64
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		c := a[i]
		for k := lo; k < hi; k++ {
			if b[k] == c && mb&(1<<uint(k)) == 0 {
				ma |= 1 << uint(i)
				mb |= 1 << uint(k)
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	half := 0
	for ma != 0 {
		i := bits.TrailingZeros64(ma)
		k := bits.TrailingZeros64(mb)
		if a[i] != b[k] {
			half++
		}
		ma &= ma - 1
		mb &= mb - 1
	}
	return jaroScore(matches, half, la, lb)
}

func jaroScore(matches, half, la, lb int) float64 {
	m := float64(matches)
	t := float64(half / 2)
	return (m/float64(la) + m/float64(lb) + (m-t)/m) / 3
}

// Levenshtein returns the edit distance between a and b counted in runes
// (insertions, deletions and substitutions each cost 1).
func Levenshtein(a, b string) int {
	var ba, bb [stackRunes]rune
	return levenshteinRunes(toRunes(a, ba[:]), toRunes(b, bb[:]))
}

func levenshteinRunes(a, b []rune) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return len(a)
	}
	var buf [stackRunes + 1]int
	row := buf[:]
	if len(b)+1 > len(buf) {
		row = make([]int, len(b)+1)
	} else {
		row = row[:len(b)+1]
	}
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0] // d[i-1][j-1]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j] // d[i-1][j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev + cost
			if cur+1 < v {
				v = cur + 1
			}
			if row[j-1]+1 < v {
				v = row[j-1] + 1
			}
			row[j] = v
			prev = cur
		}
	}
	return row[len(b)]
}

// DamerauLevenshtein returns the restricted Damerau-Levenshtein (optimal
// string alignment) distance between a and b counted in runes: Levenshtein
// plus transposition of two adjacent runes at cost 1, where no substring is
// edited more than once.
func DamerauLevenshtein(a, b string) int {
	var ba, bb [stackRunes]rune
	return damerauRunes(toRunes(a, ba[:]), toRunes(b, bb[:]))
}

func damerauRunes(a, b []rune) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return len(a)
	}
	n := len(b) + 1
	var buf [3 * (stackRunes + 1)]int
	rows := buf[:]
	if 3*n > len(buf) {
		rows = make([]int, 3*n)
	}
	pp, p, c := rows[:n], rows[n:2*n], rows[2*n:3*n] // rows i-2, i-1, i
	for j := range p {
		p[j] = j
	}
	for i := 1; i <= len(a); i++ {
		c[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := p[j-1] + cost
			if p[j]+1 < v {
				v = p[j] + 1
			}
			if c[j-1]+1 < v {
				v = c[j-1] + 1
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && pp[j-2]+1 < v {
				v = pp[j-2] + 1
			}
			c[j] = v
		}
		pp, p, c = p, c, pp
	}
	return p[len(b)]
}

// levenshteinBounded returns the Levenshtein distance of a and b when it is
// at most k, else k+1. It fills only the diagonal band |i-j| <= k of the
// table (Ukkonen), since no alignment of cost at most k leaves it, and
// stops as soon as a whole row exceeds k.
func levenshteinBounded(a, b []rune, k int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	inf := k + 1
	if len(a)-len(b) > k {
		return inf
	}
	if len(b) == 0 {
		return len(a)
	}
	var buf [stackRunes + 1]int
	row := buf[:]
	if len(b)+1 > len(buf) {
		row = make([]int, len(b)+1)
	} else {
		row = row[:len(b)+1]
	}
	for j := range row {
		row[j] = min(j, inf)
	}
	for i := 1; i <= len(a); i++ {
		jlo, jhi := max(1, i-k), min(len(b), i+k)
		if jlo > jhi {
			return inf
		}
		diag := row[jlo-1]
		left := inf
		if jlo == 1 {
			left = min(i, inf)
		}
		row[jlo-1] = left
		lo := inf
		ai := a[i-1]
		for j := jlo; j <= jhi; j++ {
			up := row[j]
			v := diag
			if ai != b[j-1] {
				v++
			}
			if up+1 < v {
				v = up + 1
			}
			if left+1 < v {
				v = left + 1
			}
			if v > inf {
				v = inf
			}
			diag, left = up, v
			row[j] = v
			if v < lo {
				lo = v
			}
		}
		if lo > k {
			return inf
		}
	}
	return min(row[len(b)], inf)
}

// damerauBounded is damerauRunes with the early exit of
// levenshteinBounded. A row minimum above k is final for optimal string
// alignment too, as a transposition reaches back only to row i-2, whose
// minimum is at least row i-1's minimum minus 1.
func damerauBounded(a, b []rune, k int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return len(a)
	}
	n := len(b) + 1
	var buf [3 * (stackRunes + 1)]int
	rows := buf[:]
	if 3*n > len(buf) {
		rows = make([]int, 3*n)
	}
	pp, p, c := rows[:n], rows[n:2*n], rows[2*n:3*n]
	for j := range p {
		p[j] = j
	}
	lastMin := 0
	for i := 1; i <= len(a); i++ {
		c[0] = i
		lo := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := p[j-1] + cost
			if p[j]+1 < v {
				v = p[j] + 1
			}
			if c[j-1]+1 < v {
				v = c[j-1] + 1
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && pp[j-2]+1 < v {
				v = pp[j-2] + 1
			}
			c[j] = v
			if v < lo {
				lo = v
			}
		}
		// Two consecutive rows above k: no later entry can come back to k.
		if lo > k && lastMin > k {
			return k + 1
		}
		lastMin = lo
		pp, p, c = p, c, pp
	}
	return p[len(b)]
}
