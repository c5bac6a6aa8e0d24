package clean

import "strings"

// Gender is a cleaned gender value.
type Gender uint8

// Gender values. Unknown is the zero value.
const (
	GenderUnknown Gender = iota
	Male
	Female
)

// String returns "unknown", "male" or "female".
func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "unknown"
}

// defaultGender maps lowercased words to genders; Options.Gender adds to it.
// "1"/"0" follow the common CRM export convention (1 male, 0 female); the
// resident ID convention (odd male, even female) is applied by IDCard.
var defaultGender = map[string]Gender{
	"男": Male, "男性": Male, "男士": Male, "先生": Male, "m": Male, "male": Male, "man": Male,
	"mr": Male, "mr.": Male, "1": Male, "boy": Male, "男生": Male,
	"女": Female, "女性": Female, "女士": Female, "小姐": Female, "太太": Female, "f": Female,
	"female": Female, "woman": Female, "ms": Female, "ms.": Female, "mrs": Female, "mrs.": Female,
	"miss": Female, "0": Female, "girl": Female, "女生": Female,
	"未知": GenderUnknown, "保密": GenderUnknown, "u": GenderUnknown, "unknown": GenderUnknown,
	"other": GenderUnknown, "其他": GenderUnknown, "2": GenderUnknown,
}

// GenderResult is a cleaned gender.
type GenderResult struct {
	Raw   string // the input exactly as given
	Value Gender // the gender; GenderUnknown when not known
	Flags Flags
	Known bool // the input was a recognised word (possibly meaning unknown)
}

// Gender maps a raw gender word (男/女/M/F/male/female/先生/女士/1/0 and the
// words configured in Options.Gender) to a Gender. Empty input gives
// ErrEmpty; an unrecognised word gives ErrInvalid with GenderUnknown: it is
// never guessed.
func (c *Cleaner) Gender(raw string) (GenderResult, error) {
	r := GenderResult{Raw: raw}
	if err := checkLen("gender", raw, c.maxLen); err != nil {
		return r, err
	}
	s, f := tidy(raw)
	r.Flags = f
	if s == "" || isEmptyWord(s) {
		return r, fieldErr("gender", ErrEmpty, "no value")
	}
	g, ok := c.gender[strings.ToLower(s)]
	if !ok {
		return r, fieldErr("gender", ErrInvalid, "unrecognised gender word")
	}
	r.Value, r.Known = g, true
	return r, nil
}
