package clean

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// The facts the name fast paths rely on, checked against the tables for
// every character of the CJK Unified Ideographs block.
func TestCJKUnifiedFacts(t *testing.T) {
	for r := rune(0x4e00); r <= 0x9fff; r++ {
		if !isCJKUnified(r) || !unicode.Is(unicode.Han, r) || !unicode.IsLetter(r) || unicode.ToLower(r) != r {
			t.Fatalf("U+%04X: isCJKUnified %v, Han %v, letter %v, lower U+%04X", r, isCJKUnified(r),
				unicode.Is(unicode.Han, r), unicode.IsLetter(r), unicode.ToLower(r))
		}
	}
	for _, r := range []rune{0x4dff, 0xa000, 0x3007, 0x3400, 0x20000, 'a', 0xb7} {
		if isCJKUnified(r) {
			t.Errorf("isCJKUnified(U+%04X)", r)
		}
	}
}

// nameAlphabet mixes what names are made of with what trips the fast
// paths: case, other scripts, Han outside the common block, symbols.
var nameAlphabet = []rune("abcxyzABCXYZtTeEsS 0123456789.·•-'_@张王李欧阳司马先生女士小姐老师总测试无名某客户用游啊" +
	"\u3007\u3002\u3400\U00020000\u00c9\u00e9\u03a3\u03c3\uff21\uff41\u0301\u200b\u3000\u3042\u30a2\uac00\u0130\u1e9e\u00df\u01c5\t")

func randomName(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(9) {
		b.WriteRune(nameAlphabet[rng.IntN(len(nameAlphabet))])
	}
	return b.String()
}

// nameInputs yields every CJK ideograph as a surname with and without a
// given name and a title, every placeholder in three cases, repeated and
// titled names, and random mixtures (fewer under -short and -race).
func nameInputs(yield func(string) bool) {
	titles := append([]string{""}, hanTitles...)
	step := rune(1)
	if testing.Short() || raceEnabled {
		step = 7
	}
	for r := rune(0x4e00); r <= 0x9fff; r += step {
		c := string(r)
		ins := []string{c, c + "三", c + c, c + titles[int(r)%len(titles)], c + "·" + c, "Zhang" + c}
		for _, s := range ins {
			if !yield(s) {
				return
			}
		}
	}
	for p := range namePlaceholders {
		for _, s := range []string{p, strings.ToUpper(p), strings.ToUpper(p[:1]) + p[1:], p + "先生", " " + p + " ", p + p} {
			if !yield(s) {
				return
			}
		}
	}
	for _, t := range titles {
		for _, s := range []string{"王" + t, "欧阳娜娜" + t, "王" + t + t, t, "王 " + t, "司马光" + t + "先生", "Li" + t} {
			if !yield(s) {
				return
			}
		}
	}
	for _, s := range []string{"TEST", "Tester1", "testuser", "TestUser", "测试员", "aaaa", "AAaa", "啊啊啊", "x x", "İSTANBUL", "ΣΑΣ", "mr. zhang san", "ZHANG SAN", "ｚｈａｎｇ", "e\u0301mile"} {
		if !yield(s) {
			return
		}
	}
	n := 200_000
	if testing.Short() || raceEnabled {
		n = 20_000
	}
	rng := rand.New(rand.NewPCG(5, 23))
	for range n {
		if !yield(randomName(rng)) {
			return
		}
	}
}

// Name with its fast paths gives exactly what the reference (the code
// before them) gives: value, surname, given name, title, flags and error.
func TestNameMatchesReference(t *testing.T) {
	c := Default()
	count := 0
	for s := range nameInputs {
		count++
		got, gerr := c.Name(s)
		want, werr := c.nameRef(s)
		if got != want || (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("Name(%q) = %+v, %v; reference %+v, %v", s, got, gerr, want, werr)
		}
	}
	t.Logf("%d names compared", count)
}

// The pieces agree with what they replace, on the same inputs.
func TestNameFastPiecesMatchReference(t *testing.T) {
	for s := range nameInputs {
		if got, want := lowerName(s), strings.ToLower(s); got != want {
			t.Fatalf("lowerName(%q) = %q, want %q", s, got, want)
		}
		if got, want := hasLetter(s), strings.IndexFunc(s, unicode.IsLetter) >= 0; got != want {
			t.Fatalf("hasLetter(%q) = %v, want %v", s, got, want)
		}
		if got, want := isNamePlaceholder(s), isNamePlaceholderRef(s); got != want {
			t.Fatalf("isNamePlaceholder(%q) = %v, want %v", s, got, want)
		}
		l := strings.ToLower(s)
		if got, want := inNamePlaceholders(l), namePlaceholders[l]; got != want {
			t.Fatalf("inNamePlaceholders(%q) = %v, want %v", l, got, want)
		}
		var a, b NameResult
		Default().hanName(s, &a)
		Default().hanNameRef(s, &b)
		if a != b {
			t.Fatalf("hanName(%q) = %+v, reference %+v", s, a, b)
		}
	}
}
