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

// result builds the Result of the last run.
func (e *evaluator) result(c *Customer, now time.Time) Result {
	rs := e.rs
	nowUnix := now.Unix()
	r := Result{CustomerID: c.ID}
	for _, t := range c.Tags {
		if _, computed := rs.index[t.Name]; computed {
			continue
		}
		if !t.ExpiresAt.IsZero() && t.ExpiresAt.Unix() <= nowUnix {
			continue
		}
		if slices.ContainsFunc(r.Tags, func(x TagValue) bool { return x.Name == t.Name }) {
			continue
		}
		r.Tags = append(r.Tags, t)
	}
	author := rs.name
	for i := range rs.tags {
		d := &rs.tags[i]
		if d.Kind == Weighted && e.score[i] >= minScore {
			r.Weights = append(r.Weights, Weight{Tag: d.Name, Score: e.score[i], At: now})
		}
		if !e.st.present[i] {
			continue
		}
		src := "rule"
		if d.Kind == Weighted {
			src = "weighted"
		}
		r.Tags = append(r.Tags, TagValue{Name: d.Name, Weight: e.st.weight[i], Source: src, Author: author, At: now})
	}
	slices.SortFunc(r.Tags, func(a, b TagValue) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(r.Weights, func(a, b Weight) int { return strings.Compare(a.Tag, b.Tag) })
	prev := make([]string, 0, len(c.Tags))
	for _, t := range c.Tags {
		prev = append(prev, t.Name)
	}
	slices.Sort(prev)
	prev = slices.Compact(prev)
	for _, t := range r.Tags {
		if _, found := slices.BinarySearch(prev, t.Name); !found {
			r.Entered = append(r.Entered, t.Name)
		}
	}
	for _, name := range prev {
		if !r.Has(name) {
			r.Left = append(r.Left, name)
		}
	}
	return r
}

// Evaluate computes the tag set of c at now from c's whole history. It is
// safe for concurrent use; Engine adds triggers on top of it.
func (rs *RuleSet) Evaluate(c *Customer, now time.Time) Result {
	e := rs.newEvaluator()
	e.run(c, newClock(now, rs.needDate), nil)
	return e.result(c, now)
}
