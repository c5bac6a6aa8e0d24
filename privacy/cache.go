package privacy

import (
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
	ring  lruEntry[K, V]       // sentinel of the list in insertion order: ring.next is the newest
	n     int                  // entries in the list
	items map[K]*lruEntry[K, V]
	last  atomic.Pointer[lruEntry[K, V]] // most recent hit, checked first
	gen   atomic.Uint64                  // bumped whenever an entry is dropped
}

// lruEntry is one cached value and its place in the list (one
// allocation per entry).
type lruEntry[K comparable, V any] struct {
	prev, next *lruEntry[K, V]
	key        K
	val        V
	expires    time.Duration
	used       atomic.Bool // referenced since last considered for eviction
}

func newLRU[K comparable, V any](max int, ttl time.Duration, now func() time.Duration) *lru[K, V] {
	c := &lru[K, V]{max: max, ttl: ttl, now: now, items: make(map[K]*lruEntry[K, V])}
	c.ring.prev, c.ring.next = &c.ring, &c.ring
	return c
}

// pushFront links e as the newest entry; c.mu is held.
func (c *lru[K, V]) pushFront(e *lruEntry[K, V]) {
	e.prev, e.next = &c.ring, c.ring.next
	e.prev.next, e.next.prev = e, e
	c.n++
}

// unlink takes e out of the list; c.mu is held.
func (c *lru[K, V]) unlink(e *lruEntry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	c.n--
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
		ent = e
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
	if e, ok := c.items[ent.key]; ok && e == ent {
		c.forgetLocked(e)
	}
	c.last.CompareAndSwap(ent, nil)
}

// forgetLocked drops ent from the table and the memo; c.mu is held.
func (c *lru[K, V]) forgetLocked(ent *lruEntry[K, V]) {
	c.unlink(ent)
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
	c.items[k] = ent
	c.pushFront(ent)
	for c.n > c.max {
		last := c.ring.prev
		if last.used.Load() && last != c.ring.next {
			last.used.Store(false)
			c.unlink(last)
			c.pushFront(last)
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
	return c.n
}
