package segment

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// DescribeOptions configures Describe.
type DescribeOptions struct {
	// Columns names x's columns; required, one per column. Names are used
	// in rules, and recognised RFM names drive the name suggestion:
	// recency ("r", "recency", "recency_days", "days_since_last..."),
	// frequency ("f", "frequency", "orders", "purchases", "visits"),
	// monetary ("m", "monetary", "spend", "revenue", "amount", "money", "sales").
	Columns []string
	// MaxDepth of the explaining tree, 1..3; default 3.
	MaxDepth int
	// MinLeaf is the fewest rows a tree leaf may hold; default max(5, 1% of rows).
	MinLeaf int
	// TreeSample bounds the rows the trees are grown on; default 20000.
	// Larger inputs are sampled with Seed.
	TreeSample int
	// Seed for the tree sample.
	Seed uint64
}

// Rule is a conjunction of conditions that picks out (mostly) one cluster.
type Rule struct {
	Conditions []Condition
	Text       string  // e.g. "recency ≤ 14 and orders ≥ 6"
	Support    int     // rows matching the rule (in the tree sample)
	Precision  float64 // share of matching rows that are in the cluster
	Recall     float64 // share of the cluster's rows that match
}

// Profile describes one cluster.
type Profile struct {
	Cluster int
	Size    int
	Share   float64   // Size / rows
	Center  []float64 // mean of each column, in the units of x
	// Levels gives per column "high" or "low" relative to the overall mean
	// (for recency: "recent" or "lapsed").
	Levels []string
	// Name is a suggested segment name from RFM segment tables, or "" when
	// no recency/frequency/monetary column is recognised.
	Name  string
	Rules []Rule // at most a few, best coverage first; empty if no rule separates the cluster
}

type rfmRole int

const (
	roleNone rfmRole = iota
	roleR
	roleF
	roleM
)

func roleOf(name string) rfmRole {
	n := strings.ToLower(strings.TrimSpace(name))
	has := func(ps ...string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(n, p) })
	}
	switch {
	case n == "r" || has("recen", "days_since", "last_order_days"):
		return roleR
	case n == "f" || has("freq", "order", "purchase", "visit"):
		return roleF
	case n == "m" || has("monet", "spend", "revenue", "amount", "money", "sales"):
		return roleM
	}
	return roleNone
}

// Describe profiles each cluster of a labelling of x (given in original
// units): size, centre, levels, a suggested name and rules from a shallow
// decision tree (depth ≤ 3) that tell the cluster apart from the rest.
func Describe(x Matrix, labels []int, opts DescribeOptions) ([]Profile, error) {
	k, err := checkLabels(x, labels)
	if err != nil {
		return nil, err
	}
	if len(opts.Columns) != x.Cols {
		return nil, inputErr(ErrShape, "columns", -1, -1, "%d names for %d columns", len(opts.Columns), x.Cols)
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = 3
	}
	if opts.MaxDepth < 1 || opts.MaxDepth > 3 {
		return nil, inputErr(ErrOption, "max_depth", -1, -1, "must be 1..3")
	}
	if opts.TreeSample <= 0 {
		opts.TreeSample = 20000
	}
	rows := make([]int, x.Rows)
	for i := range rows {
		rows[i] = i
	}
	if x.Rows > opts.TreeSample {
		rows = sampleRows(x.Rows, opts.TreeSample, opts.Seed)
	}
	if opts.MinLeaf <= 0 {
		opts.MinLeaf = max(5, len(rows)/100)
	}
	integer := make([]bool, x.Cols)
	for j := range integer {
		integer[j] = true
		for i := 0; i < x.Rows && integer[j]; i++ {
			v := x.Data[i*x.Cols+j]
			integer[j] = v == math.Trunc(v)
		}
	}
	size, cent, mean := clusterMeans(x, labels, k)
	out := make([]Profile, k)
	target := make([]bool, x.Rows)
	for c := 0; c < k; c++ {
		p := Profile{Cluster: c, Size: int(size[c]), Share: size[c] / float64(x.Rows)}
		p.Center = slices.Clone(cent[c*x.Cols : (c+1)*x.Cols])
		p.Levels = make([]string, x.Cols)
		var r, f, m string
		for j, v := range p.Center {
			high := v > mean[j]
			p.Levels[j] = map[bool]string{true: "high", false: "low"}[high]
			switch roleOf(opts.Columns[j]) {
			case roleR:
				p.Levels[j] = map[bool]string{true: "lapsed", false: "recent"}[high]
				r = p.Levels[j]
			case roleF:
				f = p.Levels[j]
			case roleM:
				m = p.Levels[j]
			}
		}
		p.Name = suggestName(r, f, m)
		if p.Size > 0 {
			inC := 0
			for i, l := range labels {
				target[i] = l == c
			}
			for _, i := range rows {
				if target[i] {
					inC++
				}
			}
			tree := fitTree(x, rows, target, opts.MaxDepth, opts.MinLeaf)
			for _, rr := range leafRules(tree, opts.Columns) {
				rule := Rule{Conditions: rr.conds, Support: rr.n, Precision: float64(rr.pos) / float64(rr.n)}
				if inC > 0 {
					rule.Recall = float64(rr.pos) / float64(inC)
				}
				rule.Text = ruleText(rr.conds, integer)
				p.Rules = append(p.Rules, rule)
			}
			slices.SortStableFunc(p.Rules, func(a, b Rule) int { return b.Support*int(1e6*b.Precision) - a.Support*int(1e6*a.Precision) })
		}
		out[c] = p
	}
	return out, nil
}

// suggestName maps recency/frequency/monetary levels to the usual RFM
// segment names ("" for an unrecognised level).
func suggestName(r, f, m string) string {
	type key struct{ r, f, m string }
	names := map[key]string{
		{"recent", "high", "high"}: "Champions",
		{"recent", "high", "low"}:  "Loyal customers",
		{"recent", "low", "high"}:  "Promising big spenders",
		{"recent", "low", "low"}:   "New customers",
		{"lapsed", "high", "high"}: "Can't lose them",
		{"lapsed", "high", "low"}:  "At risk",
		{"lapsed", "low", "high"}:  "Hibernating big spenders",
		{"lapsed", "low", "low"}:   "Lost",
		{"recent", "high", ""}:     "Loyal customers",
		{"recent", "low", ""}:      "New customers",
		{"lapsed", "high", ""}:     "At risk",
		{"lapsed", "low", ""}:      "Lost",
		{"recent", "", "high"}:     "Recent big spenders",
		{"recent", "", "low"}:      "Recent low spenders",
		{"lapsed", "", "high"}:     "Lapsed big spenders",
		{"lapsed", "", "low"}:      "Lost",
		{"", "high", "high"}:       "High value",
		{"", "high", "low"}:        "Frequent low spenders",
		{"", "low", "high"}:        "Occasional big spenders",
		{"", "low", "low"}:         "Low value",
		{"recent", "", ""}:         "Active",
		{"lapsed", "", ""}:         "Lapsed",
		{"", "high", ""}:           "Frequent buyers",
		{"", "low", ""}:            "Occasional buyers",
		{"", "", "high"}:           "Big spenders",
		{"", "", "low"}:            "Low spenders",
	}
	return names[key{r, f, m}]
}

// ruleText renders conditions as "a ≤ 14 and b ≥ 6"; on integer-valued
// columns "> v" is written "≥ v+1", and a two-sided bound as "lo ≤ a ≤ hi".
func ruleText(conds []Condition, integer []bool) string {
	var parts []string
	for i := 0; i < len(conds); i++ {
		c := conds[i]
		lo := func() string {
			if integer[c.Col] {
				return fmtNum(c.Value+1) + " ≤ "
			}
			return fmtNum(c.Value) + " < "
		}
		if c.Op == ">" && i+1 < len(conds) && conds[i+1].Col == c.Col {
			parts = append(parts, lo()+c.Column+" ≤ "+fmtNum(conds[i+1].Value))
			i++
			continue
		}
		switch {
		case c.Op == ">" && integer[c.Col]:
			parts = append(parts, fmt.Sprintf("%s ≥ %s", c.Column, fmtNum(c.Value+1)))
		default:
			parts = append(parts, fmt.Sprintf("%s %s %s", c.Column, c.Op, fmtNum(c.Value)))
		}
	}
	return strings.Join(parts, " and ")
}

func fmtNum(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}
