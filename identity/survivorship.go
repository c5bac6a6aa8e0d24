package identity

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Strategy chooses one field value among a customer's source records.
type Strategy uint8

// Survivorship strategies. Ties are broken by the next strategy in the
// order MostRecent, MostTrusted, MostFrequent, Longest, then by the
// smaller record id, so the result never depends on record order.
const (
	MostRecent   Strategy = iota // the value of the newest record
	MostTrusted                  // the value from the most trusted channel
	MostFrequent                 // the value most records agree on
	Longest                      // the longest non-empty value
)

// String returns the strategy name, such as "most_recent".
func (s Strategy) String() string {
	return [...]string{"most_recent", "most_trusted", "most_frequent", "longest"}[min(int(s), 3)]
}

// Survivorship is the data that computes a golden record: a strategy per
// field (Default for fields not listed) and the channels from most to
// least trusted (unlisted channels trust least).
type Survivorship struct {
	Default Strategy
	Fields  map[string]Strategy
	Trust   []string
}

// DefaultSurvivorship: names from the most trusted channel (store staff
// see the customer), birth dates and genders most frequent, addresses
// most recent, everything else most recent.
func DefaultSurvivorship() *Survivorship {
	return &Survivorship{
		Default: MostRecent,
		Fields:  map[string]Strategy{"name": MostTrusted, "gender": MostFrequent, "birth_date": MostFrequent, "address": MostRecent},
		Trust:   []string{"store_pos", "app", "mini_program", "web", "call_centre", "import"},
	}
}

// Pick is one chosen field value and the record that supplied it.
type Pick struct {
	Value    string
	Record   string
	Strategy Strategy
}

// Golden computes the golden record from all source records of a
// customer: one Pick per field any record has a non-empty value for.
func (s *Survivorship) Golden(recs []StoredRecord) map[string]Pick {
	fields := map[string]bool{}
	for _, r := range recs {
		for f, v := range r.Fields {
			if v != "" {
				fields[f] = true
			}
		}
	}
	out := make(map[string]Pick, len(fields))
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		st, ok := s.Fields[f]
		if !ok {
			st = s.Default
		}
		out[f] = s.pick(recs, f, st)
	}
	return out
}

func (s *Survivorship) trust(ch string) int {
	if i := slices.Index(s.Trust, ch); i >= 0 {
		return len(s.Trust) - i
	}
	return 0
}

func (s *Survivorship) pick(recs []StoredRecord, f string, st Strategy) Pick {
	freq := map[string]int{}
	for _, r := range recs {
		if v := r.Fields[f]; v != "" {
			freq[v]++
		}
	}
	order := []Strategy{st}
	for _, x := range []Strategy{MostRecent, MostTrusted, MostFrequent, Longest} {
		if x != st {
			order = append(order, x)
		}
	}
	better := func(a, b *StoredRecord) bool { // a preferred over b
		va, vb := a.Fields[f], b.Fields[f]
		for _, x := range order {
			var c int
			switch x {
			case MostRecent:
				c = a.At.Compare(b.At)
			case MostTrusted:
				c = s.trust(a.Channel) - s.trust(b.Channel)
			case MostFrequent:
				c = freq[va] - freq[vb]
			case Longest:
				c = utf8.RuneCountInString(va) - utf8.RuneCountInString(vb)
			}
			if c != 0 {
				return c > 0
			}
		}
		return strings.Compare(a.ID, b.ID) < 0
	}
	var best *StoredRecord
	for i := range recs {
		if recs[i].Fields[f] == "" {
			continue
		}
		if best == nil || better(&recs[i], best) {
			best = &recs[i]
		}
	}
	return Pick{Value: best.Fields[f], Record: best.ID, Strategy: st}
}
