package identity

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Node is what linking needs of a record: its id, time and tokens.
type Node struct {
	ID   string
	At   time.Time
	Keys []Key
}

// EdgeRule names what a rule did to a pair of records.
type EdgeRule string

// Edge rules, as Explain prints them.
const (
	EdgeLinked       EdgeRule = "linked"             // the identifier joined the records
	EdgeMustLink     EdgeRule = "must-link"          // an operator merged them
	EdgeUnique       EdgeRule = "kept apart: unique" // different values of a unique-per-customer kind
	EdgeCannotLink   EdgeRule = "kept apart: cannot-link"
	EdgeShared       EdgeRule = "not linked: shared"    // the value is shared by too many customers
	EdgeNewOwner     EdgeRule = "not linked: new owner" // ownership expired (recycled number)
	EdgeMustConflict EdgeRule = "must-link conflicts with a cannot-link"
)

// Edge is one linking decision between two records.
type Edge struct {
	A, B string // record ids
	Kind Kind   // the identifier kind ("" for operator constraints)
	Rule EdgeRule
	// Detail names the conflicting kind, the constraint id or the limit;
	// for a probable link (Kind KindProbable) it summarises the evidence
	// without values: "p=0.9981, 9.0 bits: date_of_birth exact +6.20, ...".
	Detail string
	// Probability and Weight (bits) are the model's score of a probable
	// link; zero for every other edge.
	Probability, Weight float64
}

// Linked reports whether the edge joined the records.
func (e Edge) Linked() bool { return e.Rule == EdgeLinked || e.Rule == EdgeMustLink }

// Partition is the result of Resolve.
type Partition struct {
	// Clusters holds record ids; each cluster sorted, clusters ordered by
	// their first id.
	Clusters [][]string
	// Edges are the decisions taken, in the order taken (only when traced).
	Edges []Edge
}

// ClusterOf returns, for every record id, the index of its cluster.
func (p Partition) ClusterOf() map[string]int {
	m := make(map[string]int)
	for i, c := range p.Clusters {
		for _, id := range c {
			m[id] = i
		}
	}
	return m
}

// Resolve partitions nodes into customers. It is a pure function of the
// set of nodes, the rules and the constraints: input order does not
// matter. Node ids must be unique. Keys of unknown kinds are ignored. With
// trace set, every linking decision is returned in Partition.Edges.
//
// The algorithm: records are sorted by id; must-link constraints are
// applied first (a probable link from ScanProbable is a must-link that
// carries its score); then every non-weak, non-shareable identifier value (split
// into ownership periods for kinds with OwnershipExpiry) joins its records
// in priority order, skipping a join that would put two values of a
// unique-per-customer kind or the two sides of a cannot-link into one
// customer; last, every shareable value (MaxCustomers > 0) joins its
// records unless more than MaxCustomers customers carry it within a window.
func Resolve(nodes []Node, rules *Rules, constraints []Constraint, trace bool) Partition {
	n := len(nodes)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(nodes[a].ID, nodes[b].ID) })
	ns := make([]*Node, n)
	pos := make(map[string]int32, n)
	for i, j := range idx {
		ns[i] = &nodes[j]
		pos[nodes[j].ID] = int32(i)
	}
	u := newUF(n, trace)
	u.ids = func(i int32) string { return ns[i].ID }

	groups := map[Key][]int32{}
	for i, nd := range ns {
		for _, k := range nd.Keys {
			r := rules.rule(k.Kind)
			if r == nil {
				continue
			}
			if r.UniquePerCustomer {
				u.addUnique(int32(i), k)
			}
			if r.Weak {
				continue
			}
			if r.MaxCustomers == 0 {
				u.anchored[i] = true
			}
			if g := groups[k]; len(g) == 0 || g[len(g)-1] != int32(i) {
				groups[k] = append(g, int32(i))
			}
		}
	}

	// Operator constraints: tags for cannot-links, joins for must-links.
	cons := slices.Clone(constraints)
	slices.SortFunc(cons, func(a, b Constraint) int { return strings.Compare(a.ID, b.ID) })
	for ci, c := range cons {
		if c.Kind != CannotLink {
			continue
		}
		for side, ids := range [][]string{c.A, c.B} {
			for _, id := range ids {
				if p, ok := pos[id]; ok {
					u.addTag(p, tag{int32(ci), int8(side)}, c.ID)
				}
			}
		}
	}
	for _, c := range cons {
		if c.Kind != MustLink {
			continue
		}
		var first int32 = -1
		for _, id := range append(slices.Clone(c.A), c.B...) {
			p, ok := pos[id]
			if !ok {
				continue
			}
			if first < 0 {
				first = p
				continue
			}
			if c.Probable() {
				u.joinEdge(first, p, Edge{Kind: KindProbable, Rule: EdgeLinked, Detail: c.probableDetail(),
					Probability: c.Probability, Weight: c.Weight}, true)
			} else {
				u.join(first, p, "", EdgeMustLink, c.ID, true)
			}
		}
	}

	keys := make([]Key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		ra, rb := rules.rule(a.Kind), rules.rule(b.Kind)
		if ra.Priority != rb.Priority {
			return rb.Priority - ra.Priority
		}
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Token, b.Token)
	})
	var shared []Key
	for _, k := range keys {
		r := rules.rule(k.Kind)
		if r.MaxCustomers > 0 {
			shared = append(shared, k)
			continue
		}
		members := groups[k]
		if r.OwnershipExpiry > 0 && len(members) > 1 {
			for _, ep := range epochs(ns, rules, members, k.Kind, r.OwnershipExpiry) {
				if ep.cut >= 0 {
					u.edge(Edge{A: ns[ep.cut].ID, B: ns[ep.members[0]].ID, Kind: k.Kind, Rule: EdgeNewOwner,
						Detail: fmt.Sprintf("unseen more than %s, nothing else in common", fmtDur(r.OwnershipExpiry))})
				}
				u.joinAll(ep.members, k.Kind)
			}
			continue
		}
		u.joinAll(members, k.Kind)
	}
	for _, k := range shared {
		r := rules.rule(k.Kind)
		members := groups[k]
		if c := u.maxCustomers(ns, members, r.Window); c > r.MaxCustomers {
			if trace && len(members) > 1 {
				u.edge(Edge{A: ns[members[0]].ID, B: ns[members[1]].ID, Kind: k.Kind, Rule: EdgeShared,
					Detail: fmt.Sprintf("%d customers within %s, limit %d", c, fmtDur(r.Window), r.MaxCustomers)})
			}
			continue
		}
		u.joinAll(members, k.Kind)
	}

	byRoot := map[int32]int{}
	var p Partition
	for i := range ns {
		r := u.find(int32(i))
		ci, ok := byRoot[r]
		if !ok {
			ci = len(p.Clusters)
			byRoot[r] = ci
			p.Clusters = append(p.Clusters, nil)
		}
		p.Clusters[ci] = append(p.Clusters[ci], ns[i].ID)
	}
	p.Edges = u.edges
	return p
}

type epoch struct {
	members []int32
	cut     int32 // the last record of the previous owner, or -1
}

// epochs splits the records carrying one value into ownership periods.
func epochs(ns []*Node, rules *Rules, members []int32, kind Kind, expiry time.Duration) []epoch {
	ms := slices.Clone(members)
	slices.SortFunc(ms, func(a, b int32) int {
		if c := ns[a].At.Compare(ns[b].At); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	masked := kind + "_masked"
	other := func(k Key) bool { return k.Kind != kind && k.Kind != masked }
	weak := func(k Key) bool { r := rules.rule(k.Kind); return r != nil && r.Weak && other(k) }
	cur := epoch{members: []int32{ms[0]}, cut: -1}
	seen := map[Key]bool{}
	seenWeak := false
	add := func(i int32) {
		for _, k := range ns[i].Keys {
			if other(k) {
				seen[k] = true
				seenWeak = seenWeak || weak(k)
			}
		}
	}
	add(ms[0])
	last := ns[ms[0]].At
	var out []epoch
	for _, i := range ms[1:] {
		// A new owner needs positive evidence: both sides carry weak
		// identity evidence (a name) and nothing at all is shared.
		if ns[i].At.Sub(last) > expiry && seenWeak && slices.ContainsFunc(ns[i].Keys, weak) &&
			!slices.ContainsFunc(ns[i].Keys, func(k Key) bool { return other(k) && seen[k] }) {
			out = append(out, cur)
			cur = epoch{members: []int32{i}, cut: cur.members[len(cur.members)-1]}
			clear(seen)
			seenWeak = false
		} else {
			cur.members = append(cur.members, i)
		}
		add(i)
		last = ns[i].At
	}
	return append(out, cur)
}

// maxCustomers counts the most distinct anchored customers among members
// within any window (all time when window is 0).
func (u *uf) maxCustomers(ns []*Node, members []int32, window time.Duration) int {
	roots := make([]int32, 0, len(members))
	ms := make([]int32, 0, len(members))
	for _, m := range members {
		if r := u.find(m); u.anchored[r] {
			ms = append(ms, m)
		}
	}
	if len(ms) <= 1 {
		return len(ms)
	}
	if window == 0 {
		for _, m := range ms {
			roots = append(roots, u.find(m))
		}
		slices.Sort(roots)
		return len(slices.Compact(roots))
	}
	slices.SortFunc(ms, func(a, b int32) int {
		if c := ns[a].At.Compare(ns[b].At); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	count := map[int32]int{}
	best, lo := 0, 0
	for _, m := range ms {
		count[u.find(m)]++
		for ns[m].At.Sub(ns[ms[lo]].At) > window {
			r := u.find(ms[lo])
			if count[r]--; count[r] == 0 {
				delete(count, r)
			}
			lo++
		}
		best = max(best, len(count))
	}
	return best
}

func fmtDur(d time.Duration) string {
	if d == 0 {
		return "all time"
	}
	if d%day == 0 {
		return fmt.Sprintf("%d days", d/day)
	}
	return d.String()
}
