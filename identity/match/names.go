package match

import (
	"slices"
	"unicode"
)

// compoundSurnames are two-character Chinese surnames; a Han name starting
// with one of them has a two-character surname, any other Han name a
// one-character surname.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "诸葛": true, "上官": true, "东方": true,
	"皇甫": true, "尉迟": true, "公孙": true, "慕容": true, "长孙": true,
	"宇文": true, "司徒": true, "夏侯": true, "令狐": true, "端木": true,
	"轩辕": true, "西门": true, "南宫": true, "独孤": true, "澹台": true,
	"歐陽": true, "司馬": true, "諸葛": true, "東方": true, "長孫": true,
}

// isHan reports whether r is non-empty and every rune is a Han character.
func isHan(r []rune) bool {
	if len(r) == 0 {
		return false
	}
	for _, c := range r {
		if !unicode.Is(unicode.Han, c) {
			return false
		}
	}
	return true
}

// splitHanName splits a Han full name into surname and given name.
func splitHanName(r []rune) (surname, given []rune) {
	if len(r) >= 3 && compoundSurnames[string(r[:2])] {
		return r[:2], r[2:]
	}
	if len(r) <= 1 {
		return r, nil
	}
	return r[:1], r[1:]
}

// nameTokens returns the tokens of a normalised name. Han names become
// [surname, given]; other names are split on spaces, hyphens, dots,
// commas and apostrophes and the tokens are sorted, so that the token
// multiset can be compared regardless of order.
func nameTokens(r []rune) [][]rune {
	if isHan(r) {
		s, g := splitHanName(r)
		if len(g) == 0 {
			return [][]rune{s}
		}
		return [][]rune{s, g}
	}
	var toks [][]rune
	start := -1
	for i, c := range r {
		sep := c == ' ' || c == '-' || c == '.' || c == ',' || c == '\'' || c == '·'
		if sep {
			if start >= 0 {
				toks = append(toks, r[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, r[start:])
	}
	slices.SortFunc(toks, func(x, y []rune) int { return slices.Compare(x, y) })
	return toks
}

// namesReordered reports whether two different names hold the same parts
// in another order: a Han name written given-name first (王小明 and
// 小明王), or Latin names whose token multisets are equal ("mary ann
// smith" and "smith mary ann").
func namesReordered(a, b *value) bool {
	if a.han || b.han {
		return a.han && b.han && (hanTransposed(a.r, b.r) || hanTransposed(b.r, a.r))
	}
	if len(a.tok) != len(b.tok) || len(a.tok) < 2 || slices.Equal(a.r, b.r) {
		return false
	}
	for i := range a.tok {
		if !slices.Equal(a.tok[i], b.tok[i]) {
			return false
		}
	}
	return true
}

// hanTransposed reports whether y is x written given name first: with x
// split into surname s and given name g, y = g+s.
func hanTransposed(x, y []rune) bool {
	if len(x) != len(y) || slices.Equal(x, y) {
		return false
	}
	s, g := splitHanName(x)
	if len(g) == 0 {
		return false
	}
	return slices.Equal(y[:len(g)], g) && slices.Equal(y[len(g):], s)
}

// namesClose reports whether two names are close: Han names, compared by
// characters, are within maxEdits character edits of each other; Latin names
// have every token of the shorter name matched to a distinct token of the
// other with Jaro-Winkler at least jw (tokens sorted, so order does not
// matter).
func namesClose(a, b *value, jw float64, maxEdits int, pc *pairCache) bool {
	if a.han && b.han {
		return levenshteinRunes(a.r, b.r) <= maxEdits
	}
	if a.han != b.han || len(a.tok) == 0 || len(b.tok) == 0 {
		return false
	}
	x, y := a.tok, b.tok
	if len(x) == 1 && len(y) == 1 {
		// One token each: the token similarity is the whole-value one.
		if pc.jw < 0 {
			pc.jw = jaroWinklerRunes(a.r, b.r)
		}
		return pc.jw >= jw
	}
	if len(x) > len(y) {
		x, y = y, x
	}
	var used [16]bool
	if len(y) > len(used) {
		if pc.jw < 0 {
			pc.jw = jaroWinklerRunes(a.r, b.r)
		}
		return pc.jw >= jw
	}
	for _, t := range x {
		best, bi := -1.0, -1
		for k, u := range y {
			if used[k] {
				continue
			}
			if s := jaroWinklerRunes(t, u); s > best {
				best, bi = s, k
			}
		}
		if best < jw {
			return false
		}
		used[bi] = true
	}
	return true
}
