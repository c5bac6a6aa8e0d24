package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/privacy/consent"
)

func newConsent(n int, cust int, p consent.Purpose, k consent.Kind, at time.Time) consent.Event {
	return consent.Event{
		ID: id("consent", n), CustomerID: id("customer", cust), Purpose: p, Kind: k, At: at,
		Channel: "app", PolicyVersion: "2026-01", Evidence: "form-1", Actor: "customer",
	}
}

// RunConsent checks a privacy/consent.Store.
func RunConsent(t *testing.T, newStore func(t *testing.T) consent.Store) {
	ctx := context.Background()
	t.Run("AppendThenListInOrder", func(t *testing.T) {
		s := newStore(t)
		// Appended out of time order: the store keeps append order.
		evs := []consent.Event{
			newConsent(1, 1, consent.MarketingSMS, consent.Grant, base.Add(time.Hour)),
			newConsent(2, 1, consent.MarketingSMS, consent.Withdraw, base),
			newConsent(3, 2, consent.Profiling, consent.Grant, base),
			newConsent(4, 1, consent.SensitivePI, consent.Grant, base),
		}
		for _, e := range evs {
			must(t, s.AppendConsent(ctx, e))
		}
		got, err := s.ListConsent(ctx, id("customer", 1))
		must(t, err)
		want := []consent.Event{evs[0], evs[1], evs[3]}
		if len(got) != len(want) {
			t.Fatalf("listed %d events, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID || got[i].Kind != want[i].Kind || !got[i].At.Equal(want[i].At) ||
				got[i].Purpose != want[i].Purpose || got[i].Evidence != want[i].Evidence ||
				got[i].PolicyVersion != want[i].PolicyVersion || got[i].Channel != want[i].Channel {
				t.Fatalf("event %d differs from the one appended, or order is not append order", i)
			}
		}
	})
	t.Run("UnknownCustomerEmpty", func(t *testing.T) {
		s := newStore(t)
		got, err := s.ListConsent(ctx, id("customer", 99))
		must(t, err)
		if len(got) != 0 {
			t.Fatal("unknown customer has events")
		}
	})
	t.Run("DuplicateIDAlreadyExists", func(t *testing.T) {
		s := newStore(t)
		e := newConsent(1, 1, consent.MarketingSMS, consent.Grant, base)
		must(t, s.AppendConsent(ctx, e))
		e.Kind = consent.Withdraw
		wantErr(t, s.AppendConsent(ctx, e), consent.ErrAlreadyExists)
		got, err := s.ListConsent(ctx, e.CustomerID)
		must(t, err)
		if len(got) != 1 || got[0].Kind != consent.Grant {
			t.Fatal("a duplicate append changed the ledger")
		}
	})
	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		must(t, s.AppendConsent(ctx, newConsent(1, 1, consent.MarketingSMS, consent.Grant, base)))
		got, err := s.ListConsent(ctx, id("customer", 1))
		must(t, err)
		got[0].Kind = consent.Withdraw
		again, err := s.ListConsent(ctx, id("customer", 1))
		must(t, err)
		if again[0].Kind != consent.Grant {
			t.Fatal("mutating a listed event changed the store")
		}
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		e := newConsent(1, 1, consent.MarketingSMS, consent.Grant, base)
		if err := s.AppendConsent(cancelled(), e); !errors.Is(err, context.Canceled) {
			t.Fatalf("append with cancelled context: %v", err)
		}
		got, err := s.ListConsent(ctx, e.CustomerID)
		must(t, err)
		if len(got) != 0 {
			t.Fatal("append with cancelled context stored an event")
		}
		if _, err := s.ListConsent(cancelled(), e.CustomerID); !errors.Is(err, context.Canceled) {
			t.Fatalf("list with cancelled context: %v", err)
		}
	})
	t.Run("ConcurrentAppendsKeptAll", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					if err := s.AppendConsent(ctx, newConsent(w*100+i, 1, consent.MarketingEmail, consent.Grant, base)); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		got, err := s.ListConsent(ctx, id("customer", 1))
		must(t, err)
		if len(got) != 200 {
			t.Fatalf("%d events after 200 appends", len(got))
		}
	})
}
