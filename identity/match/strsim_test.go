package match

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Published values: Winkler (1990) / Wikipedia for Jaro and Jaro-Winkler,
// Wikipedia for Levenshtein and optimal string alignment.
func TestSimilarityPublished(t *testing.T) {
	tests := []struct {
		a, b    string
		jaro    float64
		jw      float64
		lev, dl int
	}{
		{"MARTHA", "MARHTA", 0.9444, 0.9611, 2, 1},
		{"DWAYNE", "DUANE", 0.8222, 0.84, 2, 2},
		{"DIXON", "DICKSONX", 0.7667, 0.8133, 4, 4},
		{"kitten", "sitting", 0.7460, 0.7460, 3, 3},
		{"CA", "ABC", 0, 0, 3, 3},
		{"", "", 1, 1, 0, 0},
		{"abc", "", 0, 0, 3, 3},
		{"王小明", "王晓明", 0.7778, 0.8, 1, 1},
	}
	for _, tt := range tests {
		if got := Jaro(tt.a, tt.b); math.Abs(got-tt.jaro) > 5e-5 {
			t.Errorf("Jaro(%q,%q)=%.5f want %.4f", tt.a, tt.b, got, tt.jaro)
		}
		if got := JaroWinkler(tt.a, tt.b); math.Abs(got-tt.jw) > 5e-5 {
			t.Errorf("JaroWinkler(%q,%q)=%.5f want %.4f", tt.a, tt.b, got, tt.jw)
		}
		if got := Levenshtein(tt.a, tt.b); got != tt.lev {
			t.Errorf("Levenshtein(%q,%q)=%d want %d", tt.a, tt.b, got, tt.lev)
		}
		if got := DamerauLevenshtein(tt.a, tt.b); got != tt.dl {
			t.Errorf("DamerauLevenshtein(%q,%q)=%d want %d", tt.a, tt.b, got, tt.dl)
		}
	}
}

// bruteLev is the textbook recursive definition of edit distance.
func bruteLev(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	cost := 1
	if a[len(a)-1] == b[len(b)-1] {
		cost = 0
	}
	return min(bruteLev(a[:len(a)-1], b)+1, bruteLev(a, b[:len(b)-1])+1, bruteLev(a[:len(a)-1], b[:len(b)-1])+cost)
}

// bruteOSA is the recursive definition of optimal string alignment.
func bruteOSA(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	i, j := len(a), len(b)
	cost := 1
	if a[i-1] == b[j-1] {
		cost = 0
	}
	d := min(bruteOSA(a[:i-1], b)+1, bruteOSA(a, b[:j-1])+1, bruteOSA(a[:i-1], b[:j-1])+cost)
	if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
		d = min(d, bruteOSA(a[:i-2], b[:j-2])+1)
	}
	return d
}

// refJaro is a direct transcription of the Jaro definition: matching
// characters within the window, scanned from the first string, and half
// the out-of-order matches as transpositions.
func refJaro(s1, s2 []rune) float64 {
	if len(s1) == 0 && len(s2) == 0 {
		return 1
	}
	if len(s1) == 0 || len(s2) == 0 {
		return 0
	}
	if len(s1) > len(s2) {
		s1, s2 = s2, s1
	}
	w := max(len(s1), len(s2))/2 - 1
	w = max(w, 0)
	used := map[int]bool{}
	var m1 []rune
	var pos2 []int
	for i, c := range s1 {
		for j := max(0, i-w); j <= min(len(s2)-1, i+w); j++ {
			if !used[j] && s2[j] == c {
				used[j] = true
				m1 = append(m1, c)
				pos2 = append(pos2, j)
				break
			}
		}
	}
	if len(m1) == 0 {
		return 0
	}
	// s2's matched characters in s2 order.
	var m2 []rune
	for j := range s2 {
		if used[j] {
			m2 = append(m2, s2[j])
		}
	}
	tr := 0
	for k := range m1 {
		if m1[k] != m2[k] {
			tr++
		}
	}
	m := float64(len(m1))
	return (m/float64(len(s1)) + m/float64(len(s2)) + (m-float64(tr/2))/m) / 3
}

func randWord(r *rand.Rand, alphabet []rune) []rune {
	n := r.IntN(8)
	w := make([]rune, n)
	for i := range w {
		w[i] = alphabet[r.IntN(len(alphabet))]
	}
	return w
}

func TestSimilarityAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcd王李")
	rounds := 3000
	if raceEnabled {
		rounds = 500
	}
	for k := 0; k < rounds; k++ {
		a, b := randWord(r, alphabet), randWord(r, alphabet)
		if got, want := levenshteinRunes(a, b), bruteLev(a, b); got != want {
			t.Fatalf("levenshtein(%q,%q)=%d want %d", string(a), string(b), got, want)
		}
		if got, want := damerauRunes(a, b), bruteOSA(a, b); got != want {
			t.Fatalf("damerau(%q,%q)=%d want %d", string(a), string(b), got, want)
		}
		for k := 0; k < 4; k++ {
			for _, f := range []struct {
				bounded func(a, b []rune, k int) int
				want    int
			}{{levenshteinBounded, bruteLev(a, b)}, {damerauBounded, bruteOSA(a, b)}} {
				got := f.bounded(a, b, k)
				if (f.want <= k && got != f.want) || (f.want > k && got <= k) || got > max(k+1, f.want) {
					t.Fatalf("bounded(%q,%q,%d)=%d, distance %d", string(a), string(b), k, got, f.want)
				}
			}
		}
		if got, want := jaroRunes(a, b), refJaro(a, b); math.Abs(got-want) > 1e-12 {
			t.Fatalf("jaro(%q,%q)=%v want %v", string(a), string(b), got, want)
		}
		if x, y := jaroWinklerRunes(a, b), jaroWinklerRunes(b, a); x != y || x < 0 || x > 1 {
			t.Fatalf("jaro-winkler(%q,%q) not symmetric or out of range: %v %v", string(a), string(b), x, y)
		}
	}
}

func TestSimilarityLongStrings(t *testing.T) {
	// Beyond the stack buffers the functions allocate but agree.
	a := []rune("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")
	b := append([]rune("x"), a[1:]...)
	if d := levenshteinRunes(a, b); d != 1 {
		t.Errorf("levenshtein long = %d", d)
	}
	b[1], b[2] = b[2], b[1]
	if d := damerauRunes(a, b); d != 2 {
		t.Errorf("damerau long = %d", d)
	}
	if j := jaroRunes(a, a); j != 1 {
		t.Errorf("jaro long self = %v", j)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 200; k++ {
		x, y := make([]rune, 60+r.IntN(20)), make([]rune, 60+r.IntN(20))
		for i := range x {
			x[i] = rune('a' + r.IntN(4))
		}
		for i := range y {
			y[i] = rune('a' + r.IntN(4))
		}
		if got, want := jaroRunes(x, y), refJaro(x, y); math.Abs(got-want) > 1e-12 {
			t.Fatalf("long jaro %v want %v", got, want)
		}
	}
}

func TestSimilarityNoAllocs(t *testing.T) {
	a, b := []rune("martha smith"), []rune("marhta smyth")
	n := testing.AllocsPerRun(100, func() {
		_ = jaroWinklerRunes(a, b)
		_ = levenshteinRunes(a, b)
		_ = damerauRunes(a, b)
		_ = levenshteinBounded(a, b, 2)
		_ = damerauBounded(a, b, 2)
	})
	if n != 0 {
		t.Errorf("allocations per run = %v, want 0", n)
	}
}

func FuzzSimilarity(f *testing.F) {
	f.Add("MARTHA", "MARHTA")
	f.Add("王小明", "小明王")
	f.Add("", "\xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 6 || len(rb) > 6 {
			return
		}
		if got, want := Levenshtein(a, b), bruteLev(ra, rb); got != want {
			t.Fatalf("levenshtein %d want %d", got, want)
		}
		if got, want := DamerauLevenshtein(a, b), bruteOSA(ra, rb); got != want {
			t.Fatalf("damerau %d want %d", got, want)
		}
		if jw := JaroWinkler(a, b); !(jw >= 0 && jw <= 1) {
			t.Fatalf("jaro-winkler out of range: %v", jw)
		}
	})
}

func TestSimilarityAgainstJellyfish(t *testing.T) {
	for _, r := range jellyfishReference {
		if got := Jaro(r.a, r.b); math.Abs(got-r.jaro) > 1e-9 {
			t.Errorf("Jaro(%q,%q)=%v, jellyfish %v", r.a, r.b, got, r.jaro)
		}
		if got := JaroWinkler(r.a, r.b); math.Abs(got-r.jw) > 1e-9 {
			t.Errorf("JaroWinkler(%q,%q)=%v, jellyfish %v", r.a, r.b, got, r.jw)
		}
		if got := Levenshtein(r.a, r.b); got != r.lev {
			t.Errorf("Levenshtein(%q,%q)=%d, jellyfish %d", r.a, r.b, got, r.lev)
		}
	}
}
