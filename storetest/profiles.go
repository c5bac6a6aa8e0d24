package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/customer"
	"github.com/google/uuid"
)

// RunProfiles checks a customer.ProfileStore.
func RunProfiles(t *testing.T, newStore func(t *testing.T) customer.ProfileStore) {
	ctx := context.Background()
	t.Run("CreateThenGet", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.ID != c.ID || got.Name != c.Name || got.Version != 1 || len(got.Phones) != 1 ||
			got.Phones[0] != c.Phones[0] || got.Attributes["tier"] != "a" || !got.CreatedAt.Equal(c.CreatedAt) ||
			len(got.Addresses) != 1 || got.Addresses[0].District != "朝阳区" || got.Points != 10 {
			t.Fatalf("stored customer differs from the one created")
		}
	})
	t.Run("CreateDuplicateAlreadyExists", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		c.Name = "other"
		wantErr(t, s.CreateCustomer(ctx, c), customer.ErrAlreadyExists)
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Name == "other" {
			t.Fatal("duplicate create overwrote the stored customer")
		}
	})
	t.Run("GetMissingNotFound", func(t *testing.T) {
		_, err := newStore(t).GetCustomer(ctx, id("customer", 404))
		wantErr(t, err, customer.ErrNotFound)
	})
	t.Run("UpdateIncrementsVersion", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		c.Points = 99
		out, err := s.UpdateCustomer(ctx, c)
		must(t, err)
		if out.Version != 2 || out.Points != 99 {
			t.Fatalf("update returned version %d points %d, want 2 and 99", out.Version, out.Points)
		}
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Version != 2 || got.Points != 99 {
			t.Fatalf("stored version %d points %d, want 2 and 99", got.Version, got.Points)
		}
	})
	t.Run("UpdateStaleVersionConflicts", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		first := c
		first.Points = 1
		_, err := s.UpdateCustomer(ctx, first)
		must(t, err)
		stale := c
		stale.Points = 2
		_, err = s.UpdateCustomer(ctx, stale)
		wantErr(t, err, customer.ErrConflict)
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Points != 1 {
			t.Fatal("a stale update changed the stored customer")
		}
	})
	t.Run("UpdateMissingNotFound", func(t *testing.T) {
		_, err := newStore(t).UpdateCustomer(ctx, newCustomer(1))
		wantErr(t, err, customer.ErrNotFound)
	})
	t.Run("DeleteThenGetNotFound", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		must(t, s.DeleteCustomer(ctx, c.ID))
		_, err := s.GetCustomer(ctx, c.ID)
		wantErr(t, err, customer.ErrNotFound)
		wantErr(t, s.DeleteCustomer(ctx, c.ID), customer.ErrNotFound)
		items, _, err := s.ListCustomers(ctx, "", 10)
		must(t, err)
		if len(items) != 0 {
			t.Fatal("a deleted customer is still listed")
		}
	})
	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		must(t, s.CreateCustomer(ctx, c))
		c.Phones[0].Value = "changed"
		c.Attributes["tier"] = "changed"
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Phones[0].Value == "changed" || got.Attributes["tier"] == "changed" {
			t.Fatal("store keeps the caller's slices or maps")
		}
		got.Phones[0].Value = "mutated"
		got.Attributes["tier"] = "mutated"
		got.Addresses[0].Detail = "mutated"
		again, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if again.Phones[0].Value == "mutated" || again.Attributes["tier"] == "mutated" || again.Addresses[0].Detail == "mutated" {
			t.Fatal("mutating a returned customer changed the stored one")
		}
		listed, _, err := s.ListCustomers(ctx, "", 10)
		must(t, err)
		listed[0].Attributes["tier"] = "mutated"
		again, err = s.GetCustomer(ctx, c.ID)
		must(t, err)
		if again.Attributes["tier"] == "mutated" {
			t.Fatal("mutating a listed customer changed the stored one")
		}
	})
	t.Run("ListPagesCompleteInIDOrder", func(t *testing.T) {
		s := newStore(t)
		const n = 257
		for i := range n {
			must(t, s.CreateCustomer(ctx, newCustomer(i)))
		}
		all := collect(t, 10, func(tok string, k int) ([]customer.Customer, string, error) { return s.ListCustomers(ctx, tok, k) })
		if len(all) != n {
			t.Fatalf("listed %d customers, want %d", len(all), n)
		}
		for i := 1; i < len(all); i++ {
			if bytes.Compare(all[i-1].ID[:], all[i].ID[:]) >= 0 {
				t.Fatal("customers not in ascending id order")
			}
		}
	})
	t.Run("ListExactPageEnds", func(t *testing.T) {
		s := newStore(t)
		for i := range 20 {
			must(t, s.CreateCustomer(ctx, newCustomer(i)))
		}
		all := collect(t, 10, func(tok string, k int) ([]customer.Customer, string, error) { return s.ListCustomers(ctx, tok, k) })
		if len(all) != 20 {
			t.Fatalf("listed %d, want 20", len(all))
		}
	})
	t.Run("ListStableWhileInserting", func(t *testing.T) {
		s := newStore(t)
		const n = 300
		before := map[uuid.UUID]bool{}
		for i := range n {
			c := newCustomer(i)
			before[c.ID] = true
			must(t, s.CreateCustomer(ctx, c))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 100 {
					if err := s.CreateCustomer(ctx, newCustomer(10000+g*1000+i)); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		all := collect(t, 7, func(tok string, k int) ([]customer.Customer, string, error) { return s.ListCustomers(ctx, tok, k) })
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[uuid.UUID]int{}
		for _, c := range all {
			seen[c.ID]++
			if seen[c.ID] > 1 {
				t.Fatal("a customer was listed twice while others were inserted")
			}
		}
		for id := range before {
			if seen[id] != 1 {
				t.Fatal("a customer that existed before paging started was not listed")
			}
		}
	})
	t.Run("BadPageToken", func(t *testing.T) {
		s := newStore(t)
		must(t, s.CreateCustomer(ctx, newCustomer(1)))
		_, _, err := s.ListCustomers(ctx, "not-a-token", 10)
		wantErr(t, err, customer.ErrBadPageToken)
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		c := newCustomer(1)
		if err := s.CreateCustomer(cancelled(), c); !errors.Is(err, context.Canceled) {
			t.Fatalf("create with a cancelled context: got %v, want context.Canceled", err)
		}
		if _, err := s.GetCustomer(ctx, c.ID); !errors.Is(err, customer.ErrNotFound) {
			t.Fatal("create with a cancelled context stored the customer")
		}
		must(t, s.CreateCustomer(ctx, c))
		if _, err := s.GetCustomer(cancelled(), c.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("get: got %v, want context.Canceled", err)
		}
		c.Points = 77
		if _, err := s.UpdateCustomer(cancelled(), c); !errors.Is(err, context.Canceled) {
			t.Fatalf("update: got %v, want context.Canceled", err)
		}
		if _, _, err := s.ListCustomers(cancelled(), "", 10); !errors.Is(err, context.Canceled) {
			t.Fatalf("list: got %v, want context.Canceled", err)
		}
		if err := s.DeleteCustomer(cancelled(), c.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("delete: got %v, want context.Canceled", err)
		}
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Points == 77 {
			t.Fatal("update with a cancelled context changed the customer")
		}
	})
	t.Run("ConcurrentWritersNoLostUpdate", func(t *testing.T) {
		// Eight writers read-modify-write one customer, retrying on
		// ErrConflict. Each round, all writers read before any writes,
		// so a store that does not check versions loses updates for sure.
		s := newStore(t)
		c := newCustomer(1)
		c.Points = 0
		must(t, s.CreateCustomer(ctx, c))
		const writers, total = 8, 64
		succeeded := 0
		for round := 0; succeeded < total; round++ {
			if round > total*writers {
				t.Fatal("writers make no progress")
			}
			var read, wrote sync.WaitGroup
			start := make(chan struct{})
			oks := make(chan bool, writers)
			errs := make(chan error, writers)
			for range writers {
				read.Add(1)
				wrote.Add(1)
				go func() {
					defer wrote.Done()
					cur, err := s.GetCustomer(ctx, c.ID)
					read.Done()
					if err != nil {
						errs <- err
						return
					}
					<-start
					cur.Points++
					_, err = s.UpdateCustomer(ctx, cur)
					switch {
					case err == nil:
						oks <- true
					case !errors.Is(err, customer.ErrConflict):
						errs <- err
					}
				}()
			}
			read.Wait()
			close(start)
			wrote.Wait()
			close(oks)
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			for range oks {
				succeeded++
			}
		}
		got, err := s.GetCustomer(ctx, c.ID)
		must(t, err)
		if got.Points != int64(succeeded) || got.Version != int64(1+succeeded) {
			t.Fatalf("after %d successful increments: points %d version %d (lost updates)", succeeded, got.Points, got.Version)
		}
	})
}
