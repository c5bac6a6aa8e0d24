package clean

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameResult is a cleaned personal name.
type NameResult struct {
	Raw     string // the input exactly as given
	Value   string // the canonical name without title; "" when unusable
	Surname string // family name when it can be told (张, 欧阳, Zhang)
	Given   string // given name when it can be told
	Title   string // a split-off title or honorific (先生, 女士, Mr.)
	Flags   Flags
}

var nameDots = strings.NewReplacer(".", "·", "•", "·")

// maxNameRunes bounds a plausible personal name.
const maxNameRunes = 64

// hanTitles are honorifics written after a Chinese surname or name.
var hanTitles = []string{"先生", "女士", "小姐", "太太", "夫人", "老师", "医生", "经理", "老板", "师傅", "阿姨", "同学", "总"}

// latinTitles are honorifics written before a Latin name (lowercase, without dot).
var latinTitles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true, "mx": true, "sir": true, "madam": true}

// namePlaceholders are values used in place of a real name (lowercase).
var namePlaceholders = map[string]bool{
	"测试": true, "测试用户": true, "测试账号": true, "test": true, "tester": true, "testing": true, "未知": true,
	"顾客": true, "客户": true, "用户": true, "会员": true, "游客": true, "匿名": true, "无名": true, "无名氏": true,
	"某某": true, "某人": true, "n/a": true, "na": true, "unknown": true, "anonymous": true, "customer": true,
	"user": true, "guest": true, "xxx": true, "asdf": true, "微信用户": true, "先生": true, "女士": true, "小姐": true,
	"name": true, "姓名": true, "null": true, "none": true, "无": true,
}

// compoundSurnames are two-character Chinese family names.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "诸葛": true, "上官": true, "东方": true, "皇甫": true, "尉迟": true, "公孙": true,
	"慕容": true, "长孙": true, "宇文": true, "司徒": true, "夏侯": true, "令狐": true, "端木": true, "独孤": true,
	"南宫": true, "西门": true, "轩辕": true, "钟离": true, "申屠": true, "澹台": true, "呼延": true, "闻人": true,
}

// pinyinSurnames are common Chinese family names in pinyin, used to tell
// the family name in "Zhang San" and "San Zhang".
var pinyinSurnames = map[string]bool{
	"wang": true, "li": true, "zhang": true, "liu": true, "chen": true, "yang": true, "huang": true, "zhao": true,
	"wu": true, "zhou": true, "xu": true, "sun": true, "ma": true, "zhu": true, "hu": true, "guo": true, "he": true,
	"gao": true, "lin": true, "luo": true, "zheng": true, "liang": true, "xie": true, "song": true, "tang": true,
	"han": true, "feng": true, "deng": true, "cao": true, "peng": true, "zeng": true, "xiao": true, "tian": true,
	"dong": true, "pan": true, "yuan": true, "cai": true, "jiang": true, "yu": true, "du": true, "ye": true,
	"cheng": true, "wei": true, "su": true, "lu": true, "ding": true, "ren": true, "shen": true, "yao": true,
	"jin": true, "fu": true, "zhong": true, "cui": true, "tan": true, "fan": true, "shi": true, "qian": true,
	"ouyang": true, "sima": true, "zhuge": true, "shangguan": true,
}

// Name cleans a personal name: NFKC (which folds full-width forms),
// whitespace collapsed, interior spaces removed in Chinese names
// (张 三 → 张三), a title split off (王先生 → 王 + 先生, Mr. Zhang → Zhang +
// Mr.), Latin names in title case when written all lower or all upper.
// Placeholders (测试, test, 未知, 顾客, n/a, one repeated character) give
// ErrPlaceholder; digits and symbols give ErrInvalid.
func (c *Cleaner) Name(raw string) (NameResult, error) {
	r := NameResult{Raw: raw}
	if err := checkLen("name", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if !nfkcStable(s) && !norm.NFKC.IsNormalString(s) {
		s = strings.TrimSpace(norm.NFKC.String(s))
	}
	if s == "" || s == "-" || s == "--" || s == "/" {
		return r, fieldErr("name", ErrEmpty, "no value")
	}
	if isNamePlaceholder(s) {
		r.Flags |= FlagPlaceholder
		return r, fieldErr("name", ErrPlaceholder, "placeholder name")
	}
	han, latin, runes := 0, 0, 0
	for _, ch := range s {
		runes++
		switch {
		case isCJKUnified(ch): // fast path: the common Han block
			han++
		case ch < utf8.RuneSelf && ('a' <= ch|0x20 && ch|0x20 <= 'z'): // fast path: ASCII letters
			latin++
		case unicode.Is(unicode.Han, ch):
			han++
		case unicode.IsLetter(ch):
			latin++
		case ch == ' ' || ch == '·' || ch == '.' || ch == '-' || ch == '\'' || ch == '•' || unicode.Is(unicode.Mn, ch):
		default:
			return r, fieldErr("name", ErrInvalid, "digits or symbols in a name")
		}
	}
	if runes > maxNameRunes {
		return r, fieldErr("name", ErrInvalid, "name too long")
	}
	switch {
	case han > 0 && latin == 0:
		c.hanName(s, &r)
	case latin > 0 && han == 0:
		latinName(s, &r)
	case han > 0:
		r.Flags |= FlagMixedScript
		r.Value = s
	default:
		return r, fieldErr("name", ErrInvalid, "no letters")
	}
	if !hasLetter(r.Value) {
		r.Value, r.Surname, r.Given = "", "", ""
		return r, fieldErr("name", ErrInvalid, "no name left after removing the title")
	}
	// s was checked above; only a changed value needs checking again.
	if r.Value != s && isNamePlaceholder(r.Value) {
		r.Flags |= FlagPlaceholder
		r.Value, r.Surname, r.Given = "", "", ""
		return r, fieldErr("name", ErrPlaceholder, "placeholder name")
	}
	return r, nil
}

// nfkcStable reports, without the normalisation tables, that s is in NFKC
// because every character is ASCII, a CJK unified ideograph (U+4E00 to
// U+9FFF, none of which decomposes or combines) or the middle dot U+00B7.
// Most names are; for the rest the caller asks norm.
func nfkcStable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r >= 0x4e00 && r <= 0x9fff || r == 0xb7) {
			return false
		}
		i += n
	}
	return true
}

// isCJKUnified reports a character of the CJK Unified Ideographs block
// (U+4E00 to U+9FFF): all of them are Han letters without case that NFKC
// leaves alone (TestCJKUnifiedFacts checks this against the tables).
func isCJKUnified(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

// hasLetter is strings.IndexFunc(s, unicode.IsLetter) >= 0, deciding on the
// first character when it is an ASCII letter or a CJK ideograph.
func hasLetter(s string) bool {
	if s != "" {
		if c := s[0]; c < utf8.RuneSelf && 'a' <= c|0x20 && c|0x20 <= 'z' {
			return true
		}
		if r, _ := utf8.DecodeRuneInString(s); isCJKUnified(r) {
			return true
		}
	}
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// lowerName is strings.ToLower(s), returning s itself without scanning
// the case tables when s holds only ASCII without upper case, CJK
// ideographs and the middle dot (which have no case).
func lowerName(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return strings.ToLower(s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isCJKUnified(r) && r != 0xb7 {
			return strings.ToLower(s)
		}
		i += n
	}
	return s
}

// placeholderFirst has bit r%256 set for the first character r of every
// namePlaceholders entry, so most names skip the map lookup;
// placeholderMaxLen is the longest entry in bytes.
var placeholderFirst, placeholderMaxLen = func() (set [4]uint64, maxLen int) {
	for p := range namePlaceholders {
		r, _ := utf8.DecodeRuneInString(p)
		set[r%256/64] |= 1 << (r % 64)
		maxLen = max(maxLen, len(p))
	}
	return set, maxLen
}()

// inNamePlaceholders is namePlaceholders[l] with a cheap filter first.
func inNamePlaceholders(l string) bool {
	if len(l) > placeholderMaxLen {
		return false // no entry is longer
	}
	r, _ := utf8.DecodeRuneInString(l)
	if placeholderFirst[r%256/64]&(1<<(r%64)) == 0 {
		return false
	}
	return namePlaceholders[l]
}

func isNamePlaceholder(s string) bool {
	l := lowerName(s)
	if inNamePlaceholders(l) || strings.HasPrefix(l, "test") && len(l) <= 8 || strings.HasPrefix(l, "测试") {
		return true
	}
	// One character repeated (啊啊啊, aaaa, xx); a single character is a
	// surname and stays.
	first, n := utf8.DecodeRuneInString(l)
	if len(l) > n {
		same := true
		for _, ch := range l[n:] {
			if ch != first && ch != ' ' {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func (c *Cleaner) hanName(s string, r *NameResult) {
	if strings.Contains(s, " ") {
		s = strings.ReplaceAll(s, " ", "")
		r.Flags |= FlagSpacesRemoved
	}
	if strings.IndexByte(s, '.') >= 0 || strings.Contains(s, "•") {
		s = nameDots.Replace(s)
	}
	// Strip titles until none is left, so that cleaning is idempotent
	// (王先生先生 → 王); the outermost one is reported.
	for stripped := endsLikeHanTitle(s); stripped; {
		stripped = false
		for _, t := range hanTitles {
			if rest, ok := strings.CutSuffix(s, t); ok && rest != "" && titledNameLen(rest) {
				if r.Title == "" {
					r.Title = t
				}
				r.Flags |= FlagTitle
				s, stripped = rest, true
				break
			}
		}
	}
	r.Value = s
	if strings.Contains(s, "·") {
		return // transliterated minority or foreign name: no surname split
	}
	_, w := utf8.DecodeRuneInString(s)
	_, w2 := utf8.DecodeRuneInString(s[w:])
	if utf8.RuneCountInString(s) >= 3 && compoundSurnames[s[:w+w2]] {
		r.Surname, r.Given = s[:w+w2], s[w+w2:]
		return
	}
	r.Surname, r.Given = s[:w], s[w:]
}

// hanTitleEnds holds the last character of every hanTitles entry.
var hanTitleEnds = func() []rune {
	var out []rune
	for _, t := range hanTitles {
		r, _ := utf8.DecodeLastRuneInString(t)
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}()

// endsLikeHanTitle reports whether s ends with the last character of some
// title: only then can a title be stripped.
func endsLikeHanTitle(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return slices.Contains(hanTitleEnds, r)
}

func latinName(s string, r *NameResult) {
	r.Flags |= FlagLatin
	words := strings.Fields(s)
	for len(words) > 1 {
		t := strings.TrimSuffix(strings.ToLower(words[0]), ".")
		if !latinTitles[t] {
			break
		}
		if r.Title == "" {
			r.Title = strings.ToUpper(t[:1]) + t[1:] + "."
		}
		r.Flags |= FlagTitle
		words = words[1:]
	}
	for i, w := range words {
		if w == strings.ToLower(w) || w == strings.ToUpper(w) {
			words[i] = titleWord(w)
		}
	}
	r.Value = strings.Join(words, " ")
	if !isASCII(r.Value) {
		// Case mapping can leave a sequence that composes differently.
		r.Value = norm.NFKC.String(r.Value)
		words = strings.Fields(r.Value)
	}
	if len(words) == 2 {
		a, b := strings.ToLower(words[0]), strings.ToLower(words[1])
		switch {
		case pinyinSurnames[a] && !pinyinSurnames[b]:
			r.Surname, r.Given = words[0], words[1]
		case pinyinSurnames[b] && !pinyinSurnames[a]:
			r.Surname, r.Given = words[1], words[0]
		}
	}
}

// titleWord upper-cases the first letter of each hyphen or apostrophe
// separated part and lower-cases the rest.
func titleWord(w string) string {
	b := []rune(strings.ToLower(w))
	up := true
	for i, ch := range b {
		if up && unicode.IsLetter(ch) {
			b[i] = unicode.ToUpper(ch)
			up = false
		}
		if ch == '-' || ch == '\'' {
			up = true
		}
	}
	return string(b)
}

// titledNameLen reports whether rest is short enough to be a name a title
// was written after: up to three characters, four with a compound surname.
func titledNameLen(rest string) bool {
	rs := []rune(rest)
	return len(rs) <= 3 || len(rs) == 4 && compoundSurnames[string(rs[:2])]
}
