package storetest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cimkit/cimkit/memstore"
	"github.com/cimkit/cimkit/storetest"
	"github.com/cimkit/cimkit/tagging"
)

// Deliberately broken tag stores; each must fail the subtest guarding the
// promise it breaks (run in a child process, as for the profile suite).

// sharesHistory hands out the same history slice on every call.
type sharesHistory struct {
	*memstore.Store
	cache map[string][]tagging.Assignment
}

func (s *sharesHistory) TagHistory(ctx context.Context, c, tag string) ([]tagging.Assignment, error) {
	if h, ok := s.cache[c+"/"+tag]; ok {
		return h, nil
	}
	h, err := s.Store.TagHistory(ctx, c, tag)
	s.cache[c+"/"+tag] = h
	return h, err
}

// forgetsHistory keeps only the latest entry.
type forgetsHistory struct{ *memstore.Store }

func (s forgetsHistory) TagHistory(ctx context.Context, c, tag string) ([]tagging.Assignment, error) {
	h, err := s.Store.TagHistory(ctx, c, tag)
	if len(h) > 1 {
		h = h[len(h)-1:]
	}
	return h, err
}

// removesSilently reports success for tags the customer does not carry.
type removesSilently struct{ *memstore.Store }

func (s removesSilently) RemoveTag(ctx context.Context, c, tag, by, why string, at time.Time) error {
	err := s.Store.RemoveTag(ctx, c, tag, by, why, at)
	if err != nil && ctx.Err() == nil {
		return nil
	}
	return err
}

// restartsPages ignores the page token.
type restartsPages struct{ *memstore.Store }

func (s restartsPages) ListByTag(ctx context.Context, tag, tok string, n int) ([]string, string, error) {
	ids, next, err := s.Store.ListByTag(ctx, tag, "", n)
	if tok != "" {
		next = ""
	}
	return ids, next, err
}

var brokenTags = map[string]func() tagging.Store{
	"sharesHistory":   func() tagging.Store { return &sharesHistory{memstore.New(), map[string][]tagging.Assignment{}} },
	"forgetsHistory":  func() tagging.Store { return forgetsHistory{memstore.New()} },
	"removesSilently": func() tagging.Store { return removesSilently{memstore.New()} },
	"restartsPages":   func() tagging.Store { return restartsPages{memstore.New()} },
}

func TestBrokenTagStoreHelper(t *testing.T) {
	name := os.Getenv("STORETEST_BROKEN_TAGS")
	if name == "" {
		t.Skip("run only as the child of TestTagSuiteCatchesBrokenStores")
	}
	storetest.RunTags(t, func(t *testing.T) tagging.Store { return brokenTags[name]() })
}

func TestTagSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child test processes")
	}
	cases := map[string][]string{
		"sharesHistory":   {"CopySemantics"},
		"forgetsHistory":  {"SetReplacesCurrentKeepsHistory", "ConcurrentSetsNoLostUpdate"},
		"removesSilently": {"RemoveMissingNotFound"},
		"restartsPages":   {"ListByTagPagesComplete", "ListByTagStableWhileChanging"},
	}
	for name, wantFail := range cases {
		t.Run(name, func(t *testing.T) {
			runBroken(t, "TestBrokenTagStoreHelper", "STORETEST_BROKEN_TAGS="+name, name, wantFail, nil)
		})
	}
}
