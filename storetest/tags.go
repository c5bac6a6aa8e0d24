package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cimkit/cimkit/tagging"
)

func assignment(cust, tag string, n int) tagging.Assignment {
	return tagging.Assignment{
		CustomerID: cust, Tag: tag, Weight: 0.5, Source: "rule", SetBy: "default",
		Reason: fmt.Sprintf("rule %d matched", n), At: base.Add(time.Duration(n) * time.Minute),
		ExpiresAt: base.AddDate(1, 0, 0),
	}
}

func sameAssignment(a, b tagging.Assignment) bool {
	return a.CustomerID == b.CustomerID && a.Tag == b.Tag && a.Weight == b.Weight && a.Source == b.Source &&
		a.SetBy == b.SetBy && a.Reason == b.Reason && a.At.Equal(b.At) && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.Removed == b.Removed
}

func wantAssignments(t *testing.T, got, want []tagging.Assignment) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d assignments %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range got {
		if !sameAssignment(got[i], want[i]) {
			t.Fatalf("assignment %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// RunTags runs every tagging.Store subtest.
func RunTags(t *testing.T, newStore func(t *testing.T) tagging.Store) {
	ctx := context.Background()

	t.Run("SetThenCustomerTagsSorted", func(t *testing.T) {
		s := newStore(t)
		b, a := assignment("c1", "b_tag", 1), assignment("c1", "a_tag", 2)
		must(t, s.SetTag(ctx, b))
		must(t, s.SetTag(ctx, a))
		must(t, s.SetTag(ctx, assignment("c2", "c_tag", 3)))
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		wantAssignments(t, got, []tagging.Assignment{a, b})
	})

	t.Run("UnknownCustomerHasNoTags", func(t *testing.T) {
		s := newStore(t)
		got, err := s.CustomerTags(ctx, "nobody")
		must(t, err)
		h, err := s.TagHistory(ctx, "nobody", "x")
		must(t, err)
		if len(got) != 0 || len(h) != 0 {
			t.Fatalf("unknown customer: tags %v history %v", got, h)
		}
	})

	t.Run("SetReplacesCurrentKeepsHistory", func(t *testing.T) {
		s := newStore(t)
		first, second := assignment("c1", "vip", 1), assignment("c1", "vip", 2)
		second.Weight, second.Source, second.SetBy = 1, "manual", "alice"
		must(t, s.SetTag(ctx, first))
		must(t, s.SetTag(ctx, second))
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		wantAssignments(t, got, []tagging.Assignment{second})
		h, err := s.TagHistory(ctx, "c1", "vip")
		must(t, err)
		wantAssignments(t, h, []tagging.Assignment{first, second})
	})

	t.Run("RemoveRecordsWhoWhenWhy", func(t *testing.T) {
		s := newStore(t)
		a := assignment("c1", "vip", 1)
		must(t, s.SetTag(ctx, a))
		at := base.Add(time.Hour)
		must(t, s.RemoveTag(ctx, "c1", "vip", "bob", "left the club", at))
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("tag still current after removal: %+v", got)
		}
		h, err := s.TagHistory(ctx, "c1", "vip")
		must(t, err)
		if len(h) != 2 || !sameAssignment(h[0], a) {
			t.Fatalf("history %+v", h)
		}
		r := h[1]
		if !r.Removed || r.SetBy != "bob" || r.Reason != "left the club" || !r.At.Equal(at) || r.Tag != "vip" || r.CustomerID != "c1" || r.Weight != 0 {
			t.Fatalf("removal entry %+v", r)
		}
	})

	t.Run("RemoveMissingNotFound", func(t *testing.T) {
		s := newStore(t)
		wantErr(t, s.RemoveTag(ctx, "c1", "vip", "bob", "", base), tagging.ErrNotFound)
		must(t, s.SetTag(ctx, assignment("c1", "vip", 1)))
		must(t, s.RemoveTag(ctx, "c1", "vip", "bob", "", base))
		wantErr(t, s.RemoveTag(ctx, "c1", "vip", "bob", "", base), tagging.ErrNotFound)
	})

	t.Run("InvalidAssignmentRejected", func(t *testing.T) {
		s := newStore(t)
		bad := map[string]func(a *tagging.Assignment){
			"no customer": func(a *tagging.Assignment) { a.CustomerID = "" },
			"no tag":      func(a *tagging.Assignment) { a.Tag = "" },
			"weight > 1":  func(a *tagging.Assignment) { a.Weight = 1.5 },
			"weight < 0":  func(a *tagging.Assignment) { a.Weight = -0.1 },
			"weight NaN":  func(a *tagging.Assignment) { a.Weight = math.NaN() },
			"no time":     func(a *tagging.Assignment) { a.At = time.Time{} },
			"removed":     func(a *tagging.Assignment) { a.Removed = true },
		}
		for name, mutate := range bad {
			a := assignment("c1", "vip", 1)
			mutate(&a)
			if err := s.SetTag(ctx, a); !errors.Is(err, tagging.ErrInvalid) {
				t.Errorf("%s: got %v, want ErrInvalid", name, err)
			}
		}
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("invalid assignment stored: %+v", got)
		}
	})

	t.Run("ListByTagPagesComplete", func(t *testing.T) {
		s := newStore(t)
		var want []string
		for i := range 23 {
			id := fmt.Sprintf("c%03d", (i*7)%23) // inserted out of order
			must(t, s.SetTag(ctx, assignment(id, "vip", i)))
			must(t, s.SetTag(ctx, assignment(id, "vip", i+100))) // re-set: listed once
			want = append(want, id)
		}
		for i := range 5 {
			must(t, s.SetTag(ctx, assignment(fmt.Sprintf("x%d", i), "other", i)))
		}
		slices.Sort(want)
		for _, size := range []int{1, 4, 23, 100} {
			got := collect(t, size, func(tok string, n int) ([]string, string, error) {
				return s.ListByTag(ctx, "vip", tok, n)
			})
			if !slices.Equal(got, want) {
				t.Fatalf("page size %d: got %v want %v", size, got, want)
			}
		}
		ids, next, err := s.ListByTag(ctx, "none", "", 10)
		must(t, err)
		if len(ids) != 0 || next != "" {
			t.Fatalf("unknown tag: %v %q", ids, next)
		}
	})

	t.Run("ListByTagExcludesRemoved", func(t *testing.T) {
		s := newStore(t)
		for i := range 3 {
			must(t, s.SetTag(ctx, assignment(fmt.Sprintf("c%d", i), "vip", i)))
		}
		must(t, s.RemoveTag(ctx, "c1", "vip", "bob", "", base))
		ids, _, err := s.ListByTag(ctx, "vip", "", 10)
		must(t, err)
		if !slices.Equal(ids, []string{"c0", "c2"}) {
			t.Fatalf("got %v", ids)
		}
	})

	t.Run("ListByTagStableWhileChanging", func(t *testing.T) {
		s := newStore(t)
		for i := range 10 {
			must(t, s.SetTag(ctx, assignment(fmt.Sprintf("c%d", i), "vip", i)))
		}
		ids, tok, err := s.ListByTag(ctx, "vip", "", 4) // c0..c3
		must(t, err)
		// remove the last id returned and add one before the cursor
		must(t, s.RemoveTag(ctx, ids[len(ids)-1], "vip", "bob", "", base))
		must(t, s.SetTag(ctx, assignment("c00", "vip", 20)))
		rest := collect(t, 4, func(tk string, n int) ([]string, string, error) {
			if tk == "" {
				tk = tok
			}
			return s.ListByTag(ctx, "vip", tk, n)
		})
		if !slices.Equal(rest, []string{"c4", "c5", "c6", "c7", "c8", "c9"}) {
			t.Fatalf("after the cursor: %v", rest)
		}
	})

	t.Run("ListByTagBadToken", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SetTag(ctx, assignment("c1", "vip", 1)))
		for _, tok := range []string{"garbage!", "AAAA", "dGhpcyBpcyBub3QgYSB0b2tlbg"} {
			_, _, err := s.ListByTag(ctx, "vip", tok, 10)
			wantErr(t, err, tagging.ErrBadPageToken)
		}
	})

	t.Run("CopySemantics", func(t *testing.T) {
		s := newStore(t)
		must(t, s.SetTag(ctx, assignment("c1", "vip", 1)))
		must(t, s.SetTag(ctx, assignment("c2", "vip", 2)))
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		got[0].Tag = "mutated"
		h, err := s.TagHistory(ctx, "c1", "vip")
		must(t, err)
		h[0].Reason = "mutated"
		ids, _, err := s.ListByTag(ctx, "vip", "", 10)
		must(t, err)
		ids[0] = "mutated"
		got, _ = s.CustomerTags(ctx, "c1")
		h, _ = s.TagHistory(ctx, "c1", "vip")
		ids, _, _ = s.ListByTag(ctx, "vip", "", 10)
		if got[0].Tag != "vip" || h[0].Reason != "rule 1 matched" || ids[0] != "c1" {
			t.Fatalf("store shares memory with its results: %+v %+v %v", got, h, ids)
		}
	})

	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		c := cancelled()
		wantErr(t, s.SetTag(c, assignment("c1", "vip", 1)), context.Canceled)
		wantErr(t, s.RemoveTag(c, "c1", "vip", "bob", "", base), context.Canceled)
		_, err := s.CustomerTags(c, "c1")
		wantErr(t, err, context.Canceled)
		_, err = s.TagHistory(c, "c1", "vip")
		wantErr(t, err, context.Canceled)
		_, _, err = s.ListByTag(c, "vip", "", 10)
		wantErr(t, err, context.Canceled)
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("write with a cancelled context was applied: %+v", got)
		}
	})

	t.Run("ConcurrentSetsNoLostUpdate", func(t *testing.T) {
		s := newStore(t)
		const writers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, 2*writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- s.SetTag(ctx, assignment("c1", fmt.Sprintf("t%d", w), i))
					errs <- s.SetTag(ctx, assignment(fmt.Sprintf("c%d-%d", w, i), "shared", i))
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		got, err := s.CustomerTags(ctx, "c1")
		must(t, err)
		if len(got) != writers {
			t.Fatalf("%d current tags, want %d", len(got), writers)
		}
		for _, a := range got {
			h, err := s.TagHistory(ctx, "c1", a.Tag)
			must(t, err)
			if len(h) != each {
				t.Fatalf("tag %s: %d history entries, want %d", a.Tag, len(h), each)
			}
		}
		ids := collect(t, 50, func(tok string, n int) ([]string, string, error) { return s.ListByTag(ctx, "shared", tok, n) })
		if len(ids) != writers*each {
			t.Fatalf("%d holders, want %d", len(ids), writers*each)
		}
	})
}
