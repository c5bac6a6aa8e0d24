package clean

import "strings"

// Flags is a set of observations made while cleaning a value. Flags do not
// by themselves make a value unusable; errors do.
type Flags uint64

// Flag values. Their names (see String) are stable and appear in CSV output.
const (
	// FlagInvisible: zero-width characters, byte order marks, no-break
	// spaces, tabs or line breaks were removed or turned into spaces.
	FlagInvisible Flags = 1 << iota
	// FlagWidthFolded: full-width characters were folded to ASCII.
	FlagWidthFolded
	// FlagSpreadsheet: the value arrived in a spreadsheet number form
	// (13812345678.0, 1.3812345678E10, an Excel serial date).
	FlagSpreadsheet
	// FlagMasked: the value was masked for display.
	FlagMasked
	// FlagPlaceholder: the value looks like a dummy.
	FlagPlaceholder
	// FlagMultiple: the field held more than one value.
	FlagMultiple
	// FlagExtension: a phone extension was split off.
	FlagExtension
	// FlagDefaultRegion: the phone number had no country code; the
	// configured region was assumed.
	FlagDefaultRegion
	// FlagLabel: descriptive text around the value (手机：, Tel) was dropped.
	FlagLabel
	// FlagLowercased: letters were lowercased.
	FlagLowercased
	// FlagTypo: the value looks like a typo of a common value; a suggestion
	// is given, the value is not changed.
	FlagTypo
	// FlagTitle: a title or honorific (先生, 女士, Mr.) was split off a name.
	FlagTitle
	// FlagSpacesRemoved: interior spaces were removed (张 三 → 张三).
	FlagSpacesRemoved
	// FlagLatin: the name is written in Latin letters.
	FlagLatin
	// FlagMixedScript: the name mixes Han and Latin letters.
	FlagMixedScript
	// FlagAmbiguous: the value could be read more than one way; the
	// configured preference decided (05/10/2024).
	FlagAmbiguous
	// FlagLegacy: an old format was converted (15-digit resident ID).
	FlagLegacy
	// FlagSensitive: the value is sensitive personal data and should be
	// sealed before storage (resident ID numbers).
	FlagSensitive
	// FlagShortName: an abbreviated or unsuffixed division name (京, 广东)
	// was expanded.
	FlagShortName
	// FlagIncomplete: only part of the expected structure was found
	// (an address without a recognised province or city).
	FlagIncomplete
	// FlagPostalCode: a postal code was found and split off.
	FlagPostalCode
	// FlagInferred: a missing part was derived from another part (the
	// province of an address from its city).
	FlagInferred
	flagEnd
)

var flagNames = [...]string{
	"invisible", "width_folded", "spreadsheet", "masked", "placeholder",
	"multiple", "extension", "default_region", "label", "lowercased", "typo",
	"title", "spaces_removed", "latin", "mixed_script", "ambiguous", "legacy",
	"sensitive", "short_name", "incomplete", "postal_code", "inferred",
}

// Has reports whether every flag in g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String returns the set flag names joined by "|" in bit order, or "" for
// no flags.
func (f Flags) String() string {
	if f == 0 {
		return ""
	}
	var b strings.Builder
	for i, name := range flagNames {
		if f&(1<<i) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(name)
	}
	return b.String()
}

// ParseFlags is the inverse of Flags.String; unknown names are ignored.
func ParseFlags(s string) Flags {
	var f Flags
	for _, part := range strings.Split(s, "|") {
		for i, name := range flagNames {
			if part == name {
				f |= 1 << i
			}
		}
	}
	return f
}
