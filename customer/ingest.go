package customer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/customer/clean"
	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// ErrNoResolver: Ingest or Lookup was called on a Service without an
// identity resolver (set Options.Identity, or use a Store that also
// implements identity.Store).
var ErrNoResolver = errors.New("no identity resolver")

// SourceRecord is one raw customer record from a channel, every field as
// the channel sent it. Ingest cleans it, resolves it to a customer and
// updates that customer's golden profile.
type SourceRecord struct {
	ID            string // unique source record id, e.g. "pos:123"
	Channel       Channel
	At            time.Time // when the channel saw it; zero means now
	Name          string
	Gender        string
	BirthDate     string
	Phone         string
	Email         string
	Device        string // device fingerprint, host-hashed
	MemberID      string
	IDCard        string
	WeChatOpenID  string
	WeChatUnionID string
	Address       string
	// Extra holds identifiers of host-registered kinds.
	Extra []identity.Identifier
}

// IngestResult says what Ingest did.
type IngestResult struct {
	CustomerID uuid.UUID
	Outcome    identity.Outcome // created, matched, merged or split
	// Explanation says in one line, without personal data, what happened
	// ("matched by phone, device", "merged 2 customers: phone, email").
	// Events carry the merges and splits with their reasons;
	// Service.Explain gives the full explanation of a customer.
	Explanation string
	Events      []identity.Event
	// Flags are the cleaning flags per field ("phone", "name" ...).
	Flags map[string]clean.Flags
	// Skipped lists identifiers that were not used, with typed reasons.
	Skipped []error
}

// Ingest cleans a source record, resolves it to a customer (creating,
// matching, merging or splitting customers) and upserts the golden profile
// of every customer it changed. A record with no usable identifier returns
// an error wrapping identity.ErrNoIdentifier. Identity changes are atomic:
// when resolution fails nothing is written. When the profile write fails
// after resolution, the error is returned and the profile is recomputed
// the next time a record of that customer is ingested (or call Reproject).
func (s *Service) Ingest(ctx context.Context, src SourceRecord) (IngestResult, error) {
	p, err := s.prepIngest(ctx, src)
	if err != nil {
		return IngestResult{Flags: p.flags}, err
	}
	res, err := s.resolveChecked(ctx, p.rec) // refuses records of erased customers (erase.go)
	return s.finishIngest(ctx, &p, res, err)
}

// ingestPrep is a source record ready for resolution: its identity record
// (fields sealed when the Service seals), cleaning flags, and the record
// as re-projection may use it without opening it.
type ingestPrep struct {
	rec   identity.Record
	flags map[string]clean.Flags
	known openedRecord
}

// prepIngest cleans and seals a source record (Ingest before resolution).
func (s *Service) prepIngest(ctx context.Context, src SourceRecord) (ingestPrep, error) {
	if s.resolver == nil {
		return ingestPrep{}, ErrNoResolver
	}
	if src.At.IsZero() {
		src.At = s.now()
	}
	if err := checkChannel("channel", src.Channel, false); err != nil {
		return ingestPrep{}, err
	}
	rec, flags := s.sourceToRecord(src)
	sealed, err := s.sealRecordFields(ctx, rec.ID, rec.Fields)
	if err != nil {
		return ingestPrep{flags: flags}, fmt.Errorf("ingest: %w", err)
	}
	// Reprojection need not open the record just sealed: the exact
	// ciphertext stands for these plaintext fields.
	known := openedRecord{id: rec.ID, sealed: sealed[sealedFieldsKey], fields: rec.Fields}
	rec.Fields = sealed
	return ingestPrep{rec: rec, flags: flags, known: known}, nil
}

// finishIngest removes the profiles resolution emptied and re-projects
// those it changed (Ingest after resolution; err is resolution's).
func (s *Service) finishIngest(ctx context.Context, p *ingestPrep, res identity.Result, err error) (IngestResult, error) {
	out := IngestResult{CustomerID: res.CustomerID, Outcome: res.Outcome, Explanation: res.Summary(), Events: res.Events, Flags: p.flags, Skipped: res.Skipped}
	if err != nil {
		return out, fmt.Errorf("ingest %s: %w", "record", err)
	}
	for _, id := range res.Removed {
		if err := s.store.DeleteCustomer(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return out, fmt.Errorf("ingest: remove merged profile: %w", err)
		}
	}
	for _, id := range res.Changed {
		if err := s.reproject(ctx, id, &p.known, heldBefore(res.Events, id)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// heldBefore returns the records the customer held before the first of
// the events that names it before (nil when none does).
func heldBefore(evs []identity.Event, id uuid.UUID) []string {
	for _, e := range evs {
		for _, b := range e.Before {
			if b.ID == id {
				return b.Records
			}
		}
	}
	return nil
}

// sourceToRecord cleans the profile fields and lists the identifiers.
func (s *Service) sourceToRecord(src SourceRecord) (identity.Record, map[string]clean.Flags) {
	c := s.cleaner
	flags := map[string]clean.Flags{}
	fields := map[string]string{}
	if r, err := c.Name(src.Name); err == nil {
		fields["name"] = r.Value
		flags["name"] = r.Flags
	} else if src.Name != "" {
		flags["name"] = r.Flags
	}
	if r, err := c.Gender(src.Gender); err == nil && r.Value != clean.GenderUnknown {
		fields["gender"] = r.Value.String()
	}
	if r, err := c.BirthDate(src.BirthDate); err == nil {
		fields["birth_date"] = r.Value
		flags["birth_date"] = r.Flags
	}
	if r, err := c.Phone(src.Phone); err == nil {
		fields["phone"], fields["phone_raw"] = r.E164(), src.Phone
		flags["phone"] = r.Flags
	} else if src.Phone != "" {
		flags["phone"] = r.Flags
	}
	if r, err := c.Email(src.Email); err == nil {
		fields["email"], fields["email_raw"] = r.Value, src.Email
		flags["email"] = r.Flags
	} else if src.Email != "" {
		flags["email"] = r.Flags
	}
	if r, err := c.Address(src.Address); err == nil && r.Value != "" {
		fields["address"], fields["address_raw"] = r.Value, src.Address
		fields["address.province"], fields["address.city"], fields["address.district"] = r.Province, r.City, r.District
		fields["address.detail"], fields["address.postal_code"] = r.Detail, r.PostalCode
		flags["address"] = r.Flags
	}
	rec := identity.Record{ID: src.ID, Channel: string(src.Channel), At: src.At, Fields: fields}
	add := func(k identity.Kind, v string) {
		if v != "" {
			rec.Identifiers = append(rec.Identifiers, identity.Identifier{Kind: k, Value: v})
		}
	}
	add(identity.KindPhone, src.Phone)
	add(identity.KindEmail, src.Email)
	add(identity.KindDevice, src.Device)
	add(identity.KindMemberID, src.MemberID)
	add(identity.KindIDCard, src.IDCard)
	add(identity.KindWeChatOpenID, src.WeChatOpenID)
	add(identity.KindWeChatUnionID, src.WeChatUnionID)
	add(identity.KindName, src.Name)
	rec.Identifiers = append(rec.Identifiers, src.Extra...)
	return rec, flags
}

// Reproject recomputes a customer's golden profile from all its source
// records with the survivorship rules and stores it (creating the profile
// when missing). Fields the host set itself (membership level, points,
// attributes) are kept.
func (s *Service) Reproject(ctx context.Context, id uuid.UUID) error {
	return s.reproject(ctx, id, nil, nil)
}

// reproject is Reproject; known, when not nil, is a record whose sealed
// value and plaintext fields the caller already has; before, when not
// nil, lists the records the customer held before the change being
// projected, so that a gender or birth date that came from records which
// left is cleared (see applyGolden).
func (s *Service) reproject(ctx context.Context, id uuid.UUID, known *openedRecord, before []string) error {
	if s.resolver == nil {
		return ErrNoResolver
	}
	// The profile is read before the records so that a concurrent
	// ingest either sees this write or makes it fail on the version.
	for range 8 {
		cur, err := s.getForReproject(ctx, id)
		missing := errors.Is(err, ErrNotFound)
		if err != nil && !missing {
			return fmt.Errorf("reproject: %w", err)
		}
		recs, err := s.resolver.Records(ctx, id)
		if errors.Is(err, identity.ErrNotFound) {
			if missing {
				return nil
			}
			if err := s.store.DeleteCustomer(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("reproject: %w", err)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reproject: %w", err)
		}
		if recs, err = s.openRecordFields(ctx, recs, known); err != nil {
			return fmt.Errorf("reproject: %w", err)
		}
		golden := s.resolver.Golden(recs)
		if missing {
			cur = Customer{ID: id}
		} else if cur, err = s.openKept(ctx, cur, golden); err != nil {
			// With a Sealer: open what applyGolden keeps (the birth date
			// when the records give none, sealed host attributes); the
			// fields it replaces are dropped unopened. A shredded
			// customer fails here, or when the profile is sealed again.
			return fmt.Errorf("reproject: %w", err)
		}
		var was map[string]identity.Pick
		if before != nil && !missing && (golden["gender"].Value == "" || golden["birth_date"].Value == "") {
			if was, err = s.goldenOf(ctx, before, known); err != nil {
				return fmt.Errorf("reproject: %w", err)
			}
		}
		s.applyGolden(&cur, recs, golden, was)
		if missing {
			_, err = s.create(ctx, cur, false)
			if err == nil || !errors.Is(err, ErrAlreadyExists) {
				return err
			}
			continue
		}
		// ErrNotFound: the profile went meanwhile (a merge removed it,
		// or an erasure, which deleted the records first); read again.
		if _, err = s.update(ctx, cur, false); err == nil || !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return fmt.Errorf("reproject: %w", ErrConflict)
}

// getForReproject reads the profile reproject rewrites. With a Sealer and
// a SealedHandoff store its Sealed map is the store's own, which openKept
// reads without modifying.
func (s *Service) getForReproject(ctx context.Context, id uuid.UUID) (Customer, error) {
	if s.sealer != nil && s.handoff != nil {
		return s.handoff.GetCustomerShared(ctx, id)
	}
	return s.store.GetCustomer(ctx, id)
}

// openKept opens the sealed fields of c that applyGolden keeps (the birth
// date unless golden has a valid one, attributes) and drops the others:
// name, phones, e-mails and addresses are recomputed from the records.
// c.Sealed is only read (it may be the store's own map): c gets a new map
// of the fields to open.
func (s *Service) openKept(ctx context.Context, c Customer, golden map[string]identity.Pick) (Customer, error) {
	if s.sealer == nil || len(c.Sealed) == 0 {
		return c, nil
	}
	_, err := time.Parse("2006-01-02", golden["birth_date"].Value)
	keepBirth := err != nil // else applyGolden replaces it
	// A host FieldSealer might open in place: it gets copies. The Vault
	// only reads a ciphertext.
	_, vault := s.sealer.(vaultSealer)
	var kept map[string][]byte
	for f, ct := range c.Sealed {
		if (f == "birth_date" && keepBirth) || strings.HasPrefix(f, "attributes[") {
			if kept == nil {
				kept = make(map[string][]byte, 1)
			}
			if !vault {
				ct = bytes.Clone(ct)
			}
			kept[f] = ct
		}
	}
	c.Name, c.Phones, c.Emails, c.Addresses = "", nil, nil, nil
	c.Sealed = kept
	if kept == nil {
		return c, nil
	}
	return s.open(ctx, c)
}

// goldenOf returns the golden record of the stored records with the ids
// (those still stored), opened.
func (s *Service) goldenOf(ctx context.Context, ids []string, known *openedRecord) (map[string]identity.Pick, error) {
	recs, err := s.resolver.RecordsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	if recs, err = s.openRecordFields(ctx, recs, known); err != nil {
		return nil, err
	}
	return s.resolver.Golden(recs), nil
}

// applyGolden sets the profile fields the golden record decides.
// golden is s.resolver.Golden(recs). A gender or birth date the records
// do not give is kept, so that a value the host set survives, unless was
// (the golden record of the records the customer held before this
// change) gave exactly that value: then it came from records that have
// left, and goes with them.
func (s *Service) applyGolden(c *Customer, recs []identity.StoredRecord, golden, was map[string]identity.Pick) {
	c.Name = golden["name"].Value
	switch g := genderOf(golden["gender"].Value); {
	case g != GenderUnknown:
		c.Gender = g
	case was != nil && c.Gender != GenderUnknown && genderOf(was["gender"].Value) == c.Gender:
		c.Gender = GenderUnknown
	}
	if t, err := time.Parse("2006-01-02", golden["birth_date"].Value); err == nil {
		c.BirthDate = t
	} else if t, err := time.Parse("2006-01-02", was["birth_date"].Value); err == nil && c.BirthDate.Equal(t) {
		c.BirthDate = time.Time{}
	}
	c.Phones = contacts(recs, "phone")
	c.Emails = contacts(recs, "email")
	c.Addresses = addresses(recs)
	// The channel of the oldest record (recs are oldest first), however
	// late it arrived.
	if len(recs) > 0 {
		if ch := Channel(recs[0].Channel); checkChannel("", ch, true) == nil {
			c.RegistrationVia = ch
		}
	}
}

// contacts lists the distinct values of a field across records, first seen
// first, at most MaxContacts.
func contacts(recs []identity.StoredRecord, field string) []Contact {
	var out []Contact
	for _, r := range recs {
		v := r.Fields[field]
		if v == "" {
			continue
		}
		i := slices.IndexFunc(out, func(c Contact) bool { return c.Value == v })
		if i >= 0 {
			out[i].LastSeen = r.At
			continue
		}
		if len(out) == MaxContacts {
			continue
		}
		ch := Channel(r.Channel)
		if checkChannel("", ch, true) != nil {
			ch = ""
		}
		out = append(out, Contact{Raw: clip(r.Fields[field+"_raw"]), Value: v, Channel: ch, FirstSeen: r.At, LastSeen: r.At})
	}
	return out
}

func addresses(recs []identity.StoredRecord) []Address {
	var out []Address
	for _, r := range recs {
		f := r.Fields
		if f["address"] == "" {
			continue
		}
		i := slices.IndexFunc(out, func(a Address) bool {
			return a.Province == f["address.province"] && a.City == f["address.city"] && a.District == f["address.district"] && a.Detail == clip(f["address.detail"])
		})
		if i >= 0 {
			out[i].LastSeen = r.At
			continue
		}
		if len(out) == MaxContacts {
			continue
		}
		ch := Channel(r.Channel)
		if checkChannel("", ch, true) != nil {
			ch = ""
		}
		out = append(out, Address{Raw: clip(f["address_raw"]), Province: f["address.province"], City: f["address.city"],
			District: f["address.district"], Detail: clip(f["address.detail"]), PostalCode: f["address.postal_code"],
			Channel: ch, FirstSeen: r.At, LastSeen: r.At})
	}
	return out
}

// clip makes a raw value valid UTF-8 and bounds it to MaxValueBytes
// without splitting a character.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= MaxValueBytes {
		return s
	}
	for i := MaxValueBytes; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i]
		}
	}
	return ""
}

// Lookup finds the customer holding an identifier typed in any format
// (a phone as "138 1234 5678", an email in capitals), cleaned and
// tokenised exactly as Ingest does.
func (s *Service) Lookup(ctx context.Context, kind identity.Kind, raw string) (Customer, error) {
	if s.resolver == nil {
		return Customer{}, ErrNoResolver
	}
	id, err := s.resolver.Lookup(ctx, kind, raw)
	if errors.Is(err, identity.ErrNotFound) {
		return Customer{}, fmt.Errorf("lookup %s: %w", kind, ErrNotFound)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("lookup %s: %w", kind, err)
	}
	return s.Get(ctx, id)
}

// Explain says why a customer's records belong together (masked; for
// support agents).
func (s *Service) Explain(ctx context.Context, id uuid.UUID) (identity.Explanation, error) {
	if s.resolver == nil {
		return identity.Explanation{}, ErrNoResolver
	}
	return s.resolver.Explain(ctx, id)
}

// Resolver returns the identity resolver, or nil.
func (s *Service) Resolver() *identity.Resolver { return s.resolver }

// Merge joins two customers by operator decision (a must-link later
// ingests respect) and recomputes the golden profiles of every customer
// the merge changed; the absorbed profile is removed.
func (s *Service) Merge(ctx context.Context, a, b uuid.UUID, reason string) (identity.Event, error) {
	if s.resolver == nil {
		return identity.Event{}, ErrNoResolver
	}
	evs, err := s.resolver.MergeEvents(ctx, a, b, reason)
	if err != nil {
		return identity.Event{}, fmt.Errorf("merge: %w", err)
	}
	return evs[0], s.reprojectEvents(ctx, evs)
}

// Unmerge undoes a merge (see identity.Resolver.Unmerge) and recomputes
// the golden profiles of the customers it restores and of any other it
// changed.
func (s *Service) Unmerge(ctx context.Context, mergeID uuid.UUID) (identity.Event, error) {
	if s.resolver == nil {
		return identity.Event{}, ErrNoResolver
	}
	evs, err := s.resolver.UnmergeEvents(ctx, mergeID)
	if err != nil {
		return identity.Event{}, fmt.Errorf("unmerge: %w", err)
	}
	return evs[0], s.reprojectEvents(ctx, evs)
}

// reprojectEvents recomputes the golden profile of every customer the
// events name (an absorbed one's is removed).
func (s *Service) reprojectEvents(ctx context.Context, evs []identity.Event) error {
	for _, ev := range evs {
		if err := s.reprojectEvent(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) reprojectEvent(ctx context.Context, ev identity.Event) error {
	seen := map[uuid.UUID]bool{}
	for _, c := range append(slices.Clone(ev.Before), ev.After...) {
		if !seen[c.ID] {
			seen[c.ID] = true
			if err := s.reproject(ctx, c.ID, nil, heldBefore([]identity.Event{ev}, c.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

// genderOf maps a golden gender value to a Gender.
func genderOf(v string) Gender {
	switch v {
	case "male":
		return GenderMale
	case "female":
		return GenderFemale
	}
	return GenderUnknown
}
