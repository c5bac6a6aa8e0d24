package customer

import (
	"context"
	"fmt"
	"iter"
)

// ReadFilter masks the fields of a profile that the reader in ctx may not
// see for their purpose. *access.Guard (package privacy/access) implements
// it: put the actor and purpose in the context with access.WithActor, and
// a read without them fails with access.ErrNoActor. Revealing a masked
// field is access.Guard.Reveal, which is audited.
type ReadFilter interface {
	Filter(ctx context.Context, c Customer) (Customer, error)
}

// ViewFilter is optionally implemented by a ReadFilter to filter a whole
// 360° view for the reader's purpose: the profile as Filter does, and the
// order summary, recent events, open tickets and latest feedback too (their
// free text can hold personal data). *access.Guard implements it. A
// ReadFilter without it filters the View's profile only.
type ViewFilter interface {
	FilterView(ctx context.Context, v View) (View, error)
}

// read applies the ReadFilter, if any, to a profile leaving the Service.
func (s *Service) read(ctx context.Context, c Customer) (Customer, error) {
	if s.filter == nil {
		return c, nil
	}
	out, err := s.filter.Filter(ctx, c)
	if err != nil {
		return Customer{}, fmt.Errorf("read filter: %w", err)
	}
	return out, nil
}

// readAll applies read to every customer of seq; the first error stops it.
func (s *Service) readAll(ctx context.Context, seq iter.Seq2[Customer, error]) iter.Seq2[Customer, error] {
	if s.filter == nil {
		return seq
	}
	return func(yield func(Customer, error) bool) {
		for c, err := range seq {
			if err == nil {
				c, err = s.read(ctx, c)
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}
