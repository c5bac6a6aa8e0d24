package identity

// tag marks a record as side 0 or 1 of a cannot-link constraint.
type tag struct {
	c    int32
	side int8
}

// meta is what a component must remember to refuse a join.
type meta struct {
	unique []Key
	tags   []tag
	names  []string // constraint ids per tag, for explanations
}

// uf is union-find with per-component constraints.
type uf struct {
	parent   []int32
	size     []int32
	anchored []bool
	meta     map[int32]*meta
	trace    bool
	edges    []Edge
	ids      func(int32) string
}

func newUF(n int, trace bool) *uf {
	u := &uf{parent: make([]int32, n), size: make([]int32, n), anchored: make([]bool, n), meta: map[int32]*meta{}, trace: trace}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

func (u *uf) find(i int32) int32 {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *uf) m(i int32) *meta {
	m := u.meta[i]
	if m == nil {
		m = &meta{}
		u.meta[i] = m
	}
	return m
}

func (u *uf) addUnique(i int32, k Key) {
	m := u.m(i)
	for _, x := range m.unique {
		if x == k {
			return
		}
	}
	m.unique = append(m.unique, k)
}

func (u *uf) addTag(i int32, t tag, name string) {
	m := u.m(i)
	m.tags = append(m.tags, t)
	m.names = append(m.names, name)
}

// conflict says why components a and b (roots) may not join, or "".
func (u *uf) conflict(a, b int32) (EdgeRule, string) {
	ma, mb := u.meta[a], u.meta[b]
	if ma == nil || mb == nil {
		return "", ""
	}
	for _, x := range ma.unique {
		for _, y := range mb.unique {
			if x.Kind == y.Kind && x.Token != y.Token {
				return EdgeUnique, string(x.Kind)
			}
		}
	}
	for i, x := range ma.tags {
		for _, y := range mb.tags {
			if x.c == y.c && x.side != y.side {
				return EdgeCannotLink, ma.names[i]
			}
		}
	}
	return "", ""
}

func (u *uf) edge(e Edge) {
	if u.trace {
		u.edges = append(u.edges, e)
	}
}

// join unites the components of a and b unless a rule forbids it.
func (u *uf) join(a, b int32, kind Kind, rule EdgeRule, detail string, must bool) bool {
	return u.joinEdge(a, b, Edge{Kind: kind, Rule: rule, Detail: detail}, must)
}

// joinEdge is join recording e (its A and B are filled in).
func (u *uf) joinEdge(a, b int32, e Edge, must bool) bool {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return true
	}
	if u.trace {
		e.A, e.B = u.ids(a), u.ids(b)
	}
	if why, d := u.conflict(ra, rb); why != "" {
		if must {
			why = EdgeMustConflict
		}
		e.Rule, e.Detail = why, d
		u.edge(e)
		return false
	}
	u.edge(e)
	if u.size[ra] < u.size[rb] {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
	u.anchored[ra] = u.anchored[ra] || u.anchored[rb]
	if mb := u.meta[rb]; mb != nil {
		ma := u.m(ra)
		for _, k := range mb.unique {
			dup := false
			for _, x := range ma.unique {
				dup = dup || x == k
			}
			if !dup {
				ma.unique = append(ma.unique, k)
			}
		}
		ma.tags = append(ma.tags, mb.tags...)
		ma.names = append(ma.names, mb.names...)
		delete(u.meta, rb)
	}
	return true
}

// joinAll joins every member to the first, in order.
func (u *uf) joinAll(members []int32, kind Kind) {
	for _, m := range members[1:] {
		u.join(members[0], m, kind, EdgeLinked, "", false)
	}
}
