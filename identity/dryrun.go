package identity

import (
	"context"
	"slices"
)

// DryRunReport says what a rule change would do to a set of records.
type DryRunReport struct {
	Records                         int
	CustomersBefore, CustomersAfter int
	// Merges lists every cluster under the new rules that joins several
	// current ones; Splits every current cluster the new rules cut.
	Merges, Splits []DryRunChange
}

// DryRunChange is one cluster change: record ids before and after.
type DryRunChange struct {
	Before, After [][]string
}

// DryRun reports what resolving records (together with the stored records
// connected to them) under newRules would merge or split, compared with
// the current rules. It writes nothing. Records with no usable identifier
// are left out.
func (r *Resolver) DryRun(ctx context.Context, newRules *Rules, records []Record) (DryRunReport, error) {
	var keys []Key
	var ids []string
	put := map[string]StoredRecord{}
	for _, rec := range records {
		sr, _, _, err := r.Prepare(ctx, rec)
		if err != nil {
			continue
		}
		put[sr.ID] = sr
		keys = append(keys, sr.Keys...)
		ids = append(ids, sr.ID)
	}
	c, err := r.load(ctx, keys, ids, nil)
	if err != nil {
		return DryRunReport{}, err
	}
	for _, sr := range put {
		if old, ok := c.records[sr.ID]; ok {
			sr.Constraints = old.Constraints
		}
		c.put(sr)
	}
	cons := c.constraintList()
	nodes := c.nodes()
	before := Resolve(nodes, r.rules, cons, false)
	// The new rules' blocklists apply to stored tokens too.
	blocked := map[Key]bool{}
	for _, k := range newRules.kinds {
		for v := range newRules.block[k] {
			if t, err := r.tok.Token(ctx, k, v); err == nil {
				blocked[Key{k, t}] = true
			}
		}
	}
	for i := range nodes {
		nodes[i].Keys = slices.DeleteFunc(slices.Clone(nodes[i].Keys), func(k Key) bool { return blocked[k] })
	}
	after := Resolve(nodes, newRules, cons, false)
	rep := DryRunReport{Records: len(nodes), CustomersBefore: len(before.Clusters), CustomersAfter: len(after.Clusters)}
	rep.Merges = diffClusters(after, before)
	rep.Splits = diffClusters(before, after)
	for i := range rep.Splits {
		rep.Splits[i].Before, rep.Splits[i].After = rep.Splits[i].After, rep.Splits[i].Before
	}
	return rep, nil
}

// diffClusters lists clusters of a that hold records of several clusters
// of b: as {Before: those b clusters, After: the a cluster}.
func diffClusters(a, b Partition) []DryRunChange {
	of := b.ClusterOf()
	var out []DryRunChange
	for _, cl := range a.Clusters {
		var from []int
		for _, id := range cl {
			if j := of[id]; !slices.Contains(from, j) {
				from = append(from, j)
			}
		}
		if len(from) < 2 {
			continue
		}
		slices.Sort(from)
		ch := DryRunChange{After: [][]string{cl}}
		for _, j := range from {
			ch.Before = append(ch.Before, b.Clusters[j])
		}
		out = append(out, ch)
	}
	return out
}
