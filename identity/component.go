package identity

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// component is everything reachable from a record through linking tokens,
// customers and must-link constraints, with the versions read.
type component struct {
	records     map[string]StoredRecord
	prev        map[string]uuid.UUID // stored customer of each loaded record
	stored      map[string]bool      // loaded from the store
	dirty       map[string]bool      // changed here, must be written
	tokens      map[Key]int64
	customers   map[uuid.UUID]CustomerEntry
	constraints map[string]Constraint
}

// load reads the component reachable from the keys, records and customers.
func (r *Resolver) load(ctx context.Context, keys []Key, recordIDs []string, customerIDs []uuid.UUID) (*component, error) {
	return r.loadFrom(ctx, nil, recordIDs, customerIDs, keys...)
}

// loadFrom is load starting from token entries already read.
func (r *Resolver) loadFrom(ctx context.Context, seen []TokenEntry, recordIDs []string, customerIDs []uuid.UUID, keys ...Key) (*component, error) {
	c := &component{records: map[string]StoredRecord{}, prev: map[string]uuid.UUID{}, stored: map[string]bool{}, dirty: map[string]bool{},
		tokens: map[Key]int64{}, customers: map[uuid.UUID]CustomerEntry{}, constraints: map[string]Constraint{}}
	seenRec := map[string]bool{}
	seenCons := map[string]bool{}
	var pendKeys []Key
	var pendRecs, pendCons []string
	var pendCust []uuid.UUID
	addKey := func(k Key) {
		if _, ok := c.tokens[k]; ok {
			return
		}
		if rl := r.rules.rule(k.Kind); rl == nil || rl.Weak {
			return
		}
		c.tokens[k] = 0
		pendKeys = append(pendKeys, k)
	}
	addRec := func(id string) {
		if !seenRec[id] {
			seenRec[id] = true
			pendRecs = append(pendRecs, id)
		}
	}
	addCust := func(id uuid.UUID) {
		if _, ok := c.customers[id]; !ok && id != uuid.Nil {
			c.customers[id] = CustomerEntry{ID: id}
			pendCust = append(pendCust, id)
		}
	}
	for _, k := range keys {
		addKey(k)
	}
	for _, e := range seen {
		c.tokens[e.Key] = e.Version
		for _, id := range e.Records {
			addRec(id)
		}
	}
	for _, id := range recordIDs {
		addRec(id)
	}
	for _, id := range customerIDs {
		addCust(id)
	}
	for len(pendKeys)+len(pendRecs)+len(pendCust)+len(pendCons) > 0 {
		if len(pendKeys) > 0 {
			es, err := r.store.IdentityTokens(ctx, pendKeys)
			if err != nil {
				return nil, err
			}
			pendKeys = pendKeys[:0]
			for _, e := range es {
				c.tokens[e.Key] = e.Version
				for _, id := range e.Records {
					addRec(id)
				}
			}
		}
		if len(pendCust) > 0 {
			es, err := r.store.IdentityCustomers(ctx, pendCust)
			if err != nil {
				return nil, err
			}
			pendCust = pendCust[:0]
			for _, e := range es {
				c.customers[e.ID] = e
				for _, id := range e.Records {
					addRec(id)
				}
			}
		}
		if len(pendCons) > 0 {
			cs, err := r.store.IdentityConstraints(ctx, pendCons)
			if err != nil {
				return nil, err
			}
			pendCons = pendCons[:0]
			for _, k := range cs {
				c.constraints[k.ID] = k
				if k.Kind == MustLink {
					for _, id := range append(slices.Clone(k.A), k.B...) {
						addRec(id)
					}
				}
			}
		}
		if len(pendRecs) > 0 {
			recs, err := r.store.IdentityRecords(ctx, pendRecs)
			if err != nil {
				return nil, err
			}
			pendRecs = pendRecs[:0]
			for _, rec := range recs {
				c.records[rec.ID] = rec
				c.prev[rec.ID] = rec.CustomerID
				c.stored[rec.ID] = true
				for _, k := range rec.Keys {
					addKey(k)
				}
				addCust(rec.CustomerID)
				for _, id := range rec.Constraints {
					if !seenCons[id] {
						seenCons[id] = true
						pendCons = append(pendCons, id)
					}
				}
			}
		}
	}
	return c, nil
}

// put places a new or changed record in the component.
func (c *component) put(sr StoredRecord) {
	if old, ok := c.records[sr.ID]; ok && sameRecord(old, sr) {
		return
	}
	c.records[sr.ID] = sr
	c.dirty[sr.ID] = true
}

func sameRecord(a, b StoredRecord) bool {
	return a.Channel == b.Channel && a.At.Equal(b.At) && slices.Equal(a.Keys, b.Keys) &&
		slices.Equal(a.Evidence, b.Evidence) && slices.Equal(a.Display, b.Display) &&
		maps.Equal(a.Fields, b.Fields) && slices.Equal(a.Constraints, b.Constraints)
}

func (c *component) nodes() []Node {
	ns := make([]Node, 0, len(c.records))
	for _, rec := range c.records {
		ns = append(ns, Node{ID: rec.ID, At: rec.At, Keys: slices.Concat(rec.Keys, rec.Evidence)})
	}
	return ns
}

func (c *component) constraintList() []Constraint {
	return slices.Collect(maps.Values(c.constraints))
}

type plan struct {
	assign           map[string]uuid.UUID
	outcome          Outcome
	events           []Event
	changed, removed []uuid.UUID
	change           Change
}

// plan resolves the component and works out the writes. hint, when set,
// names the customer id each record should preferably keep (unmerge).
func (c *component) plan(r *Resolver, hint map[string]uuid.UUID, newRec string) plan {
	part := Resolve(c.nodes(), r.rules, c.constraintList(), false)
	prefer := func(id string) uuid.UUID {
		if h, ok := hint[id]; ok {
			return h
		}
		return c.prev[id]
	}
	oldest := map[uuid.UUID]time.Time{}
	for id, rec := range c.records {
		if p := prefer(id); p != uuid.Nil {
			if t, ok := oldest[p]; !ok || rec.At.Before(t) {
				oldest[p] = rec.At
			}
		}
	}
	order := make([]int, len(part.Clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if la, lb := len(part.Clusters[a]), len(part.Clusters[b]); la != lb {
			return lb - la
		}
		return strings.Compare(part.Clusters[a][0], part.Clusters[b][0])
	})
	ids := make([]uuid.UUID, len(part.Clusters))
	taken := map[uuid.UUID]bool{}
	for _, ci := range order {
		count := map[uuid.UUID]int{}
		for _, id := range part.Clusters[ci] {
			if p := prefer(id); p != uuid.Nil && !taken[p] {
				count[p]++
			}
		}
		best := uuid.Nil
		for id, n := range count {
			if best == uuid.Nil || n > count[best] || n == count[best] && (oldest[id].Before(oldest[best]) ||
				oldest[id].Equal(oldest[best]) && strings.Compare(id.String(), best.String()) < 0) {
				best = id
			}
		}
		if best == uuid.Nil {
			best = r.newID()
		}
		taken[best] = true
		ids[ci] = best
	}
	p := plan{assign: map[string]uuid.UUID{}}
	for ci, cl := range part.Clusters {
		for _, id := range cl {
			p.assign[id] = ids[ci]
		}
	}
	// Writes.
	for _, id := range slices.Sorted(maps.Keys(c.records)) {
		rec := c.records[id]
		if c.dirty[id] || c.prev[id] != p.assign[id] {
			rec.CustomerID = p.assign[id]
			p.change.Records = append(p.change.Records, rec)
		}
	}
	for k, v := range c.tokens {
		p.change.ExpectTokens = append(p.change.ExpectTokens, TokenVersion{k, v})
	}
	for id, e := range c.customers {
		p.change.ExpectCustomers = append(p.change.ExpectCustomers, CustomerVersion{id, e.Version})
	}
	// Customers changed and removed.
	after := map[uuid.UUID][]string{}
	for ci, cl := range part.Clusters {
		after[ids[ci]] = cl
	}
	for ci, cl := range part.Clusters {
		if !slices.Equal(c.customers[ids[ci]].Records, cl) || slices.Contains(cl, newRec) && c.dirty[newRec] {
			p.changed = append(p.changed, ids[ci])
		}
	}
	for id, e := range c.customers {
		if _, ok := after[id]; !ok && len(e.Records) > 0 {
			p.removed = append(p.removed, id)
		}
	}
	slices.SortFunc(p.changed, cmpUUID)
	slices.SortFunc(p.removed, cmpUUID)
	// Events: merges (a cluster holding records of several stored
	// customers) and splits (a stored customer spread over clusters).
	now := r.now().UTC()
	var trace []Edge
	traced := func() []Edge {
		if trace == nil {
			trace = Resolve(c.nodes(), r.rules, c.constraintList(), true).Edges
		}
		return trace
	}
	for ci, cl := range part.Clusters {
		var from []uuid.UUID
		for _, id := range cl {
			if pv := c.prev[id]; c.stored[id] && pv != uuid.Nil && !slices.Contains(from, pv) {
				from = append(from, pv)
			}
		}
		if len(from) < 2 {
			continue
		}
		ev := Event{ID: r.newID(), Kind: EventMerge, At: now, Record: newRec,
			After: []CustomerEntry{{ID: ids[ci], Records: slices.Clone(cl)}}}
		slices.SortFunc(from, func(a, b uuid.UUID) int {
			if a == ids[ci] {
				return -1
			}
			if b == ids[ci] {
				return 1
			}
			return cmpUUID(a, b)
		})
		for _, id := range from {
			ev.Before = append(ev.Before, CustomerEntry{ID: id, Records: slices.Clone(c.customers[id].Records)})
		}
		for _, e := range traced() {
			if e.Linked() && p.assign[e.A] == ids[ci] && (c.prev[e.A] != c.prev[e.B] || !c.stored[e.A] || !c.stored[e.B]) {
				ev.Reasons = append(ev.Reasons, e)
			}
		}
		p.events = append(p.events, ev)
	}
	for _, id := range slices.SortedFunc(maps.Keys(c.customers), cmpUUID) {
		recs := c.customers[id].Records
		var to []uuid.UUID
		for _, rid := range recs {
			if a, ok := p.assign[rid]; ok && !slices.Contains(to, a) {
				to = append(to, a)
			}
		}
		if len(to) < 2 {
			continue
		}
		ev := Event{ID: r.newID(), Kind: EventSplit, At: now, Record: newRec,
			Before: []CustomerEntry{{ID: id, Records: slices.Clone(recs)}}}
		slices.SortFunc(to, func(a, b uuid.UUID) int {
			if a == id {
				return -1
			}
			if b == id {
				return 1
			}
			return cmpUUID(a, b)
		})
		for _, a := range to {
			ev.After = append(ev.After, CustomerEntry{ID: a, Records: slices.Clone(after[a])})
		}
		for _, e := range traced() {
			if !e.Linked() && (c.prev[e.A] == id || c.prev[e.B] == id) {
				ev.Reasons = append(ev.Reasons, e)
			}
		}
		p.events = append(p.events, ev)
	}
	p.change.Events = p.events
	// Outcome of the new record.
	cid := p.assign[newRec]
	switch {
	case slices.ContainsFunc(p.events, func(e Event) bool { return e.Kind == EventMerge && e.After[0].ID == cid }):
		p.outcome = Merged
	case slices.ContainsFunc(p.events, func(e Event) bool { return e.Kind == EventSplit }):
		p.outcome = Split
	case len(c.customers[cid].Records) > 0:
		p.outcome = Matched
	default:
		p.outcome = Created
	}
	return p
}

func cmpUUID(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }
