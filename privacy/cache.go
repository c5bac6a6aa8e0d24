package privacy

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// lru is a size-bounded, time-limited cache of unwrapped keys. Entries
// expire ttl after they were loaded (not after last use), so a key destroyed
// or rotated by another process stops being used within ttl. Eviction is
// second-chance (CLOCK), an approximation of least-recently-used that lets
// hits run under a read lock. It is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.RWMutex
	max   int
	ttl   time.Duration
	now   func() time.Duration // monotonic elapsed time
	ll    *list.List           // insertion order; front = newest
	items map[K]*list.Element
	last  atomic.Pointer[lruEntry[K, V]] // most recent hit, checked first
	gen   atomic.Uint64                  // bumped whenever an entry is dropped
}

type lruEntry[K comparable, V any] struct {
	key     K
	val     V
	expires time.Duration
	used    atomic.Bool // referenced since last considered for eviction
}

func newLRU[K comparable, V any](max int, ttl time.Duration, now func() time.Duration) *lru[K, V] {
	return &lru[K, V]{max: max, ttl: ttl, now: now, ll: list.New(), items: make(map[K]*list.Element)}
}

// get returns the live value for k. The most recent hit is remembered and
// checked before the map, which makes runs of calls for one key (the
// fields of one customer) cheap.
func (c *lru[K, V]) get(k K) (V, bool) {
	var zero V
	ent := c.last.Load()
	if ent == nil || ent.key != k {
		g := c.gen.Load()
		c.mu.RLock()
		e, ok := c.items[k]
		c.mu.RUnlock()
		if !ok {
			return zero, false
		}
		ent = e.Value.(*lruEntry[K, V])
		c.last.Store(ent)
		if c.gen.Load() != g {
			// Dropped meanwhile: do not remember it.
			c.last.CompareAndSwap(ent, nil)
		}
	}
	if c.now() >= ent.expires {
		c.removeEntry(ent)
		return zero, false
	}
	if !ent.used.Load() {
		ent.used.Store(true)
	}
	return ent.val, true
}

// removeEntry drops ent if it is still the cached entry for its key.
func (c *lru[K, V]) removeEntry(ent *lruEntry[K, V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[ent.key]; ok && e.Value.(*lruEntry[K, V]) == ent {
		c.forgetLocked(e)
	}
	c.last.CompareAndSwap(ent, nil)
}

// forgetLocked drops e from the table and the memo; c.mu is held.
func (c *lru[K, V]) forgetLocked(e *list.Element) {
	ent := e.Value.(*lruEntry[K, V])
	c.ll.Remove(e)
	delete(c.items, ent.key)
	c.gen.Add(1)
	c.last.CompareAndSwap(ent, nil)
}

// put stores v under k, evicting when full: the oldest entry not used
// since it was last considered goes first.
func (c *lru[K, V]) put(k K, v V) {
	ent := &lruEntry[K, V]{key: k, val: v, expires: c.now() + c.ttl}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.forgetLocked(e)
	}
	c.items[k] = c.ll.PushFront(ent)
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		le := last.Value.(*lruEntry[K, V])
		if le.used.Load() && last != c.ll.Front() {
			le.used.Store(false)
			c.ll.MoveToFront(last)
			continue
		}
		c.forgetLocked(last)
	}
}

// remove drops k.
func (c *lru[K, V]) remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.forgetLocked(e)
	}
}

// len returns the number of entries, expired ones included.
func (c *lru[K, V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ll.Len()
}
