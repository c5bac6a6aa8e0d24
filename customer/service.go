package customer

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"time"

	"github.com/cimkit/cimkit/customer/clean"
	"github.com/cimkit/cimkit/identity"
	"github.com/google/uuid"
)

// Options configure a Service. The zero value (or nil) uses the wall clock,
// random version-4 ids and a logger that discards.
type Options struct {
	// Now returns the current time; set it for deterministic tests.
	Now func() time.Time
	// NewID returns a new id for records created without one.
	NewID func() uuid.UUID
	// Logger receives operational messages; it never receives personal data.
	Logger *slog.Logger
	// PageSize is the page size used when iterating a store (default 100).
	PageSize int
	// Sealer, when set, encrypts every personal field before the Store
	// sees it: the name, the birth date, the raw and canonical value of
	// every phone and e-mail, every part of every address, and the
	// attributes listed in SealAttributes. The Store keeps only the
	// ciphertexts, in Customer.Sealed, with those fields empty; every read
	// (Get, Update's result, Customers, View, Modify) opens them again. A
	// field that cannot be opened (crypto-shredded customer, tampered or
	// misplaced ciphertext) makes the read fail with ErrSealed; plaintext
	// is never returned for it. Customers given to Create and Update must
	// have Sealed empty (ErrInvalid otherwise). Ingest and Reproject
	// seal the golden profile the same way; sealing covers the profile
	// Store only, not the source records an identity resolver keeps in its
	// own identity.Store (their fields and identifier tokens are the
	// resolver's concern). Nil means nothing is sealed.
	Sealer FieldSealer
	// SealAttributes lists the keys of Customer.Attributes whose values
	// are personal data (for example "id_card"); with a Sealer they are
	// sealed as "attributes[key]". Ignored without a Sealer.
	SealAttributes []string
	// Identity resolves ingested records into customers (Ingest, Lookup).
	// When nil and the Store also implements identity.Store (memstore
	// does), a Resolver with default rules over it is used.
	Identity *identity.Resolver
	// Cleaner canonicalises ingested values; default clean.Default().
	Cleaner *clean.Cleaner
	// ReadFilter, when set, masks every profile Get, View, Lookup and
	// Customers return (see readfilter.go); *access.Guard implements it.
	ReadFilter ReadFilter
}

// Service is the front door to the 360-degree customer: it validates input,
// fills ids, times and versions, keeps order and ticket lifecycles, and
// computes the View. It is safe for concurrent use when its Store is.
type Service struct {
	store    Store
	now      func() time.Time
	newID    func() uuid.UUID
	log      *slog.Logger
	pageSize int

	sealer    FieldSealer   // nil: store plaintext
	handoff   SealedHandoff // store, when it takes Sealed maps over
	sealAttrs []string      // sorted, unique
	resolver  *identity.Resolver
	cleaner   *clean.Cleaner
	filter    ReadFilter
}

// New returns a Service over store. opts may be nil.
func New(store Store, opts *Options) *Service {
	s := &Service{store: store, now: time.Now, newID: uuid.New, pageSize: 100}
	if opts != nil {
		if opts.Now != nil {
			s.now = opts.Now
		}
		if opts.NewID != nil {
			s.newID = opts.NewID
		}
		s.log = opts.Logger
		if opts.PageSize > 0 {
			s.pageSize = opts.PageSize
		}
		s.sealer = opts.Sealer
		if s.sealer != nil {
			s.sealAttrs = slices.Compact(slices.Sorted(slices.Values(opts.SealAttributes)))
		}
		s.resolver, s.cleaner = opts.Identity, opts.Cleaner
		s.filter = opts.ReadFilter
	}
	if s.cleaner == nil {
		s.cleaner = clean.Default()
	}
	if h, ok := store.(SealedHandoff); ok {
		s.handoff = h
	}
	if is, ok := store.(identity.Store); ok && s.resolver == nil {
		s.resolver = identity.NewResolver(is, &identity.Options{Cleaner: s.cleaner, Now: s.now, NewID: s.newID})
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Store returns the store the Service was built on.
func (s *Service) Store() Store { return s.store }

func (s *Service) id(id uuid.UUID) uuid.UUID {
	if id == uuid.Nil {
		return s.newID()
	}
	return id
}

// Create validates c and stores it as a new customer. A nil ID gets a new
// one; CreatedAt and UpdatedAt are set from the clock; Version becomes 1.
func (s *Service) Create(ctx context.Context, c Customer) (Customer, error) {
	return s.create(ctx, c, true)
}

// create is Create; with result false it returns the zero Customer on
// success, so with a Sealer it seals its own copy of c in place.
func (s *Service) create(ctx context.Context, c Customer, result bool) (Customer, error) {
	c = c.Clone()
	c.ID = s.id(c.ID)
	now := s.now().UTC()
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	if err := s.checkCustomer(&c, now); err != nil {
		return Customer{}, err
	}
	st := c
	if s.sealer != nil {
		seal := s.seal
		if !result {
			seal = s.sealOwned // c is create's own copy and is not returned
		}
		var err error
		if st, err = seal(ctx, c); err != nil {
			return Customer{}, fmt.Errorf("create customer: %w", err)
		}
	}
	var err error
	if s.sealer != nil && s.handoff != nil {
		// st.Sealed was made by seal for this write alone.
		err = s.handoff.CreateCustomerHandoff(ctx, st)
	} else {
		err = s.store.CreateCustomer(ctx, st)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("create customer: %w", err)
	}
	if !result {
		return Customer{}, nil
	}
	return c, nil
}

func (s *Service) checkCustomer(c *Customer, now time.Time) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if !c.BirthDate.IsZero() && c.BirthDate.After(now) {
		return invalid("birth_date", "in the future")
	}
	if s.sealer != nil && len(c.Sealed) > 0 {
		return invalid("sealed", "must be empty: the Service seals the fields itself")
	}
	return nil
}

// Get returns the customer, or ErrNotFound. With a Sealer, a customer whose
// sealed fields cannot be opened (for example after crypto-shredding)
// returns an error matching ErrSealed and the zero Customer.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Customer, error) {
	c, err := s.getOpened(ctx, id)
	if err != nil {
		return Customer{}, err
	}
	return s.read(ctx, c)
}

// getOpened is Get without the ReadFilter.
func (s *Service) getOpened(ctx context.Context, id uuid.UUID) (Customer, error) {
	c, err := s.store.GetCustomer(ctx, id)
	if err == nil {
		c, err = s.open(ctx, c)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("get customer: %w", err)
	}
	return c, nil
}

// Update stores c if nobody changed the customer since c was read (c.Version
// is the version read); otherwise it returns ErrConflict and the caller
// should read again and retry. It returns the stored customer with its new
// version. CreatedAt is kept from the stored profile.
func (s *Service) Update(ctx context.Context, c Customer) (Customer, error) {
	return s.update(ctx, c, true)
}

// update is Update; with result false and a Sealer it does not open the
// stored customer it returns (callers that discard it save the work).
func (s *Service) update(ctx context.Context, c Customer, result bool) (Customer, error) {
	c = c.Clone()
	now := s.now().UTC()
	c.UpdatedAt = now
	if err := s.checkCustomer(&c, now); err != nil {
		return Customer{}, err
	}
	if c.CreatedAt.IsZero() {
		old, err := s.store.GetCustomer(ctx, c.ID)
		if err != nil {
			return Customer{}, fmt.Errorf("update customer: %w", err)
		}
		c.CreatedAt = old.CreatedAt
	}
	if s.sealer != nil {
		var err error
		if c, err = s.sealOwned(ctx, c); err != nil { // c is update's own copy
			return Customer{}, fmt.Errorf("update customer: %w", err)
		}
	}
	if !result && s.sealer != nil && s.handoff != nil {
		// c.Sealed was made by sealOwned for this write alone.
		if err := s.handoff.UpdateCustomerHandoff(ctx, c); err != nil {
			return Customer{}, fmt.Errorf("update customer: %w", err)
		}
		return Customer{}, nil
	}
	out, err := s.store.UpdateCustomer(ctx, c)
	if err == nil && result {
		out, err = s.open(ctx, out)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("update customer: %w", err)
	}
	return out, nil
}

// Modify reads the customer, applies fn and writes it back, retrying up to
// five times when another writer got there first. fn may be called more
// than once and must only change the customer it is given.
func (s *Service) Modify(ctx context.Context, id uuid.UUID, fn func(*Customer) error) (Customer, error) {
	var lastErr error
	for range 5 {
		c, err := s.store.GetCustomer(ctx, id) // unfiltered: it is written back
		if err == nil {
			c, err = s.open(ctx, c)
		}
		if err != nil {
			return Customer{}, fmt.Errorf("get customer: %w", err)
		}
		if err := fn(&c); err != nil {
			return Customer{}, err
		}
		out, err := s.Update(ctx, c)
		if err == nil {
			return s.read(ctx, out)
		}
		if !isConflict(err) {
			return out, err
		}
		lastErr = err
	}
	return Customer{}, lastErr
}

// Delete removes the customer's profile. Orders, events and tickets stay for
// the books; erasing a person is privacy's job.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	if err := s.store.DeleteCustomer(ctx, id); err != nil {
		return fmt.Errorf("delete customer: %w", err)
	}
	return nil
}

// Customers iterates over every customer in ID order, a page at a time.
// Iteration stops at the first Store error, which is yielded. With a
// Sealer, a customer whose sealed fields cannot be opened (ErrSealed, for
// example a crypto-shredded one) is yielded as a Customer holding only its
// ID, with the error; iteration goes on if the caller continues, so
// callers may skip erased customers with errors.Is(err, ErrSealed).
func (s *Service) Customers(ctx context.Context) iter.Seq2[Customer, error] {
	list := pages(s.pageSize, func(tok string, n int) ([]Customer, string, error) {
		return s.store.ListCustomers(ctx, tok, n)
	})
	if s.sealer == nil {
		return s.readAll(ctx, list)
	}
	return s.readAll(ctx, func(yield func(Customer, error) bool) {
		for c, err := range list {
			if err == nil {
				id := c.ID
				if c, err = s.open(ctx, c); err != nil {
					c = Customer{ID: id}
				}
			}
			if !yield(c, err) {
				return
			}
		}
	})
}

// pages turns a paged list call into an iterator.
func pages[T any](size int, list func(tok string, n int) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		tok := ""
		for {
			items, next, err := list(tok, size)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			tok = next
		}
	}
}
