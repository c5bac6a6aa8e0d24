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

// get returns the live value for k.
func (c *lru[K, V]) get(k K) (V, bool) {
	var zero V
	c.mu.RLock()
	e, ok := c.items[k]
	if !ok {
		c.mu.RUnlock()
		return zero, false
	}
	ent := e.Value.(*lruEntry[K, V])
	c.mu.RUnlock()
	if c.now() >= ent.expires {
		c.removeEntry(e)
		return zero, false
	}
	if !ent.used.Load() {
		ent.used.Store(true)
	}
	return ent.val, true
}

// removeEntry drops e if it is still cached.
func (c *lru[K, V]) removeEntry(e *list.Element) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := e.Value.(*lruEntry[K, V]).key
	if c.items[k] == e {
		c.ll.Remove(e)
		delete(c.items, k)
	}
}

// put stores v under k, evicting when full: the oldest entry not used
// since it was last considered goes first.
func (c *lru[K, V]) put(k K, v V) {
	ent := &lruEntry[K, V]{key: k, val: v, expires: c.now() + c.ttl}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.Remove(e)
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
		c.ll.Remove(last)
		delete(c.items, le.key)
	}
}

// remove drops k.
func (c *lru[K, V]) remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.Remove(e)
		delete(c.items, k)
	}
}

// len returns the number of entries, expired ones included.
func (c *lru[K, V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ll.Len()
}
