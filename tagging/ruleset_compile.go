package tagging

import (
	"slices"
	"strconv"
	"strings"
)

// RuleSet is a compiled set of tag definitions and triggers. It is
// immutable and safe for concurrent use.
type RuleSet struct {
	name     string
	tags     []TagDef
	triggers []Trigger
	index    map[string]int // computed (dynamic and weighted) tags -> position
	preds    []predFn       // per tag; nil unless dynamic
	order    []int          // dynamic tags in dependency order
	resolve  [][]int        // resolve[k]: groups to settle after order[k]
	groups   [][]int        // members of each group, by priority then position
	weighted []int          // positions of weighted tags
	byName   []int          // positions of computed tags sorted by name
	needDate bool
}

// resolver implements tagResolver over a rule set's computed tags.
type resolver map[string]int

func (r resolver) index(name string) int {
	if i, ok := r[name]; ok {
		return i
	}
	return -1
}

// ParseRuleSet decodes, validates and compiles a rule set document:
//
//	{"name": "default",
//	 "tags": [
//	   {"name": "vip", "kind": "static"},
//	   {"name": "sleeping", "kind": "dynamic", "group": "lifecycle", "priority": 2,
//	    "rule": {"olderThanDays": {"field": "last_order_at", "days": 60}}},
//	   {"name": "likes_seafood", "kind": "weighted", "halfLifeDays": 30, "threshold": 0.3,
//	    "sources": [{"on": "order", "category": "seafood", "increment": 0.4}]}],
//	 "triggers": [
//	   {"name": "winback", "tag": "sleeping", "on": "enter", "action": "coupon",
//	    "purpose": "marketing", "windowDays": 30}]}
//
// Every problem, including those inside rules, duplicate names, references
// to unknown tags by triggers and cycles between tag references, is
// reported with its JSON path in a *ValidationError. s nil means
// DefaultSchema.
func ParseRuleSet(data []byte, s *Schema) (*RuleSet, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &ValidationError{Problems: []Problem{{"$", err.Error()}}}
	}
	var ps problems
	name, tags, triggers := parseRuleSetDoc(v, &ps)
	return compileRuleSet(name, tags, triggers, s, ps)
}

// compileRuleSet compiles parsed definitions; ps holds the problems found
// while parsing, in which case the definitions may be partial and are only
// checked further so that every problem is reported at once.
func compileRuleSet(name string, tags []TagDef, triggers []Trigger, s *Schema, ps problems) (*RuleSet, error) {
	rs := &RuleSet{name: name, tags: tags, triggers: triggers, index: map[string]int{}}
	tagPath := func(i int) string { return "$.tags[" + strconv.Itoa(i) + "]" }
	all := map[string]int{}
	groupIdx := map[string]int{}
	for i, d := range tags {
		if d.Name == "" {
			continue // reported while parsing
		}
		if j, dup := all[d.Name]; dup {
			ps.add(tagPath(i)+".name", "duplicate tag name, first defined at "+tagPath(j))
			continue
		}
		all[d.Name] = i
		if d.Kind != Static {
			rs.index[d.Name] = i
		}
		if d.Kind == Weighted {
			rs.weighted = append(rs.weighted, i)
		}
		if d.Group != "" {
			g, ok := groupIdx[d.Group]
			if !ok {
				g = len(rs.groups)
				groupIdx[d.Group] = g
				rs.groups = append(rs.groups, nil)
			}
			rs.groups[g] = append(rs.groups[g], i)
		}
	}
	for _, members := range rs.groups {
		sortByPriority(members, tags)
	}
	// compile dynamic rules
	rs.preds = make([]predFn, len(tags))
	deps := make([][]int, len(tags))
	for i, d := range tags {
		if d.Kind != Dynamic || d.Rule == nil {
			continue
		}
		p, needDate := compileNode(d.Rule, s, resolver(rs.index), &ps)
		rs.preds[i], rs.needDate = p, rs.needDate || needDate
		for _, ref := range d.Rule.tagRefs() {
			j, ok := rs.index[ref]
			if !ok {
				continue // a static or host tag read from the customer
			}
			if g := tags[j].Group; g != "" {
				deps[i] = append(deps[i], rs.groups[groupIdx[g]]...)
			} else {
				deps[i] = append(deps[i], j)
			}
		}
	}
	rs.order = topoOrder(tags, deps, &ps, tagPath)
	for i, t := range triggers {
		if _, ok := all[t.Tag]; !ok && t.Tag != "" {
			ps.add("$.triggers["+strconv.Itoa(i)+"].tag", "unknown tag "+strconv.Quote(t.Tag))
		}
		for j := range i {
			if triggers[j].Name == t.Name {
				ps.add("$.triggers["+strconv.Itoa(i)+"].name", "duplicate trigger name")
				break
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	for i, d := range tags {
		if d.Kind != Static {
			rs.byName = append(rs.byName, i)
		}
	}
	slices.SortFunc(rs.byName, func(a, b int) int { return strings.Compare(tags[a].Name, tags[b].Name) })
	// settle each group right after its last member in evaluation order
	rs.resolve = make([][]int, len(rs.order))
	pos := make([]int, len(tags))
	for k, i := range rs.order {
		pos[i] = k
	}
	for g, members := range rs.groups {
		last := -1
		for _, m := range members {
			last = max(last, pos[m])
		}
		rs.resolve[last] = append(rs.resolve[last], g)
	}
	return rs, nil
}

func sortByPriority(members []int, tags []TagDef) {
	// insertion sort: stable, groups are small
	for i := 1; i < len(members); i++ {
		for j := i; j > 0 && tags[members[j]].Priority > tags[members[j-1]].Priority; j-- {
			members[j], members[j-1] = members[j-1], members[j]
		}
	}
}

// topoOrder returns the dynamic tags in an order where every tag comes
// after the tags it references, reporting cycles.
func topoOrder(tags []TagDef, deps [][]int, ps *problems, tagPath func(int) string) []int {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(tags))
	var order, stack []int
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case done:
			return true
		case active:
			k := len(stack) - 1
			for stack[k] != i {
				k--
			}
			names := make([]string, 0, len(stack)-k+1)
			for _, j := range stack[k:] {
				names = append(names, strconv.Quote(tags[j].Name))
			}
			names = append(names, strconv.Quote(tags[i].Name))
			ps.add(tagPath(stack[len(stack)-1])+".rule", "tag reference cycle: "+strings.Join(names, " -> "))
			return false
		}
		state[i] = active
		stack = append(stack, i)
		ok := true
		for _, j := range deps[i] {
			if !visit(j) {
				ok = false
				break
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		if tags[i].Kind == Dynamic {
			order = append(order, i)
		}
		return ok
	}
	for i := range tags {
		if tags[i].Kind == Dynamic && state[i] == unvisited {
			visit(i)
		}
	}
	return order
}
