package identity

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/identity/match"
	"github.com/google/uuid"
)

// KindProbable is the Edge kind of a probable link: two records the
// probabilistic model scored at or above the merge threshold.
const KindProbable Kind = "probable"

// Probable-link errors; both wrap ErrInvalid.
var (
	// ErrSameCustomer: the two records already belong to one customer.
	ErrSameCustomer = fmt.Errorf("%w: records already belong to one customer", ErrInvalid)
	// ErrKeptApart: a cannot-link (an earlier unmerge) or a
	// unique-per-customer rule forbids joining the records.
	ErrKeptApart = fmt.Errorf("%w: kept apart by a cannot-link or unique-per-customer rule", ErrInvalid)
	// ErrBelowThreshold: the pair scored below the merge threshold.
	ErrBelowThreshold = fmt.Errorf("%w: probability below the merge threshold", ErrInvalid)
)

// ProbableOptions configure probabilistic linking (Options.Probable).
// Probable links are kept apart from deterministic ones: identifiers never
// feed the model and the model never links on its own during Ingest; the
// host runs ScanProbable (or LinkProbable) over records it chooses, and a
// pair becomes a merge only at or above Threshold.
type ProbableOptions struct {
	// Model scores pairs of records (see package match); its blocking
	// rules choose the candidate pairs and its maximum pair count bounds
	// a scan.
	Model *match.Model
	// Fields names, for each model field in order, the key of
	// Record.Fields holding its value; nil means the model's field names.
	// Fields the host sealed are compared only when the scan opens them
	// (ScanProbableOpened; customer.Service.ScanProbable does).
	Fields []string
	// Threshold is the probability at or above which a pair is merged,
	// in (0, 1].
	Threshold float64
	// Review is the probability at or above which a pair below Threshold
	// is returned as a suggestion for an operator; 0 returns none.
	Review float64
}

func (o *ProbableOptions) check() error {
	if o == nil || o.Model == nil {
		return fmt.Errorf("%w: probable matching: no model configured", ErrInvalid)
	}
	if !(o.Threshold > 0 && o.Threshold <= 1) {
		return fmt.Errorf("%w: probable matching: threshold must be in (0, 1]", ErrInvalid)
	}
	if !(o.Review >= 0 && o.Review <= o.Threshold) {
		return fmt.Errorf("%w: probable matching: review threshold must be in [0, threshold]", ErrInvalid)
	}
	if o.Fields != nil && len(o.Fields) != len(o.Model.Fields()) {
		return fmt.Errorf("%w: probable matching: fields: want %d, one per model field", ErrInvalid, len(o.Model.Fields()))
	}
	return nil
}

// FieldWeight is one field's part of a probable link's match weight: the
// comparison level reached and its weight in bits (term-frequency
// adjustment included). It holds no value.
type FieldWeight struct {
	Field  string
	Level  string
	Weight float64
}

// ProbablePair is a scored pair of records.
type ProbablePair struct {
	A, B                 string    // record ids, A < B
	CustomerA, CustomerB uuid.UUID // their customers when scored
	Probability, Weight  float64
	Evidence             []FieldWeight
}

// ProbableReport is what ScanProbable did.
type ProbableReport struct {
	// Scored counts the candidate pairs the blocking rules produced at or
	// above the review threshold (or the merge threshold when Review is 0).
	Scored int
	// Merges are the probable_merge events written, in the order applied.
	Merges []Event
	// Events are all the events written, in order: the merges and any
	// split a merge caused (a shareable device that now links too many
	// customers stops linking). A host recomputes the golden records of
	// the customers they name.
	Events []Event
	// Suggestions are pairs of different customers scored at or above
	// Review but below Threshold: for an operator to merge or not.
	Suggestions []ProbablePair
	// KeptApart are pairs at or above Threshold that a cannot-link or a
	// unique-per-customer rule kept apart.
	KeptApart []ProbablePair
}

// ScanProbable scores the candidate pairs among the stored records with
// the given ids (unknown ids are ignored) and merges the customers of
// every pair at or above the threshold that are not one customer yet,
// strongest pair first (ties by record ids). Each merge is a must-link
// between the two records carrying the score, recorded as a
// probable_merge event whose Reasons hold the probable edge with its
// weight; Explain shows it and Unmerge undoes it like any other merge.
// The result depends on the set of ids, not their order.
func (r *Resolver) ScanProbable(ctx context.Context, recordIDs []string) (ProbableReport, error) {
	return r.ScanProbableOpened(ctx, recordIDs, nil)
}

// RecordOpener returns the records with their profile fields readable: a
// host that seals the fields before they reach the Store (customer.Service
// with a Sealer) opens them here. It must keep the records' order and ids;
// the opened values are used in memory, for scoring, and never written.
type RecordOpener func(ctx context.Context, recs []StoredRecord) ([]StoredRecord, error)

// ScanProbableOpened is ScanProbable over records passed through open
// first (nil: as stored).
func (r *Resolver) ScanProbableOpened(ctx context.Context, recordIDs []string, open RecordOpener) (ProbableReport, error) {
	var rep ProbableReport
	if err := r.prob.check(); err != nil {
		return rep, err
	}
	ids := slices.Clone(recordIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	recs, err := r.store.IdentityRecords(ctx, ids)
	if err == nil && open != nil {
		recs, err = openRecords(ctx, open, recs)
	}
	if err != nil {
		return rep, err
	}
	slices.SortFunc(recs, func(a, b StoredRecord) int { return strings.Compare(a.ID, b.ID) })
	mrecs := make([]match.Record, len(recs))
	for i, rec := range recs {
		mrecs[i] = r.matchRecord(rec)
	}
	o := r.prob
	lo := o.Threshold
	if o.Review > 0 {
		lo = o.Review
	}
	pairs, err := o.Model.Predict(ctx, mrecs, nil, lo)
	if err != nil {
		return rep, fmt.Errorf("identity: probable scan: %w", err)
	}
	rep.Scored = len(pairs)
	scored := make([]ProbablePair, len(pairs))
	for i, p := range pairs {
		a, b := p.A, p.B
		if recs[a].ID > recs[b].ID {
			a, b = b, a
		}
		scored[i] = r.scorePair(recs[a], recs[b])
	}
	slices.SortFunc(scored, func(x, y ProbablePair) int {
		if c := cmp.Compare(y.Probability, x.Probability); c != 0 {
			return c
		}
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
	var review []ProbablePair
	for _, p := range scored {
		if p.Probability < o.Threshold {
			review = append(review, p)
			continue
		}
		ev, all, err := r.linkPair(ctx, p)
		switch {
		case err == nil:
			rep.Merges = append(rep.Merges, ev)
			rep.Events = append(rep.Events, all...)
		case errors.Is(err, ErrSameCustomer):
		case errors.Is(err, ErrKeptApart):
			rep.KeptApart = append(rep.KeptApart, p)
		default:
			return rep, err
		}
	}
	for _, p := range review {
		cur, err := r.store.IdentityRecords(ctx, []string{p.A, p.B})
		if err != nil {
			return rep, err
		}
		if len(cur) == 2 && cur[0].CustomerID != cur[1].CustomerID {
			p.CustomerA, p.CustomerB = cur[0].CustomerID, cur[1].CustomerID
			rep.Suggestions = append(rep.Suggestions, p)
		}
	}
	return rep, nil
}

// LinkProbable scores two stored records with the model and, at or above
// the threshold, merges their customers as ScanProbable does, returning
// the events written (the probable_merge first, then any split it
// caused). Below the
// threshold it returns the scored pair and ErrBelowThreshold; records of
// one customer give ErrSameCustomer, a pair kept apart by a cannot-link or
// unique rule ErrKeptApart, an unknown record ErrNotFound.
func (r *Resolver) LinkProbable(ctx context.Context, a, b string) ([]Event, ProbablePair, error) {
	if err := r.prob.check(); err != nil {
		return nil, ProbablePair{}, err
	}
	if a == b {
		return nil, ProbablePair{}, fmt.Errorf("%w: probable link: same record twice", ErrInvalid)
	}
	if a > b {
		a, b = b, a
	}
	recs, err := r.store.IdentityRecords(ctx, []string{a, b})
	if err != nil {
		return nil, ProbablePair{}, err
	}
	if len(recs) != 2 {
		return nil, ProbablePair{}, fmt.Errorf("identity: probable link: record: %w", ErrNotFound)
	}
	p := r.scorePair(recs[0], recs[1])
	if p.Probability < r.prob.Threshold {
		return nil, p, ErrBelowThreshold
	}
	ev, all, err := r.linkPair(ctx, p)
	if err != nil {
		return nil, p, err
	}
	return append([]Event{ev}, slices.DeleteFunc(all, func(e Event) bool { return e.ID == ev.ID })...), p, nil
}

// openRecords passes recs through open and checks it kept them.
func openRecords(ctx context.Context, open RecordOpener, recs []StoredRecord) ([]StoredRecord, error) {
	out, err := open(ctx, recs)
	if err != nil {
		return nil, fmt.Errorf("identity: open records: %w", err)
	}
	if len(out) != len(recs) {
		return nil, fmt.Errorf("%w: open records: %d records for %d", ErrInvalid, len(out), len(recs))
	}
	for i := range out {
		if out[i].ID != recs[i].ID || out[i].CustomerID != recs[i].CustomerID {
			return nil, fmt.Errorf("%w: open records: records changed", ErrInvalid)
		}
	}
	return out, nil
}

// matchRecord reads the model's fields from a stored record.
func (r *Resolver) matchRecord(rec StoredRecord) match.Record {
	keys := r.prob.Fields // the model's names when nil (set by NewResolver)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = rec.Fields[k]
	}
	return match.Record{ID: rec.ID, Values: vals}
}

// scorePair scores two records, a.ID < b.ID.
func (r *Resolver) scorePair(a, b StoredRecord) ProbablePair {
	res := r.prob.Model.Score(r.matchRecord(a), r.matchRecord(b))
	p := ProbablePair{A: a.ID, B: b.ID, CustomerA: a.CustomerID, CustomerB: b.CustomerID,
		Probability: res.Probability, Weight: res.Weight}
	for _, c := range res.Waterfall {
		p.Evidence = append(p.Evidence, FieldWeight{Field: c.Field, Level: c.Level, Weight: c.Weight + c.TFWeight})
	}
	return p
}

// probableID names the probable link between two records: one constraint
// per pair, whatever the order or time of the scan. The length prefix
// keeps ids containing the separator apart.
func probableID(a, b string) string { return fmt.Sprintf("probable:%d:%s|%s", len(a), a, b) }

// linkPair writes the probable link of p, a pair at or above threshold,
// and returns the probable_merge event and all events written.
func (r *Resolver) linkPair(ctx context.Context, p ProbablePair) (Event, []Event, error) {
	evs, err := r.apply(ctx, "probable link", func() (Change, []Event, error) {
		c, err := r.load(ctx, nil, []string{p.A, p.B}, nil)
		if err != nil {
			return Change{}, nil, err
		}
		ra, oka := c.records[p.A]
		rb, okb := c.records[p.B]
		if !oka || !okb {
			return Change{}, nil, fmt.Errorf("identity: probable link: record: %w", ErrNotFound)
		}
		if ra.CustomerID == rb.CustomerID {
			return Change{}, nil, ErrSameCustomer
		}
		k := Constraint{ID: probableID(p.A, p.B), Kind: MustLink, A: []string{p.A}, B: []string{p.B},
			At: r.now().UTC(), Reason: "probable match", Probability: p.Probability, Weight: p.Weight,
			Evidence: slices.Clone(p.Evidence)}
		c.addConstraint(k)
		pl := c.plan(r, nil, "")
		if pl.assign[p.A] != pl.assign[p.B] {
			return Change{}, nil, ErrKeptApart
		}
		for i, e := range pl.events {
			if e.Kind == EventMerge {
				e.Kind, e.Constraint = EventProbableMerge, k.ID
				pl.events[i] = e
			}
		}
		pl.change.Events = pl.events
		pl.change.Constraints = []Constraint{k}
		return pl.change, pl.events, nil
	})
	if err != nil {
		return Event{}, nil, err
	}
	for _, e := range evs {
		if e.Kind == EventProbableMerge {
			return e, evs, nil
		}
	}
	return Event{}, nil, ErrSameCustomer
}

// probableDetail summarises a probable link without values: the
// probability, the weight and the three fields that weighed most.
func (c Constraint) probableDetail() string {
	var b strings.Builder
	fmt.Fprintf(&b, "p=%.4f, %.1f bits", c.Probability, c.Weight)
	ev := slices.Clone(c.Evidence)
	slices.SortStableFunc(ev, func(x, y FieldWeight) int { return cmp.Compare(math.Abs(y.Weight), math.Abs(x.Weight)) })
	for i, f := range ev {
		if i == 3 {
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s %+.2f", f.Field, f.Level, f.Weight)
	}
	return b.String()
}
