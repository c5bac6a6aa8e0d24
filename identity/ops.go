package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// apply retries fn's plan until the store accepts it.
func (r *Resolver) apply(ctx context.Context, what string, fn func() (Change, []Event, error)) ([]Event, error) {
	var lastErr error
	for range r.retries {
		ch, evs, err := fn()
		if err != nil {
			return nil, err
		}
		// Operators move stored records, but a record read just before
		// an erasure deleted it could be written back if its customer
		// and tokens were read after: the tombstones refuse that.
		ch.RefuseErased = true
		err = r.store.ApplyIdentity(ctx, ch)
		if err == nil {
			return evs, nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("identity: %s: %w", what, err)
		}
		lastErr = err
	}
	return nil, fmt.Errorf("identity: %s: gave up after %d attempts: %w", what, r.retries, lastErr)
}

// Unmerge undoes a merge: the customers come back exactly as they were
// before it (same ids, same records), and a cannot-link between the sides
// keeps later ingests from merging them again. Records ingested since the
// merge go with the side they resolve to. It returns the unmerge event.
func (r *Resolver) Unmerge(ctx context.Context, mergeID uuid.UUID) (Event, error) {
	evs, err := r.UnmergeEvents(ctx, mergeID)
	if err != nil {
		return Event{}, err
	}
	return evs[0], nil
}

// UnmergeEvents is Unmerge returning every event it wrote: the unmerge
// first, then any merge or split it caused elsewhere in the component (a
// record the merge had kept apart from others may now join them). A host
// recomputes the golden records of every customer they name.
func (r *Resolver) UnmergeEvents(ctx context.Context, mergeID uuid.UUID) ([]Event, error) {
	ev, err := r.store.IdentityEvent(ctx, mergeID)
	if err != nil {
		return nil, err
	}
	if !ev.Kind.Merges() || len(ev.Before) < 2 {
		return nil, fmt.Errorf("%w: event %s is not a merge", ErrInvalid, mergeID)
	}
	evs, err := r.apply(ctx, "unmerge", func() (Change, []Event, error) {
		var recIDs []string
		hint := map[string]uuid.UUID{}
		for _, b := range ev.Before {
			recIDs = append(recIDs, b.Records...)
			for _, id := range b.Records {
				hint[id] = b.ID
			}
		}
		c, err := r.load(ctx, nil, recIDs, []uuid.UUID{ev.Survivor()})
		if err != nil {
			return Change{}, nil, err
		}
		// The ids are only preferred for records still with the customer
		// holding the survivor's records: one that left since (another
		// unmerge gave it back, a split) keeps the customer it has.
		home, err := r.CurrentID(ctx, ev.Survivor())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Change{}, nil, err
		}
		for id := range hint {
			if c.prev[id] != home || home == uuid.Nil {
				delete(hint, id)
			}
		}
		var del []string
		if ev.Constraint != "" {
			if _, ok := c.constraints[ev.Constraint]; ok {
				del = append(del, ev.Constraint)
				c.dropConstraint(ev.Constraint)
			}
		}
		var ids []string
		for i := range ev.Before {
			for j := i + 1; j < len(ev.Before); j++ {
				k := Constraint{ID: r.newID().String(), Kind: CannotLink, A: ev.Before[i].Records, B: ev.Before[j].Records,
					At: r.now().UTC(), Reason: "unmerge " + mergeID.String()}
				c.addConstraint(k)
				ids = append(ids, k.ID)
			}
		}
		p := c.plan(r, hint, "")
		var out []Event
		for _, e := range p.events {
			if e.Kind == EventSplit {
				e.Kind, e.Undoes, e.Constraint = EventUnmerge, mergeID, ids[0]
			}
			out = append(out, e)
		}
		if !slices.ContainsFunc(out, func(e Event) bool { return e.Kind == EventUnmerge }) {
			// Nothing to separate (undone already, or split since):
			// write nothing, not even the records' preferred ids.
			return Change{}, nil, fmt.Errorf("%w: merge %s no longer joins anything", ErrNotFound, mergeID)
		}
		p.change.Events = out
		p.change.DeleteConstraints = del
		for _, id := range ids {
			p.change.Constraints = append(p.change.Constraints, c.constraints[id])
		}
		return p.change, out, nil
	})
	if err != nil {
		return nil, err
	}
	return leading(evs, EventUnmerge), nil
}

// leading returns evs with the first event of kind k moved to the front
// (the caller made sure there is one).
func leading(evs []Event, k EventKind) []Event {
	i := slices.IndexFunc(evs, func(e Event) bool { return e.Kind == k })
	out := append([]Event{evs[i]}, evs[:i]...)
	return append(out, evs[i+1:]...)
}

// Merge joins two customers by operator decision: a must-link between their
// records that later ingests respect. A cannot-link between them (an earlier
// unmerge) is removed: the later decision wins. Unique-per-customer rules
// still hold; if they forbid the merge, Merge returns ErrInvalid.
func (r *Resolver) Merge(ctx context.Context, a, b uuid.UUID, reason string) (Event, error) {
	evs, err := r.MergeEvents(ctx, a, b, reason)
	if err != nil {
		return Event{}, err
	}
	return evs[0], nil
}

// MergeEvents is Merge returning every event it wrote: the manual merge
// first, then any split it caused (a shareable value carried by the
// joined customer may now link too many customers and stop linking). A
// host recomputes the golden records of every customer they name.
func (r *Resolver) MergeEvents(ctx context.Context, a, b uuid.UUID, reason string) ([]Event, error) {
	if a == b {
		return nil, fmt.Errorf("%w: merge: same customer twice", ErrInvalid)
	}
	evs, err := r.apply(ctx, "merge", func() (Change, []Event, error) {
		c, err := r.load(ctx, nil, nil, []uuid.UUID{a, b})
		if err != nil {
			return Change{}, nil, err
		}
		ra, rb := c.customers[a].Records, c.customers[b].Records
		if len(ra) == 0 || len(rb) == 0 {
			return Change{}, nil, fmt.Errorf("identity: merge: customer: %w", ErrNotFound)
		}
		var del []string
		for id, k := range c.constraints {
			if k.Kind == CannotLink && (overlaps(k.A, ra) && overlaps(k.B, rb) || overlaps(k.A, rb) && overlaps(k.B, ra)) {
				del = append(del, id)
			}
		}
		slices.Sort(del)
		for _, id := range del {
			c.dropConstraint(id)
		}
		k := Constraint{ID: r.newID().String(), Kind: MustLink, A: ra, B: rb, At: r.now().UTC(), Reason: reason}
		c.addConstraint(k)
		p := c.plan(r, nil, "")
		var out []Event
		for _, e := range p.events {
			if e.Kind == EventMerge {
				e.Kind, e.Constraint = EventManualMerge, k.ID
			}
			out = append(out, e)
		}
		if p.assign[ra[0]] != p.assign[rb[0]] {
			return Change{}, nil, fmt.Errorf("%w: merge forbidden by a unique-per-customer rule", ErrInvalid)
		}
		if !slices.ContainsFunc(out, func(e Event) bool { return e.Kind == EventManualMerge }) {
			return Change{}, nil, fmt.Errorf("%w: merge: customers already joined", ErrInvalid)
		}
		p.change.Events = out
		p.change.Constraints = []Constraint{k}
		p.change.DeleteConstraints = del
		return p.change, out, nil
	})
	if err != nil {
		return nil, err
	}
	return leading(evs, EventManualMerge), nil
}

func overlaps(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

// addConstraint adds k and names it on its records.
func (c *component) addConstraint(k Constraint) {
	c.constraints[k.ID] = k
	for _, id := range append(slices.Clone(k.A), k.B...) {
		if rec, ok := c.records[id]; ok && !slices.Contains(rec.Constraints, k.ID) {
			rec.Constraints = append(slices.Clone(rec.Constraints), k.ID)
			c.records[id] = rec
			c.dirty[id] = true
		}
	}
}

// dropConstraint removes a constraint and its mentions on records.
func (c *component) dropConstraint(id string) {
	delete(c.constraints, id)
	for rid, rec := range c.records {
		if i := slices.Index(rec.Constraints, id); i >= 0 {
			rec.Constraints = slices.Delete(slices.Clone(rec.Constraints), i, i+1)
			c.records[rid] = rec
			c.dirty[rid] = true
		}
	}
}
