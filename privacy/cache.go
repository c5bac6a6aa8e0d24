package privacy

import (
	"container/list"
	"sync"
	"time"
)

// lru is a size-bounded, time-limited cache of unwrapped keys. Entries
// expire ttl after they were loaded (not after last use), so a key destroyed
// or rotated by another process stops being used within ttl. It is safe for
// concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	ll    *list.List // front = most recently used
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key     K
	val     V
	expires time.Time
}

func newLRU[K comparable, V any](max int, ttl time.Duration, now func() time.Time) *lru[K, V] {
	return &lru[K, V]{max: max, ttl: ttl, now: now, ll: list.New(), items: make(map[K]*list.Element)}
}

// get returns the live value for k.
func (c *lru[K, V]) get(k K) (V, bool) {
	var zero V
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return zero, false
	}
	ent := e.Value.(*lruEntry[K, V])
	if !c.now().Before(ent.expires) {
		c.ll.Remove(e)
		delete(c.items, k)
		return zero, false
	}
	c.ll.MoveToFront(e)
	return ent.val, true
}

// put stores v under k, evicting the least recently used entry when full.
func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if e, ok := c.items[k]; ok {
		ent := e.Value.(*lruEntry[K, V])
		ent.val, ent.expires = v, exp
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&lruEntry[K, V]{key: k, val: v, expires: exp})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruEntry[K, V]).key)
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

// removeIf drops every entry whose key satisfies f.
func (c *lru[K, V]) removeIf(f func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.items {
		if f(k) {
			c.ll.Remove(e)
			delete(c.items, k)
		}
	}
}

// len returns the number of entries, expired ones included.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
