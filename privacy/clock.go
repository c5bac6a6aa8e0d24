package privacy

import (
	"sync/atomic"
	"time"
)

// coarseClock is the default clock for cache expiry. Reading the system
// clock on every Seal, Open and Token would cost as much as a quarter of
// the cryptography, so while the Vault is busy a goroutine refreshes an
// atomic reading every tick, and readers load it. The goroutine stops after
// idleTicks ticks without a reader and restarts on the next read, so an
// idle Vault holds no goroutine. Readings lag real time by at most a tick.
type coarseClock struct {
	tick    time.Duration
	idle    int // ticks without a reader before the goroutine stops
	start   time.Time
	now     atomic.Int64 // elapsed nanoseconds at the last tick
	running atomic.Bool
	used    atomic.Bool
}

const (
	coarseTick = 20 * time.Millisecond
	idleTicks  = 50
)

func newCoarseClock() *coarseClock {
	return &coarseClock{tick: coarseTick, idle: idleTicks, start: time.Now()}
}

// elapsed returns the time since the clock was made, to within a tick.
func (c *coarseClock) elapsed() time.Duration {
	if !c.running.Load() {
		d := time.Since(c.start)
		if c.running.CompareAndSwap(false, true) {
			c.now.Store(int64(d))
			go c.run()
		}
		return d
	}
	if !c.used.Load() {
		c.used.Store(true)
	}
	return time.Duration(c.now.Load())
}

func (c *coarseClock) run() {
	t := time.NewTicker(c.tick)
	defer t.Stop()
	idle := 0
	for range t.C {
		c.now.Store(int64(time.Since(c.start)))
		if c.used.Swap(false) {
			idle = 0
			continue
		}
		if idle++; idle >= c.idle {
			c.running.Store(false)
			return
		}
	}
}
