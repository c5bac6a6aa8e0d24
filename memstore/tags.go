package memstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cimkit/cimkit/tagging"
)

// tagData holds tag assignments. Its maps are created on the first write,
// under the store's write lock; reads treat nil maps as empty.
type tagData struct {
	current map[string]map[string]tagging.Assignment // customer -> tag -> assignment
	history map[tagKey][]tagging.Assignment
	holders map[string][]string // tag -> sorted ids of customers carrying it
}

type tagKey struct{ customer, tag string }

var _ tagging.Store = (*Store)(nil)

func (d *tagData) init() {
	if d.current == nil {
		d.current = map[string]map[string]tagging.Assignment{}
		d.history = map[tagKey][]tagging.Assignment{}
		d.holders = map[string][]string{}
	}
}

// SetTag implements tagging.Store.
func (s *Store) SetTag(ctx context.Context, a tagging.Assignment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	if a.Removed {
		return fmt.Errorf("memstore: SetTag with removed set: %w", tagging.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.tags
	d.init()
	cur := d.current[a.CustomerID]
	if cur == nil {
		cur = map[string]tagging.Assignment{}
		d.current[a.CustomerID] = cur
	}
	if _, had := cur[a.Tag]; !had {
		ids := d.holders[a.Tag]
		i, _ := slices.BinarySearch(ids, a.CustomerID)
		d.holders[a.Tag] = slices.Insert(ids, i, a.CustomerID)
	}
	cur[a.Tag] = a
	k := tagKey{a.CustomerID, a.Tag}
	d.history[k] = append(d.history[k], a)
	return nil
}

// RemoveTag implements tagging.Store.
func (s *Store) RemoveTag(ctx context.Context, customerID, tag, by, reason string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.tags
	cur := d.current[customerID]
	old, ok := cur[tag]
	if !ok {
		return fmt.Errorf("memstore: tag assignment: %w", tagging.ErrNotFound)
	}
	delete(cur, tag)
	if len(cur) == 0 {
		delete(d.current, customerID)
	}
	ids := d.holders[tag]
	if i, found := slices.BinarySearch(ids, customerID); found {
		ids = slices.Delete(ids, i, i+1)
	}
	if len(ids) == 0 {
		delete(d.holders, tag)
	} else {
		d.holders[tag] = ids
	}
	k := tagKey{customerID, tag}
	d.history[k] = append(d.history[k], tagging.Assignment{
		CustomerID: customerID, Tag: tag, Source: old.Source, SetBy: by, Reason: reason, At: at, Removed: true,
	})
	return nil
}

// CustomerTags implements tagging.Store.
func (s *Store) CustomerTags(ctx context.Context, customerID string) ([]tagging.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cur := s.tags.current[customerID]
	out := make([]tagging.Assignment, 0, len(cur))
	for _, a := range cur {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b tagging.Assignment) int { return strings.Compare(a.Tag, b.Tag) })
	return out, nil
}

// TagHistory implements tagging.Store.
func (s *Store) TagHistory(ctx context.Context, customerID, tag string) ([]tagging.Assignment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.tags.history[tagKey{customerID, tag}]), nil
}

// tagTokenPrefix versions the page tokens of ListByTag.
const tagTokenPrefix = "t1:"

// ListByTag implements tagging.Store.
func (s *Store) ListByTag(ctx context.Context, tag, tok string, limit int) ([]string, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	after := ""
	if tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || !strings.HasPrefix(string(raw), tagTokenPrefix) || len(raw) == len(tagTokenPrefix) {
			return nil, "", fmt.Errorf("memstore: %w", tagging.ErrBadPageToken)
		}
		after = string(raw[len(tagTokenPrefix):])
	}
	limit = clampLimit(limit)
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.tags.holders[tag]
	i := 0
	if tok != "" {
		var found bool
		i, found = slices.BinarySearch(ids, after)
		if found {
			i++
		}
	}
	end := min(i+limit, len(ids))
	out := slices.Clone(ids[i:end])
	if end == len(ids) || len(out) == 0 {
		return out, "", nil
	}
	return out, base64.RawURLEncoding.EncodeToString([]byte(tagTokenPrefix + out[len(out)-1])), nil
}
