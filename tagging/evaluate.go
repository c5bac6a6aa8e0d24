package tagging

import (
	"slices"
	"strings"
	"time"
)

// Result is the outcome of evaluating a rule set for one customer.
type Result struct {
	CustomerID string
	// Tags is the customer's full tag set after evaluation, sorted by name:
	// unexpired static and host tags carried over, plus the dynamic and
	// weighted tags that hold.
	Tags []TagValue
	// Weights is the new state of the weighted tags, sorted by tag; store it
	// in Customer.Weights for the next incremental evaluation.
	Weights []Weight
	// Entered and Left list the tag names gained and lost relative to the
	// customer's previous Tags, sorted.
	Entered, Left []string
}

// Has reports whether the result carries the named tag.
func (r *Result) Has(tag string) bool {
	_, ok := slices.BinarySearchFunc(r.Tags, tag, func(t TagValue, name string) int { return strings.Compare(t.Name, name) })
	return ok
}

// evaluator holds the scratch state of evaluations; it is not safe for
// concurrent use.
type evaluator struct {
	rs    *RuleSet
	st    tagState
	score []float64
}

func (rs *RuleSet) newEvaluator() *evaluator {
	n := len(rs.tags)
	return &evaluator{
		rs:    rs,
		st:    tagState{present: make([]bool, n), weight: make([]float64, n)},
		score: make([]float64, n),
	}
}

// run computes the weighted and dynamic tags of c into e.st. With a nil
// activity weighted scores come from the whole history (batch); otherwise
// from c.Weights plus the activity (incremental).
func (e *evaluator) run(c *Customer, now clock, a *activity) {
	rs := e.rs
	clear(e.st.present)
	clear(e.st.weight)
	e.st.memo = memo{}
	for _, i := range rs.weighted {
		d := &rs.tags[i]
		var s float64
		if a == nil {
			s = batchScore(d, c, now.unix)
		} else {
			s = incrementalScore(d, c, now.unix, *a)
		}
		e.score[i] = s
		w := min(s, 1)
		e.st.weight[i] = w
		e.st.present[i] = w >= d.Threshold
	}
	for k, i := range rs.order {
		if rs.preds[i](c, now, &e.st) {
			e.st.present[i] = true
			e.st.weight[i] = 1
		}
		for _, g := range rs.resolve[k] {
			won := false
			for _, m := range rs.groups[g] {
				if won {
					e.st.present[m] = false
					e.st.weight[m] = 0
				} else if e.st.present[m] {
					won = true
				}
			}
		}
	}
}

// result builds the Result of the last run. Computed tags are emitted in
// the rule set's precomputed name order and merged with the carried-over
// tags, so no per-customer sort of the large list is needed.
func (e *evaluator) result(c *Customer, now time.Time) Result {
	rs := e.rs
	nowUnix := now.Unix()
	r := Result{CustomerID: c.ID}

	// carried-over static and host tags, sorted and deduplicated (few)
	var kept []TagValue
	for _, t := range c.Tags {
		if _, computed := rs.index[t.Name]; computed {
			continue
		}
		if !t.ExpiresAt.IsZero() && t.ExpiresAt.Unix() <= nowUnix {
			continue
		}
		kept = append(kept, t)
	}
	if len(kept) > 1 {
		slices.SortStableFunc(kept, func(a, b TagValue) int { return strings.Compare(a.Name, b.Name) })
		kept = slices.CompactFunc(kept, func(a, b TagValue) bool { return a.Name == b.Name })
	}

	n, nw := len(kept), 0
	for _, i := range rs.byName {
		if e.st.present[i] {
			n++
		}
		if rs.tags[i].Kind == Weighted && e.score[i] >= minScore {
			nw++
		}
	}
	if n > 0 {
		r.Tags = make([]TagValue, 0, n)
	}
	if nw > 0 {
		r.Weights = make([]Weight, 0, nw)
	}
	k := 0
	for _, i := range rs.byName {
		d := &rs.tags[i]
		if d.Kind == Weighted && e.score[i] >= minScore {
			r.Weights = append(r.Weights, Weight{Tag: d.Name, Score: e.score[i], At: now})
		}
		if !e.st.present[i] {
			continue
		}
		for k < len(kept) && kept[k].Name < d.Name {
			r.Tags = append(r.Tags, kept[k])
			k++
		}
		src := "rule"
		if d.Kind == Weighted {
			src = "weighted"
		}
		r.Tags = append(r.Tags, TagValue{Name: d.Name, Weight: e.st.weight[i], Source: src, Author: rs.name, At: now})
	}
	r.Tags = append(r.Tags, kept[k:]...)

	// transitions against the previous tag names
	prev := c.Tags // usually a previous Result's tags: sorted and unique
	if !slices.IsSortedFunc(prev, func(a, b TagValue) int { return strings.Compare(a.Name, b.Name) }) {
		prev = slices.Clone(prev)
		slices.SortStableFunc(prev, func(a, b TagValue) int { return strings.Compare(a.Name, b.Name) })
	}
	if hasDupNames(prev) {
		prev = slices.CompactFunc(slices.Clone(prev), func(a, b TagValue) bool { return a.Name == b.Name })
	}
	entered, left := diffSorted(r.Tags, prev, nil, nil)
	if entered > 0 {
		r.Entered = make([]string, 0, entered)
	}
	if left > 0 {
		r.Left = make([]string, 0, left)
	}
	diffSorted(r.Tags, prev, &r.Entered, &r.Left)
	return r
}

// hasDupNames reports whether the sorted tags repeat a name.
func hasDupNames(tags []TagValue) bool {
	for i := 1; i < len(tags); i++ {
		if tags[i].Name == tags[i-1].Name {
			return true
		}
	}
	return false
}

// diffSorted counts (and, given non-nil destinations, appends) the names
// in tags but not in prev, and in prev but not in tags; both are sorted by
// name without repeats.
func diffSorted(tags, prev []TagValue, entered, left *[]string) (nIn, nOut int) {
	i, j := 0, 0
	for i < len(tags) || j < len(prev) {
		switch {
		case j == len(prev) || (i < len(tags) && tags[i].Name < prev[j].Name):
			if entered != nil {
				*entered = append(*entered, tags[i].Name)
			}
			nIn++
			i++
		case i == len(tags) || prev[j].Name < tags[i].Name:
			if left != nil {
				*left = append(*left, prev[j].Name)
			}
			nOut++
			j++
		default:
			i++
			j++
		}
	}
	return nIn, nOut
}

// Evaluate computes the tag set of c at now from c's whole history. It is
// safe for concurrent use; Engine adds triggers on top of it.
func (rs *RuleSet) Evaluate(c *Customer, now time.Time) Result {
	e := rs.newEvaluator()
	e.run(c, newClock(now, rs.needDate), nil)
	return e.result(c, now)
}
