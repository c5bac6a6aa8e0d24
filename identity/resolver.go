package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/customer/clean"
	"github.com/google/uuid"
)

// Options configure a Resolver; nil or zero fields mean the defaults.
type Options struct {
	// Rules default to DefaultRules.
	Rules *Rules
	// Tokenizer defaults to PlainTokenizer (NOT for production).
	Tokenizer Tokenizer
	// Cleaner canonicalises values; default clean.Default().
	Cleaner *clean.Cleaner
	// Survivorship computes golden records; default DefaultSurvivorship.
	Survivorship *Survivorship
	// Now stamps events; default time.Now.
	Now func() time.Time
	// NewID makes customer, event and constraint ids; default uuid.New.
	NewID func() uuid.UUID
	// Retries bounds optimistic retries on ErrConflict; default 64.
	Retries int
	// Probable turns on probabilistic linking (ScanProbable,
	// LinkProbable); nil leaves it off and changes nothing else.
	Probable *ProbableOptions
	// BatchChunk is how many consecutive records of a batch IngestBatch
	// writes in one atomic change; default BatchChunk.
	BatchChunk int
}

// Resolver is the front end over a Store: it cleans and tokenises
// identifiers, resolves records into customers and records every change.
// It is safe for concurrent use when its Store is.
type Resolver struct {
	store   Store
	rules   *Rules
	tok     Tokenizer
	clean   *clean.Cleaner
	surv    *Survivorship
	now     func() time.Time
	newID   func() uuid.UUID
	retries int
	prob    *ProbableOptions
	chunk   int // IngestBatch's chunk size
	// fastMatch enables ingestMatched; tests turn it off to compare.
	fastMatch bool
}

// NewResolver returns a Resolver over store. opts may be nil.
func NewResolver(store Store, opts *Options) *Resolver {
	r := &Resolver{store: store, tok: PlainTokenizer{}, clean: clean.Default(), now: time.Now, newID: uuid.New, retries: 64, fastMatch: true, chunk: BatchChunk}
	if opts != nil {
		if opts.BatchChunk > 0 {
			r.chunk = opts.BatchChunk
		}
		r.rules = opts.Rules
		if opts.Tokenizer != nil {
			r.tok = opts.Tokenizer
		}
		if opts.Cleaner != nil {
			r.clean = opts.Cleaner
		}
		r.surv = opts.Survivorship
		if opts.Now != nil {
			r.now = opts.Now
		}
		if opts.NewID != nil {
			r.newID = opts.NewID
		}
		if opts.Retries > 0 {
			r.retries = opts.Retries
		}
		if opts.Probable != nil {
			p := *opts.Probable
			p.Fields = slices.Clone(p.Fields)
			if p.Fields == nil && p.Model != nil {
				p.Fields = p.Model.Fields()
			}
			r.prob = &p
		}
	}
	if r.rules == nil {
		r.rules, _ = NewRules(nil)
	}
	if r.surv == nil {
		r.surv = DefaultSurvivorship()
	}
	return r
}

// Rules returns the compiled rules in use.
func (r *Resolver) Rules() *Rules { return r.rules }

// Outcome says what ingesting a record did.
type Outcome string

// Outcomes.
const (
	Created Outcome = "created" // a new customer
	Matched Outcome = "matched" // joined one existing customer
	Merged  Outcome = "merged"  // joined and merged two or more customers
	Split   Outcome = "split"   // the record made a customer come apart
)

// Result is what Ingest did.
type Result struct {
	CustomerID uuid.UUID
	Outcome    Outcome
	// Events are the merges and splits the record caused.
	Events []Event
	// Changed lists customers whose records changed (their golden
	// records need recomputing), Removed those that no longer exist.
	Changed, Removed []uuid.UUID
	// Skipped holds one *IdentifierError per identifier not used.
	Skipped []error
	// Flags are the cleaning flags of all identifiers.
	Flags clean.Flags
	// Via lists the kinds of the record's identifiers the customer already
	// held (why it matched), in rule priority order.
	Via []Kind
}

// Summary says in one line, without personal data, what happened:
// "created", "matched by phone, device", "merged 2 customers by phone,
// email", "split 1 customer: device not linked: shared".
func (res Result) Summary() string {
	var b strings.Builder
	b.WriteString(string(res.Outcome))
	switch res.Outcome {
	case Merged, Split:
		n := 0
		var why []string
		for _, e := range res.Events {
			if (res.Outcome == Merged) == (e.Kind == EventMerge) {
				n++
				for _, x := range e.Reasons {
					k := string(x.Kind)
					if x.Rule != EdgeLinked {
						k += " " + string(x.Rule)
					}
					if !slices.Contains(why, k) {
						why = append(why, k)
					}
				}
			}
		}
		if res.Outcome == Merged {
			n++ // the events name the absorbed side; count customers joined
			fmt.Fprintf(&b, " %d customers", n)
		} else {
			fmt.Fprintf(&b, " %d customer", n)
		}
		if len(why) > 0 {
			b.WriteString(": " + strings.Join(why, ", "))
		}
	case Matched:
		if len(res.Via) > 0 {
			kinds := make([]string, len(res.Via))
			for i, k := range res.Via {
				kinds[i] = string(k)
			}
			b.WriteString(" by " + strings.Join(kinds, ", "))
		}
	}
	return b.String()
}

// via lists the kinds among the entries whose records belong to customer
// id, in priority order.
func (r *Resolver) via(es []TokenEntry, holds func(rec string) bool) []Kind {
	var out []Kind
	for _, k := range r.rules.kinds {
		for _, e := range es {
			if e.Key.Kind == k && slices.ContainsFunc(e.Records, holds) && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// MaxIdentifiers bounds the identifiers of one record.
const MaxIdentifiers = 64

// Prepare cleans and tokenises a record's identifiers without touching the
// store. Unusable identifiers are reported in skipped; a record left with
// no linking identifier gives an error wrapping ErrNoIdentifier (and the
// reasons). An unknown kind or a malformed record is an error.
func (r *Resolver) Prepare(ctx context.Context, rec Record) (sr StoredRecord, skipped []error, flags clean.Flags, err error) {
	if rec.ID == "" || len(rec.ID) > 256 {
		return sr, nil, 0, fmt.Errorf("%w: record id: want 1-256 bytes", ErrInvalid)
	}
	if len(rec.Identifiers) > MaxIdentifiers {
		return sr, nil, 0, fmt.Errorf("%w: identifiers: more than %d", ErrInvalid, MaxIdentifiers)
	}
	sr = StoredRecord{ID: rec.ID, Channel: rec.Channel, At: rec.At.UTC(), Fields: rec.Fields}
	var vbuf [12]value
	vals := vbuf[:0]
	for _, id := range rec.Identifiers {
		var f clean.Flags
		vals, f, err = r.rules.canonicaliseLazy(r.clean, id, vals)
		flags |= f
		if err != nil {
			if errors.Is(err, ErrUnknownKind) {
				return StoredRecord{}, nil, flags, err
			}
			skipped = append(skipped, err)
		}
	}
	err = nil
	if len(vals) > 0 {
		sr.Keys, sr.Evidence, sr.Display, err = r.assemble(ctx, vals)
		if err != nil {
			return StoredRecord{}, nil, flags, err
		}
	}
	if len(sr.Keys) == 0 {
		reasons := skipped
		if len(sr.Evidence) > 0 {
			reasons = append(slices.Clone(skipped), &IdentifierError{Kind: sr.Evidence[0].Kind,
				Reason: "weak identifiers never link on their own", Err: ErrNoIdentifier})
		}
		return sr, skipped, flags, &NoIdentifierError{Record: rec.ID, Reasons: reasons}
	}
	return sr, skipped, flags, nil
}

// assemble tokenises the canonical values and returns the record's linking
// keys and weak evidence, each sorted by kind then token without repeats,
// and the display values (keys', then evidence's). The tokens and display
// values share one string, so a record costs three allocations however
// many identifiers it has.
func (r *Resolver) assemble(ctx context.Context, vals []value) (keys, evidence []Key, display []string, err error) {
	var kbuf [12]assembled
	kvs := kbuf[:0]
	var bbuf [512]byte
	buf := bbuf[:0]
	// The default tokenizer is called directly so that the stack buffer
	// does not escape through an interface call.
	_, isPlain := r.tok.(PlainTokenizer)
	app, _ := r.tok.(TokenAppender)
	var hb []byte
	for i := range vals {
		v := &vals[i]
		x := assembled{kind: v.kind, weak: v.weak}
		x.tok[0] = int32(len(buf))
		switch {
		case isPlain && v.ne164 > 0:
			buf = appendPlainToken(buf, v.kind, v.e164[:v.ne164])
		case isPlain:
			buf = appendPlainToken(buf, v.kind, v.canon)
		case app != nil:
			// Through a separate (heap) buffer, so buf stays on the stack.
			hb, err = app.AppendToken(ctx, hb[:0], v.kind, v.canonical())
			buf = append(buf, hb...)
		default:
			var t string
			t, err = r.tok.Token(ctx, v.kind, v.canonical())
			buf = append(buf, t...)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("identity: tokenize %s: %w", v.kind, err)
		}
		x.tok[1] = int32(len(buf))
		buf = appendDisplay(buf, *v)
		x.disp = int32(len(buf))
		kvs = append(kvs, x)
	}
	s := string(buf)
	for i := range kvs {
		kvs[i].token = s[kvs[i].tok[0]:kvs[i].tok[1]]
	}
	sortAssembled(kvs)
	// Drop repeats (the first of equal ones stays, as slices.CompactFunc).
	n, nk := 0, 0
	for i := range kvs {
		if n > 0 && kvs[i].kind == kvs[n-1].kind && kvs[i].token == kvs[n-1].token {
			continue
		}
		kvs[n] = kvs[i]
		n++
		if !kvs[i].weak {
			nk++
		}
	}
	kvs = kvs[:n]
	// Keys then Evidence share one exactly sized array; Display is in the
	// same order.
	all := make([]Key, n)
	display = make([]string, n)
	ki, ei := 0, nk
	for i := range kvs {
		x := &kvs[i]
		j := &ki
		if x.weak {
			j = &ei
		}
		all[*j] = Key{x.kind, x.token}
		display[*j] = s[x.tok[1]:x.disp]
		*j++
	}
	if nk > 0 {
		keys = all[:nk:nk]
	}
	if nk < n {
		evidence = all[nk:]
	}
	return keys, evidence, display, nil
}

// assembled is one tokenised value while a record is assembled: its token
// and then its display value lie at tok[0]:tok[1]:disp in the shared
// buffer.
type assembled struct {
	kind  Kind
	token string
	tok   [2]int32
	disp  int32
	weak  bool
}

// sortAssembled sorts by kind then token: an insertion sort for the usual
// handful of values (stable, as slices.SortFunc is for up to 12), else
// slices.SortFunc.
func sortAssembled(kvs []assembled) {
	if len(kvs) > 12 {
		slices.SortFunc(kvs, func(a, b assembled) int {
			if c := strings.Compare(string(a.kind), string(b.kind)); c != 0 {
				return c
			}
			return strings.Compare(a.token, b.token)
		})
		return
	}
	for i := 1; i < len(kvs); i++ {
		for j := i; j > 0 && assembledLess(&kvs[j], &kvs[j-1]); j-- {
			kvs[j], kvs[j-1] = kvs[j-1], kvs[j]
		}
	}
}

func assembledLess(a, b *assembled) bool {
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.token < b.token
}

// NoIdentifierError is returned for a record with no usable identifier. It
// wraps ErrNoIdentifier and every reason (so errors.Is(err, ErrBlocked)
// holds when a blocklisted value was the only identifier).
type NoIdentifierError struct {
	Record  string // the source record id (not personal data)
	Reasons []error
}

// Error lists the reasons, never the values.
func (e *NoIdentifierError) Error() string {
	if len(e.Reasons) == 0 {
		return "identity: record has no identifier"
	}
	parts := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		parts[i] = r.Error()
	}
	return "identity: no usable identifier: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrNoIdentifier and the reasons.
func (e *NoIdentifierError) Unwrap() []error { return append([]error{ErrNoIdentifier}, e.Reasons...) }

// Ingest resolves one record: it cleans and tokenises the identifiers,
// re-resolves the affected component with the record in it, and writes the
// outcome atomically, retrying when another writer changed the component
// meanwhile. Ingesting the same record again changes nothing.
func (r *Resolver) Ingest(ctx context.Context, rec Record) (Result, error) {
	sr, skipped, flags, err := r.Prepare(ctx, rec)
	if err != nil {
		return Result{Skipped: skipped, Flags: flags}, err
	}
	res, err := r.IngestPrepared(ctx, sr)
	res.Skipped, res.Flags = skipped, flags
	return res, err
}

// IngestPrepared is Ingest for a record already through Prepare.
func (r *Resolver) IngestPrepared(ctx context.Context, sr StoredRecord) (Result, error) {
	var lastErr error
	// The fast paths write with ExpectAbsent; after any conflict (the
	// record exists already, or another writer moved a token) the general
	// path decides.
	fast := true
	for range r.retries {
		var seen []TokenEntry
		if fast {
			res, es, done, err := r.ingestNew(ctx, sr)
			if done || err != nil {
				if err == nil || !errors.Is(err, ErrConflict) {
					return res, err
				}
				lastErr, fast = err, false
				continue
			}
			seen = es
		} else {
			es, err := r.store.IdentityTokens(ctx, sr.Keys)
			if err != nil {
				return Result{}, err
			}
			seen = es
		}
		if fast && r.fastMatch {
			res, ok, err := r.ingestMatched(ctx, sr, seen)
			if ok {
				return res, nil
			}
			if err != nil {
				if !errors.Is(err, ErrConflict) {
					return Result{}, err
				}
				lastErr, fast = err, false
				continue
			}
		}
		c, err := r.loadFrom(ctx, seen, []string{sr.ID}, nil)
		if err != nil {
			return Result{}, err
		}
		if old, ok := c.records[sr.ID]; ok {
			sr.Constraints = old.Constraints
		}
		c.put(sr)
		p := c.plan(r, nil, sr.ID)
		res := Result{CustomerID: p.assign[sr.ID], Outcome: p.outcome, Events: p.events, Changed: p.changed, Removed: p.removed}
		res.Via = r.via(seen, func(id string) bool { return id != sr.ID && p.assign[id] == res.CustomerID })
		if len(p.change.Records) == 0 {
			return res, nil
		}
		p.change.RefuseErased = true
		err = r.store.ApplyIdentity(ctx, p.change)
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, ErrConflict) {
			return Result{}, fmt.Errorf("identity: apply: %w", err)
		}
		lastErr = err
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
	}
	return Result{}, fmt.Errorf("identity: gave up after %d conflicting attempts: %w", r.retries, lastErr)
}

// Lookup finds the customer holding an identifier, given as raw as a
// support agent types it (any phone format). It returns ErrNotFound when
// nobody holds it, and the canonicalisation error (ErrInvalid, ErrBlocked,
// ErrUnknownKind ...) when the value is unusable.
func (r *Resolver) Lookup(ctx context.Context, kind Kind, raw string) (uuid.UUID, error) {
	var vbuf [2]value
	vals, _, err := r.rules.canonicalise(r.clean, Identifier{Kind: kind, Value: raw}, vbuf[:0])
	if err != nil {
		return uuid.Nil, err
	}
	for _, v := range vals {
		if r.rules.rule(v.kind).Weak {
			continue
		}
		t, err := r.tok.Token(ctx, v.kind, v.canon)
		if err != nil {
			return uuid.Nil, err
		}
		es, err := r.store.IdentityTokens(ctx, []Key{{v.kind, t}})
		if err != nil {
			return uuid.Nil, err
		}
		if len(es[0].Records) == 0 {
			continue
		}
		// The most recent record decides (a recycled number belongs to
		// its current owner).
		recs, err := r.store.IdentityRecords(ctx, es[0].Records)
		if err != nil {
			return uuid.Nil, err
		}
		best := -1
		for i, x := range recs {
			if best < 0 || x.At.After(recs[best].At) || x.At.Equal(recs[best].At) && x.ID > recs[best].ID {
				best = i
			}
		}
		if best >= 0 {
			return recs[best].CustomerID, nil
		}
	}
	return uuid.Nil, fmt.Errorf("identity: lookup %s: %w", kind, ErrNotFound)
}

// ingestNew is the fast path for a record none of whose tokens is held by
// any record: its component is the record alone, so it is a new customer.
// It reports done=false when the fast path does not apply.
// The token entries read are returned for the slow path to start from.
func (r *Resolver) ingestNew(ctx context.Context, sr StoredRecord) (Result, []TokenEntry, bool, error) {
	es, err := r.store.IdentityTokens(ctx, sr.Keys)
	if err != nil {
		return Result{}, nil, false, err
	}
	for _, e := range es {
		if len(e.Records) > 0 {
			return Result{}, es, false, nil
		}
	}
	b := new(changeBufs)
	sr.CustomerID = r.newID()
	ch := b.change(sr, es)
	if err = r.store.ApplyIdentity(ctx, ch); err != nil {
		if errors.Is(err, ErrConflict) {
			return Result{}, nil, false, err
		}
		return Result{}, nil, false, fmt.Errorf("identity: apply: %w", err)
	}
	b.changed[0] = sr.CustomerID
	return Result{CustomerID: sr.CustomerID, Outcome: Created, Changed: b.changed[:]}, nil, true, nil
}

// changeBufs holds the small slices of a fast path's Change and Result in
// one allocation (they escape through the Store interface).
type changeBufs struct {
	expect  [4]TokenVersion
	absent  [1]string
	records [1]StoredRecord
	custs   [1]CustomerVersion
	changed [1]uuid.UUID
}

// change returns the write of the new record sr, expecting the token
// versions read in es and sr absent.
func (b *changeBufs) change(sr StoredRecord, es []TokenEntry) Change {
	ch := Change{ExpectTokens: b.expect[:0], ExpectAbsent: b.absent[:], Records: b.records[:], RefuseErased: true}
	for _, e := range es {
		ch.ExpectTokens = append(ch.ExpectTokens, TokenVersion{e.Key, e.Version})
	}
	b.absent[0], b.records[0] = sr.ID, sr
	return ch
}

// Records returns the source records of a customer, oldest first (ties by
// id), or ErrNotFound when the customer has none.
func (r *Resolver) Records(ctx context.Context, customerID uuid.UUID) ([]StoredRecord, error) {
	cs, err := r.store.IdentityCustomers(ctx, []uuid.UUID{customerID})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || len(cs[0].Records) == 0 {
		return nil, fmt.Errorf("identity: records: customer: %w", ErrNotFound)
	}
	recs, err := r.store.IdentityRecords(ctx, cs[0].Records)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		// Deleted between the two reads (an erasure).
		return nil, fmt.Errorf("identity: records: customer: %w", ErrNotFound)
	}
	slices.SortFunc(recs, func(a, b StoredRecord) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return recs, nil
}

// RecordsByID returns the stored records with the given ids, in the order
// asked; unknown ids are left out.
func (r *Resolver) RecordsByID(ctx context.Context, ids []string) ([]StoredRecord, error) {
	return r.store.IdentityRecords(ctx, ids)
}

// Golden computes the golden record of the records with the Resolver's
// survivorship rules.
func (r *Resolver) Golden(recs []StoredRecord) map[string]Pick { return r.surv.Golden(recs) }
