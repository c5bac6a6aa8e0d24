package tagging

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Record writes the transitions of r to s at instant at: every entered tag
// that the rule set computes is set with SetBy = the rule set's name and a
// Reason naming the rule (the canonical rule JSON) or the weight and
// threshold; every left tag is removed with the reason it no longer holds
// (or that it expired). Tags that stay are not rewritten, so the history
// holds transitions only. Entered tags the store already holds are skipped
// and removing a tag it does not hold is not an error, so Record can be
// retried.
func (rs *RuleSet) Record(ctx context.Context, s Store, r Result, at time.Time) error {
	var held map[string]bool
	if len(r.Entered) > 0 {
		cur, err := s.CustomerTags(ctx, r.CustomerID)
		if err != nil {
			return fmt.Errorf("tagging: record: %w", err)
		}
		held = make(map[string]bool, len(cur))
		for _, a := range cur {
			held[a.Tag] = true
		}
	}
	for _, name := range r.Entered {
		i, computed := rs.index[name]
		if !computed || held[name] {
			continue // carried-over static tag, or already recorded
		}
		var tv TagValue
		for _, t := range r.Tags {
			if t.Name == name {
				tv = t
				break
			}
		}
		d := &rs.tags[i]
		a := Assignment{
			CustomerID: r.CustomerID, Tag: name, Weight: tv.Weight, Source: tv.Source,
			SetBy: rs.name, Reason: rs.reason(d, tv.Weight), At: at,
		}
		if err := s.SetTag(ctx, a); err != nil {
			return fmt.Errorf("tagging: record tag %s: %w", strconv.Quote(name), err)
		}
	}
	for _, name := range r.Left {
		why := "no longer holds"
		if _, computed := rs.index[name]; !computed {
			why = "expired"
		}
		err := s.RemoveTag(ctx, r.CustomerID, name, rs.name, why, at)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("tagging: record tag %s: %w", strconv.Quote(name), err)
		}
	}
	return nil
}

func (rs *RuleSet) reason(d *TagDef, weight float64) string {
	if d.Kind == Weighted {
		return "weight " + strconv.FormatFloat(weight, 'f', 3, 64) + " >= threshold " + strconv.FormatFloat(d.Threshold, 'f', -1, 64)
	}
	return "rule " + d.Rule.String()
}
