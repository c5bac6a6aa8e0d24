package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ingestMatched is the fast path for a new record all of whose tokens are
// held only by records of one customer c, when nothing the record brings
// can change how c or its neighbours resolve. It reports ok=false when the
// conditions do not hold; the slow path then re-resolves the component.
//
// The conditions, each sufficient for Resolve on the whole component to
// give the old partition with the record added to c:
//   - c holds no value of a unique-per-customer kind other than the
//     record's (none, or just the record's one): then joining the record
//     to any part of c raises no conflict, and a value new to c adds a
//     conflict only to unions with c that failed already;
//   - for each kind with ownership expiry, the value's ownership periods
//     are the same with the record as without it (the record joins one):
//     quickly, when it comes after every record with the value and within
//     the expiry of the latest; otherwise by computing the periods;
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
	var unique []Key // the record's values of unique kinds
	for i, k := range sr.Keys {
		rule := r.rules.rule(k.Kind)
		held := len(es[i].Records) > 0
		if rule == nil || rule.Weak {
			return Result{}, false, nil
		}
		if rule.UniquePerCustomer {
			unique = append(unique, k)
		}
		if rule.MaxCustomers == 0 {
			anchoring = true
			anchored = anchored || held
		}
		if rule.OwnershipExpiry > 0 && held && !withinExpiry(sr, es[i].Records, byID, rule) {
			ok, err := r.periodsKept(ctx, sr, k.Kind, es[i].Records, rule.OwnershipExpiry)
			if !ok || err != nil {
				return Result{}, false, err
			}
		}
	}
	if anchoring && !anchored {
		return Result{}, false, nil
	}
	cs, err := r.store.IdentityCustomers(ctx, []uuid.UUID{c})
	if err != nil {
		return Result{}, false, err
	}
	if len(unique) > 0 {
		// c may hold no other value of those kinds. (The customer's
		// version, checked when writing, covers these records' keys.)
		all, err := r.store.IdentityRecords(ctx, cs[0].Records)
		if err != nil || len(all) != len(cs[0].Records) {
			return Result{}, false, err
		}
		for _, x := range all {
			for _, k := range x.Keys {
				for _, u := range unique {
					if k.Kind == u.Kind && k.Token != u.Token {
						return Result{}, false, nil
					}
				}
			}
		}
	}
	// ExpectAbsent: a record being re-ingested takes the general path.
	b := new(changeBufs)
	sr.CustomerID = c
	ch := b.change(sr, es)
	b.custs[0] = CustomerVersion{c, cs[0].Version}
	ch.ExpectCustomers = b.custs[:]
	if err := r.store.ApplyIdentity(ctx, ch); err != nil {
		if errors.Is(err, ErrConflict) {
			return Result{}, false, err
		}
		return Result{}, false, fmt.Errorf("identity: apply: %w", err)
	}
	via := r.via(es, func(string) bool { return true })
	b.changed[0] = c
	return Result{CustomerID: c, Outcome: Matched, Changed: b.changed[:], Via: via}, true, nil
}

// oneOwner reports, for n holders of a value (at(j) the time of the j-th),
// that no two successive records with the value, with or without a record
// at t, are more than expiry apart. Then the value has one ownership period
// either way (epochs starts a new owner only after such a gap) and the
// record joins it. False when unsure (more than 8 holders).
func oneOwner(n int, at func(j int) time.Time, t time.Time, expiry time.Duration) bool {
	if n == 0 || n > 8 {
		return false
	}
	var tbuf [8]time.Time
	ts := tbuf[:n]
	for j := range ts {
		ts[j] = at(j)
	}
	slices.SortFunc(ts, time.Time.Compare)
	for i := 1; i < len(ts); i++ {
		if ts[i].Sub(ts[i-1]) > expiry {
			return false
		}
	}
	// Without a gap among the holders, adding a record within expiry of
	// their span leaves none.
	return t.Sub(ts[len(ts)-1]) <= expiry && ts[0].Sub(t) <= expiry
}

// withinExpiry reports whether the record comes strictly after every
// record holding the value and within the rule's expiry of the latest, so
// it joins the value's last ownership period and no period boundary moves.
// (A record placed earlier can change the periods after it: its weak
// evidence, such as a name, lets a later record start a new owner.)
func withinExpiry(sr StoredRecord, holders []string, byID map[string]*StoredRecord, rule *Rule) bool {
	var last *StoredRecord
	for _, id := range holders {
		h := byID[id]
		if h == nil || !h.At.Before(sr.At) {
			return false
		}
		if last == nil || h.At.After(last.At) {
			last = h
		}
	}
	return last != nil && sr.At.Sub(last.At) <= rule.OwnershipExpiry
}

// periodsKept reports whether the ownership periods of the value the
// holders carry (split as Resolve splits them) stay the same when the
// record is added, the record joining one of them.
func (r *Resolver) periodsKept(ctx context.Context, sr StoredRecord, kind Kind, holders []string, expiry time.Duration) (bool, error) {
	recs, err := r.store.IdentityRecords(ctx, holders)
	if err != nil || len(recs) != len(holders) {
		return false, err
	}
	return r.periodsKeptOf(sr, kind, recs, expiry), nil
}

// periodsKeptOf is periodsKept over the holders' records.
func (r *Resolver) periodsKeptOf(sr StoredRecord, kind Kind, recs []StoredRecord, expiry time.Duration) bool {
	if oneOwner(len(recs), func(j int) time.Time { return recs[j].At }, sr.At, expiry) {
		return true
	}
	return r.periodsKeptSplit(sr, kind, recs, expiry)
}

// periodsKeptSplit is periodsKeptOf computing both sets of periods.
func (r *Resolver) periodsKeptSplit(sr StoredRecord, kind Kind, recs []StoredRecord, expiry time.Duration) bool {
	ns := make([]Node, 0, len(recs)+1)
	for _, h := range recs {
		ns = append(ns, Node{ID: h.ID, At: h.At, Keys: slices.Concat(h.Keys, h.Evidence)})
	}
	ns = append(ns, Node{ID: sr.ID, At: sr.At, Keys: slices.Concat(sr.Keys, sr.Evidence)})
	// Resolve numbers the nodes by id; epochs breaks time ties by number.
	slices.SortFunc(ns, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	ptrs := make([]*Node, len(ns))
	var with, without []int32
	for i := range ns {
		ptrs[i] = &ns[i]
		with = append(with, int32(i))
		if ns[i].ID != sr.ID {
			without = append(without, int32(i))
		}
	}
	a := epochs(ptrs, r.rules, with, kind, expiry)
	b := epochs(ptrs, r.rules, without, kind, expiry)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		ms := slices.DeleteFunc(slices.Clone(a[i].members), func(m int32) bool { return ns[m].ID == sr.ID })
		if !slices.Equal(ms, b[i].members) {
			return false
		}
	}
	return true
}
