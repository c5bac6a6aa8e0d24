package rfm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// TableKind says how a segment table's rules read scores.
type TableKind string

const (
	// ByScore rules give inclusive score ranges [lo, hi] per dimension and
	// must cover every (r, f, m) in 1..Bins exactly once.
	ByScore TableKind = "score"
	// ByMean rules say "high", "low" or "any" per dimension, comparing each
	// score with the population mean of that score (high: strictly above
	// the mean), and must cover the 8 high/low combinations exactly once.
	ByMean TableKind = "mean"
)

// Cond is one dimension's condition in a rule: a score range for ByScore
// tables (JSON [lo, hi]) or a level for ByMean tables (JSON "high", "low",
// "any").
type Cond struct {
	Lo, Hi int
	Level  string
}

// UnmarshalJSON reads [lo, hi] or a level string.
func (c *Cond) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = Cond{Level: s}
		return nil
	}
	var r []int
	if err := json.Unmarshal(b, &r); err != nil || len(r) != 2 {
		return invalid("rule", `condition must be [lo, hi] or "high"/"low"/"any"`, "")
	}
	*c = Cond{Lo: r[0], Hi: r[1]}
	return nil
}

// MarshalJSON writes the JSON form read by UnmarshalJSON.
func (c Cond) MarshalJSON() ([]byte, error) {
	if c.Level != "" {
		return json.Marshal(c.Level)
	}
	return json.Marshal([2]int{c.Lo, c.Hi})
}

// Rule assigns Segment to customers whose scores meet all three conditions.
type Rule struct {
	Segment string `json:"segment"`
	R       Cond   `json:"r"`
	F       Cond   `json:"f"`
	M       Cond   `json:"m"`
}

// Table is a segment table as data. Build one with LoadTable, DefaultTable or
// CN8Table; a Table from those is validated and safe for concurrent use.
type Table struct {
	Name  string    `json:"name"`
	Kind  TableKind `json:"kind"`
	Bins  int       `json:"bins,omitempty"` // ByScore only
	Rules []Rule    `json:"rules"`

	names []string // distinct segment names in first-rule order
	cell  []uint8  // ByScore: (r-1)*B*B+(f-1)*B+(m-1) -> name index; ByMean: 3-bit code
}

// Segments returns the distinct segment names in the order of the rules.
func (t *Table) Segments() []string { return append([]string(nil), t.names...) }

// LoadTable parses and validates a JSON table.
func LoadTable(data []byte) (*Table, error) {
	var t Table
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		if _, ok := err.(*InputError); ok {
			return nil, err
		}
		return nil, fmt.Errorf("%w: segment table: %v", ErrInvalid, err)
	}
	if err := t.compile(); err != nil {
		return nil, err
	}
	return &t, nil
}

func (t *Table) compile() error {
	if len(t.Rules) == 0 {
		return invalid("rules", "empty", "")
	}
	if len(t.Rules) > 255 {
		return invalid("rules", "more than 255", "")
	}
	idx := map[string]int{}
	t.names = nil
	ruleName := make([]uint8, len(t.Rules))
	for i, r := range t.Rules {
		if strings.TrimSpace(r.Segment) == "" {
			return invalid("rules", fmt.Sprintf("rule %d has no segment name", i+1), "")
		}
		j, ok := idx[r.Segment]
		if !ok {
			j = len(t.names)
			idx[r.Segment] = j
			t.names = append(t.names, r.Segment)
		}
		ruleName[i] = uint8(j)
	}
	const unset = 255
	switch t.Kind {
	case ByScore:
		b := t.Bins
		if b < 3 || b > MaxBins {
			return invalid("bins", fmt.Sprintf("must be 3..%d", MaxBins), fmt.Sprint(b))
		}
		t.cell = make([]uint8, b*b*b)
		for i := range t.cell {
			t.cell[i] = unset
		}
		for i, r := range t.Rules {
			for _, c := range []Cond{r.R, r.F, r.M} {
				if c.Level != "" || c.Lo < 1 || c.Hi > b || c.Lo > c.Hi {
					return invalid("rules", fmt.Sprintf("rule %d: range must be [lo, hi] within 1..%d", i+1, b), "")
				}
			}
			for x := r.R.Lo; x <= r.R.Hi; x++ {
				for y := r.F.Lo; y <= r.F.Hi; y++ {
					for z := r.M.Lo; z <= r.M.Hi; z++ {
						k := ((x-1)*b+(y-1))*b + (z - 1)
						if t.cell[k] != unset {
							return invalid("rules", fmt.Sprintf("rule %d overlaps rule for %q at r=%d f=%d m=%d", i+1, t.names[t.cell[k]], x, y, z), "")
						}
						t.cell[k] = ruleName[i]
					}
				}
			}
		}
		for k, v := range t.cell {
			if v == unset {
				return invalid("rules", fmt.Sprintf("no rule covers r=%d f=%d m=%d", k/(b*b)+1, k/b%b+1, k%b+1), "")
			}
		}
	case ByMean:
		t.cell = make([]uint8, 8)
		for i := range t.cell {
			t.cell[i] = unset
		}
		for i, r := range t.Rules {
			var opts [3][]int
			for d, c := range []Cond{r.R, r.F, r.M} {
				switch c.Level {
				case "high":
					opts[d] = []int{1}
				case "low":
					opts[d] = []int{0}
				case "any":
					opts[d] = []int{0, 1}
				default:
					return invalid("rules", fmt.Sprintf(`rule %d: level must be "high", "low" or "any"`, i+1), "")
				}
			}
			for _, x := range opts[0] {
				for _, y := range opts[1] {
					for _, z := range opts[2] {
						k := x<<2 | y<<1 | z
						if t.cell[k] != unset {
							return invalid("rules", fmt.Sprintf("rule %d overlaps rule for %q", i+1, t.names[t.cell[k]]), "")
						}
						t.cell[k] = ruleName[i]
					}
				}
			}
		}
		for k, v := range t.cell {
			if v == unset {
				return invalid("rules", fmt.Sprintf("no rule covers r=%s f=%s m=%s", hl(k>>2&1), hl(k>>1&1), hl(k&1)), "")
			}
		}
	default:
		return invalid("kind", `must be "score" or "mean"`, string(t.Kind))
	}
	return nil
}

func hl(b int) string {
	if b == 1 {
		return "high"
	}
	return "low"
}

// Assign returns each customer's segment as an index into t.Segments().
func (t *Table) Assign(s *Scores) ([]uint8, error) {
	n := len(s.R)
	out := make([]uint8, n)
	switch t.Kind {
	case ByScore:
		if s.Bins != t.Bins {
			return nil, invalid("bins", fmt.Sprintf("table %q is for %d bins, scores have %d", t.Name, t.Bins, s.Bins), "")
		}
		b := t.Bins
		for i := range n {
			out[i] = t.cell[((int(s.R[i])-1)*b+int(s.F[i])-1)*b+int(s.M[i])-1]
		}
	case ByMean:
		if n == 0 {
			return out, nil
		}
		mr, mf, mm := mean8(s.R), mean8(s.F), mean8(s.M)
		for i := range n {
			k := above(s.R[i], mr)<<2 | above(s.F[i], mf)<<1 | above(s.M[i], mm)
			out[i] = t.cell[k]
		}
	}
	return out, nil
}

func mean8(v []uint8) float64 {
	var s int
	for _, x := range v {
		s += int(x)
	}
	return float64(s) / float64(len(v))
}

func above(x uint8, m float64) int {
	if float64(x) > m {
		return 1
	}
	return 0
}
