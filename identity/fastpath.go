package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// ingestMatched is the fast path for a new record all of whose tokens are
// held only by records of one customer c, when nothing the record brings
// can change how c or its neighbours resolve. It reports ok=false when the
// conditions do not hold; the slow path then re-resolves the component.
//
// The conditions, each sufficient for Resolve on the whole component to
// give the old partition with the record added to c:
//   - every unique-per-customer value of the record is already held by c
//     (so no conflict can arise anywhere in c plus the record);
//   - for each kind with ownership expiry, the record is within the expiry
//     of the previous record with the value (or of the first, when it is
//     the earliest), so no new owner period starts at or after it;
//   - if the record has anchoring (non-shareable) values, one of them is
//     already held by c, so c's anchoring, and with it every sharing count
//     of c's other values, is unchanged; the record's shareable values are
//     held by c alone, so their count stays at one customer.
func (r *Resolver) ingestMatched(ctx context.Context, sr StoredRecord, es []TokenEntry) (Result, bool, error) {
	if len(sr.Constraints) > 0 || len(es) != len(sr.Keys) {
		return Result{}, false, nil
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.Records...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	recs, err := r.recordHeads(ctx, ids)
	if err != nil || len(recs) != len(ids) {
		return Result{}, false, err // one vanished
	}
	c := recs[0].CustomerID
	byID := make(map[string]*StoredRecord, len(recs))
	for i := range recs {
		if recs[i].CustomerID != c || recs[i].ID == sr.ID {
			return Result{}, false, nil
		}
		byID[recs[i].ID] = &recs[i]
	}
	anchoring, anchored := false, false
	for i, k := range sr.Keys {
		rule := r.rules.rule(k.Kind)
		held := len(es[i].Records) > 0
		if rule == nil || rule.Weak {
			return Result{}, false, nil
		}
		if rule.UniquePerCustomer && !held {
			return Result{}, false, nil
		}
		if rule.MaxCustomers == 0 {
			anchoring = true
			anchored = anchored || held
		}
		if rule.OwnershipExpiry > 0 && held && !withinExpiry(sr, es[i].Records, byID, rule) {
			return Result{}, false, nil
		}
	}
	if anchoring && !anchored {
		return Result{}, false, nil
	}
	cs, err := r.store.IdentityCustomers(ctx, []uuid.UUID{c})
	if err != nil {
		return Result{}, false, err
	}
	// ExpectAbsent: a record being re-ingested takes the general path.
	ch := Change{ExpectCustomers: []CustomerVersion{{c, cs[0].Version}}, ExpectAbsent: []string{sr.ID}, RefuseErased: true}
	for _, e := range es {
		ch.ExpectTokens = append(ch.ExpectTokens, TokenVersion{e.Key, e.Version})
	}
	sr.CustomerID = c
	ch.Records = []StoredRecord{sr}
	if err := r.store.ApplyIdentity(ctx, ch); err != nil {
		if errors.Is(err, ErrConflict) {
			return Result{}, false, err
		}
		return Result{}, false, fmt.Errorf("identity: apply: %w", err)
	}
	via := r.via(es, func(string) bool { return true })
	return Result{CustomerID: c, Outcome: Matched, Changed: []uuid.UUID{c}, Via: via}, true, nil
}

// withinExpiry reports whether the record sits within the rule's expiry of
// its predecessor among the records holding the value (by time, then id,
// as Resolve orders them), or of the first one when it precedes them all.
func withinExpiry(sr StoredRecord, holders []string, byID map[string]*StoredRecord, rule *Rule) bool {
	var prev, first *StoredRecord
	before := func(a, b *StoredRecord) bool { return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID }
	for _, id := range holders {
		h := byID[id]
		if h == nil {
			return false
		}
		if first == nil || before(h, first) {
			first = h
		}
		if before(h, &sr) && (prev == nil || before(prev, h)) {
			prev = h
		}
	}
	if prev != nil {
		return sr.At.Sub(prev.At) <= rule.OwnershipExpiry
	}
	return first.At.Sub(sr.At) <= rule.OwnershipExpiry
}
