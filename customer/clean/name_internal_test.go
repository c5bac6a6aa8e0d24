package clean

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfkcStable never claims a string is in NFKC when norm says it is not:
// every character of its ranges alone, and after each ASCII character (a
// combining sequence would start there), is checked against the tables.
func TestNFKCStableAgreesWithNorm(t *testing.T) {
	check := func(s string) {
		if nfkcStable(s) && !norm.NFKC.IsNormalString(s) {
			t.Fatalf("nfkcStable(%q) but norm disagrees", s)
		}
	}
	for r := rune(0); r < 0x80; r++ {
		check(string(r))
		check("a" + string(r))
	}
	for r := rune(0x4e00); r <= 0x9fff; r++ {
		check(string(r))
		check("a" + string(r))
		check(string(r) + "\u00b7")
	}
	check("\u00b7")
	if nfkcStable("\uf900") || nfkcStable("ａ") || nfkcStable("e\u0301") || nfkcStable(string([]byte{0xff})) {
		t.Error("nfkcStable accepts a character outside its ranges")
	}
	if !utf8.ValidString("张三") || !nfkcStable("张三·李") {
		t.Error("nfkcStable rejects a plain Chinese name")
	}
}
