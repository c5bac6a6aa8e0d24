package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ErrErased: a record carries a record id or a linking identifier of a
// person who was erased. Ingesting it would silently bring the person back,
// so it is refused; the error never names the id or the value.
var ErrErased = errors.New("identity: erased")

// TombstoneKind says what a tombstone stands for.
type TombstoneKind string

// Tombstone kinds.
const (
	TombstoneCustomer TombstoneKind = "customer" // an erased customer id (or a former id merged into it)
	TombstoneRecord   TombstoneKind = "record"   // an erased source record id
	TombstoneKey      TombstoneKind = "key"      // an erased linking token (blind index)
)

// Tombstone marks something erased. It never holds plaintext or the
// token itself: Hash is the SHA-256 (hex) of the kind and the record id,
// token or customer id, so a store or a backup reveals only that some
// record or identifier was erased. Someone who can compute tokens (the
// blind-index key) can test whether a guessed identifier was erased; that
// is exactly what blocking resurrection needs.
type Tombstone struct {
	Hash string
	Kind TombstoneKind
	// Customer is the erased customer the tombstone belongs to (a
	// pseudonymous id whose records no longer exist).
	Customer uuid.UUID
	// At is when the erasure first wrote it.
	At time.Time
}

// EraseStore is the optional capability of an identity Store that erasure
// needs. memstore implements it; storetest.RunIdentityErase checks it.
// The common rules of Store apply. Its ApplyIdentity must honour
// Change.RefuseErased against the tombstones stored here, atomically with
// the write: a change checked before a PutTombstones must not be written
// after it (one lock, or one transaction that reads the tombstones after
// locking what it expects, as the PostgreSQL example does).
type EraseStore interface {
	Store
	// PutTombstones stores the tombstones. A tombstone whose Hash is
	// already stored is left unchanged (the first one wins), so a retried
	// erasure keeps its first time.
	PutTombstones(ctx context.Context, ts []Tombstone) error
	// Tombstones returns the stored tombstones among hashes, in the order
	// asked; unknown hashes are left out (no error).
	Tombstones(ctx context.Context, hashes []string) ([]Tombstone, error)
	// CustomerTombstones returns every tombstone of the customer, sorted
	// by Hash.
	CustomerTombstones(ctx context.Context, customer uuid.UUID) ([]Tombstone, error)
	// DeleteIdentityRecords removes the records atomically: each leaves
	// the record list of every token in its Keys and of its customer (each
	// changed list's version increments, as in ApplyIdentity). Unknown ids
	// are ignored, so a retry is safe. Events and constraints are kept.
	DeleteIdentityRecords(ctx context.Context, ids []string) error
}

// TombstoneHash returns the hash under which a tombstone of kind k for id
// (a record id, a customer id's string form, or for TombstoneKey the
// token kind and token as kind+"\x00"+token) is stored.
func TombstoneHash(k TombstoneKind, id string) string {
	h := sha256.New()
	h.Write([]byte(k))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil))
}

// KeyTombstoneHash returns the hash under which a tombstone of the linking
// key k is stored: TombstoneHash(TombstoneKey, kind+"\x00"+token).
func KeyTombstoneHash(k Key) string {
	return TombstoneHash(TombstoneKey, string(k.Kind)+"\x00"+k.Token)
}

func keyHash(k Key) string { return KeyTombstoneHash(k) }

func (r *Resolver) eraseStore() (EraseStore, error) {
	es, ok := r.store.(EraseStore)
	if !ok {
		return nil, fmt.Errorf("identity: store cannot erase: %w", errors.ErrUnsupported)
	}
	return es, nil
}

// CanErase reports whether the Resolver's store implements EraseStore.
func (r *Resolver) CanErase() bool {
	_, ok := r.store.(EraseStore)
	return ok
}

// TombstoneCustomer tombstones a customer id that has no source records
// (a profile created directly), so EraseIdentity then reports its erasure.
func (r *Resolver) TombstoneCustomer(ctx context.Context, id uuid.UUID, at time.Time) error {
	es, err := r.eraseStore()
	if err != nil {
		return err
	}
	err = es.PutTombstones(ctx, []Tombstone{{Hash: TombstoneHash(TombstoneCustomer, id.String()), Kind: TombstoneCustomer, Customer: id, At: at.UTC()}})
	if err != nil {
		return fmt.Errorf("identity: put tombstones: %w", err)
	}
	return nil
}

// CheckErased returns an error wrapping ErrErased when the prepared record's
// id or any of its linking keys is tombstoned, nil when none is, and the
// store's error otherwise. A Store without EraseStore has no tombstones.
// Ingest does not need it: every change the Resolver writes carries
// Change.RefuseErased, which the store checks atomically with the write;
// CheckErased answers the question without writing.
func (r *Resolver) CheckErased(ctx context.Context, sr StoredRecord) error {
	es, ok := r.store.(EraseStore)
	if !ok {
		return nil
	}
	hashes := make([]string, 0, len(sr.Keys)+1)
	hashes = append(hashes, TombstoneHash(TombstoneRecord, sr.ID))
	for _, k := range sr.Keys {
		hashes = append(hashes, keyHash(k))
	}
	ts, err := es.Tombstones(ctx, hashes)
	if err != nil {
		return fmt.Errorf("identity: tombstones: %w", err)
	}
	if len(ts) > 0 {
		return fmt.Errorf("identity: record %s of an erased customer: %w", ts[0].Kind, ErrErased)
	}
	return nil
}

// FormerIDs follows the event log back from a customer: the ids of every
// customer merged into it (by resolution, an operator or a probable link),
// directly or through other merged customers, whose records it still
// holds: a customer that came back by an unmerge, and perhaps was merged
// into someone else since, is no longer a former id of it (CurrentID of a
// former id is the customer). The result is sorted and does not contain
// id.
func (r *Resolver) FormerIDs(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	seen := map[uuid.UUID]bool{id: true}
	emptied := map[uuid.UUID]uuid.UUID{} // emptiedBy's into, uuid.Nil when it holds records
	var out []uuid.UUID
	queue := []uuid.UUID{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		evs, err := r.store.IdentityEvents(ctx, cur)
		if err != nil {
			return nil, fmt.Errorf("identity: events: %w", err)
		}
		for _, e := range evs {
			if !e.Kind.Merges() || e.Survivor() != cur {
				continue
			}
			for _, b := range e.Before {
				if seen[b.ID] {
					continue
				}
				// Only if cur still holds b's records: b may have come
				// back (unmerged: someone else now) and even been merged
				// into another customer since, which may itself be
				// merged into id (then b is found from there).
				into, ok := emptied[b.ID]
				if !ok {
					var holds bool
					if holds, into, err = r.emptiedBy(ctx, b.ID); err != nil {
						return nil, err
					}
					if holds {
						into = uuid.Nil
					}
					emptied[b.ID] = into
				}
				if into != cur {
					continue
				}
				seen[b.ID] = true
				out = append(out, b.ID)
				queue = append(queue, b.ID)
			}
		}
	}
	slices.SortFunc(out, cmpUUID)
	return out, nil
}

// CurrentID returns the customer that holds id's records now: id itself
// while it holds records, otherwise the customer it was merged into (by
// resolution, an operator or a probable link), followed through later
// merges. A customer id that never held records, or whose last change was
// not a merge (an erasure, a split that emptied it), gives ErrNotFound.
func (r *Resolver) CurrentID(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	seen := map[uuid.UUID]bool{}
	for cur := id; !seen[cur]; {
		seen[cur] = true
		holds, into, err := r.emptiedBy(ctx, cur)
		if err != nil {
			return uuid.Nil, err
		}
		if holds {
			return cur, nil
		}
		if into == uuid.Nil {
			break
		}
		cur = into
	}
	return uuid.Nil, fmt.Errorf("identity: current id: customer: %w", ErrNotFound)
}

// emptiedBy reports whether the customer holds records now and, when it
// does not, the customer it was merged into by the last event that
// emptied it (uuid.Nil when that was no merge: an erasure, a split, or it
// never held records).
func (r *Resolver) emptiedBy(ctx context.Context, id uuid.UUID) (holds bool, into uuid.UUID, err error) {
	cs, err := r.store.IdentityCustomers(ctx, []uuid.UUID{id})
	if err != nil {
		return false, uuid.Nil, fmt.Errorf("identity: customers: %w", err)
	}
	if len(cs) == 1 && len(cs[0].Records) > 0 {
		return true, uuid.Nil, nil
	}
	evs, err := r.store.IdentityEvents(ctx, id)
	if err != nil {
		return false, uuid.Nil, fmt.Errorf("identity: events: %w", err)
	}
	for _, e := range slices.Backward(evs) {
		if slices.ContainsFunc(e.After, func(c CustomerEntry) bool { return c.ID == id && len(c.Records) > 0 }) {
			return false, uuid.Nil, nil // held records after it: emptied otherwise
		}
		if slices.ContainsFunc(e.Before, func(c CustomerEntry) bool { return c.ID == id }) {
			if e.Kind.Merges() && e.Survivor() != id {
				return false, e.Survivor(), nil
			}
			return false, uuid.Nil, nil
		}
	}
	return false, uuid.Nil, nil
}

// MergeHistory returns the events naming any of the customers (merges,
// splits, operator merges and unmerges), each once, customers in the
// order given and each customer's events in the order applied.
func (r *Resolver) MergeHistory(ctx context.Context, ids []uuid.UUID) ([]Event, error) {
	seen := map[uuid.UUID]bool{}
	var out []Event
	for _, c := range ids {
		evs, err := r.store.IdentityEvents(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("identity: events: %w", err)
		}
		for _, e := range evs {
			if !seen[e.ID] {
				seen[e.ID] = true
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Erasure says what EraseIdentity destroyed. Every count is read back from
// the tombstones, so erasing again (or resuming) reports the same.
type Erasure struct {
	Customer uuid.UUID
	// FormerIDs are the customers merged into Customer, erased with it.
	FormerIDs []uuid.UUID
	// Records and Keys count the source records and linking tokens
	// deleted and tombstoned.
	Records, Keys int
	// At is when the erasure started (first tombstone).
	At time.Time
}

// Tombstoned reports whether the customer id was erased (an erased id or a
// former id of one).
func (r *Resolver) Tombstoned(ctx context.Context, id uuid.UUID) (bool, error) {
	es, err := r.eraseStore()
	if err != nil {
		return false, err
	}
	ts, err := es.Tombstones(ctx, []string{TombstoneHash(TombstoneCustomer, id.String())})
	if err != nil {
		return false, fmt.Errorf("identity: tombstones: %w", err)
	}
	return len(ts) > 0, nil
}

// EraseIdentity deletes a customer's source records, with their tokens
// and blind-index entries, and those of every former id merged into it,
// after writing tombstones that make the store refuse them (an ingest's
// change carries Change.RefuseErased, checked atomically with its write,
// so a record cannot slip in between the tombstones and the deletion). It
// is idempotent and resumable: the tombstones are written first, then the
// records deleted; running it again after a failure at any point finishes
// the job and reports the same Erasure. A record that joins the customer
// while it is being erased is deleted by a further round. The event log is
// kept (it holds customer and record ids, never identifier values). A
// customer with no records and no tombstone gives ErrNotFound; one that is
// gone already returns the erasure recorded in its tombstones, and a
// former id of an erased customer returns that customer's erasure
// (Erasure.Customer).
func (r *Resolver) EraseIdentity(ctx context.Context, id uuid.UUID, at time.Time) (Erasure, error) {
	return r.EraseIdentityFunc(ctx, id, at, nil)
}

// EraseIdentityFunc is EraseIdentity calling beforeDelete, when not nil,
// in every round with the ids (sorted) of the records about to be deleted,
// after their tombstones are written and before they are deleted: every
// record the erasure deletes, including one that joined the customer
// during the erasure, passes through it first. If beforeDelete fails, the
// erasure stops before deleting those records, so calling it again passes
// them again: a host can destroy per-record keys there (customer.Rights
// does) and no crash leaves a deleted record whose key survives.
// beforeDelete must be idempotent.
func (r *Resolver) EraseIdentityFunc(ctx context.Context, id uuid.UUID, at time.Time, beforeDelete func(ctx context.Context, recordIDs []string) error) (Erasure, error) {
	es, err := r.eraseStore()
	if err != nil {
		return Erasure{}, err
	}
	former, err := r.FormerIDs(ctx, id)
	if err != nil {
		return Erasure{}, err
	}
	ids := append([]uuid.UUID{id}, former...)
	at = at.UTC()
	// A record ingested into the customer while it is being erased is
	// caught by the next round.
	conflicts := 0
	for round := 0; ; round++ {
		n, err := eraseRound(ctx, es, id, ids, at, beforeDelete)
		if errors.Is(err, ErrConflict) && conflicts < r.retries && ctx.Err() == nil {
			// A store may lose a deadlock with a concurrent write and
			// report ErrConflict; a round is idempotent, so run it again.
			conflicts++
			round--
			continue
		}
		if err != nil {
			return Erasure{}, err
		}
		if n == 0 {
			if round > 0 {
				break
			}
			ts, err := es.Tombstones(ctx, []string{TombstoneHash(TombstoneCustomer, id.String())})
			if err != nil {
				return Erasure{}, fmt.Errorf("identity: tombstones: %w", err)
			}
			if len(ts) == 0 {
				return Erasure{}, fmt.Errorf("identity: erase: customer: %w", ErrNotFound)
			}
			if ts[0].Customer != id {
				// A former id of a customer erased earlier: that
				// erasure is the answer.
				return r.EraseIdentityFunc(ctx, ts[0].Customer, at, beforeDelete)
			}
			break
		}
		if round == 8 {
			return Erasure{}, fmt.Errorf("identity: erase: records keep arriving: %w", ErrConflict)
		}
	}
	mine, err := es.CustomerTombstones(ctx, id)
	if err != nil {
		return Erasure{}, fmt.Errorf("identity: tombstones: %w", err)
	}
	out := Erasure{Customer: id, FormerIDs: former}
	for _, t := range mine {
		switch t.Kind {
		case TombstoneRecord:
			out.Records++
		case TombstoneKey:
			out.Keys++
		}
		if out.At.IsZero() || t.At.Before(out.At) {
			out.At = t.At
		}
	}
	return out, nil
}

// eraseRound tombstones and deletes the records the customers hold now
// and returns how many there were.
func eraseRound(ctx context.Context, es EraseStore, id uuid.UUID, ids []uuid.UUID, at time.Time, beforeDelete func(context.Context, []string) error) (int, error) {
	cs, err := es.IdentityCustomers(ctx, ids)
	if err != nil {
		return 0, fmt.Errorf("identity: customers: %w", err)
	}
	var recIDs []string
	for _, c := range cs {
		recIDs = append(recIDs, c.Records...)
	}
	slices.Sort(recIDs)
	recIDs = slices.Compact(recIDs)
	recs, err := es.IdentityRecords(ctx, recIDs)
	if err != nil {
		return 0, fmt.Errorf("identity: records: %w", err)
	}
	var ts []Tombstone
	for _, c := range ids {
		ts = append(ts, Tombstone{Hash: TombstoneHash(TombstoneCustomer, c.String()), Kind: TombstoneCustomer, Customer: id, At: at})
	}
	var keys []Key
	for _, rec := range recs {
		ts = append(ts, Tombstone{Hash: TombstoneHash(TombstoneRecord, rec.ID), Kind: TombstoneRecord, Customer: id, At: at})
		keys = append(keys, rec.Keys...)
	}
	entries, err := es.IdentityTokens(ctx, keys)
	if err != nil {
		return 0, fmt.Errorf("identity: tokens: %w", err)
	}
	for _, e := range entries {
		// A token another customer's record also holds (a shared
		// device) is not tombstoned: that would lock the other out.
		if !slices.ContainsFunc(e.Records, func(rid string) bool { _, ok := slices.BinarySearch(recIDs, rid); return !ok }) {
			ts = append(ts, Tombstone{Hash: keyHash(e.Key), Kind: TombstoneKey, Customer: id, At: at})
		}
	}
	if len(recs) > 0 {
		if err := es.PutTombstones(ctx, ts); err != nil {
			return 0, fmt.Errorf("identity: put tombstones: %w", err)
		}
		if beforeDelete != nil {
			if err := beforeDelete(ctx, slices.Clone(recIDs)); err != nil {
				return 0, fmt.Errorf("identity: erase: before delete: %w", err)
			}
		}
		if err := es.DeleteIdentityRecords(ctx, recIDs); err != nil {
			return 0, fmt.Errorf("identity: delete records: %w", err)
		}
	}
	return len(recs), nil
}
