package privacy

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCoarseClock(t *testing.T) {
	c := &coarseClock{tick: time.Millisecond, idle: 3, start: time.Now()}
	first := c.elapsed()
	if !c.running.Load() {
		t.Fatal("first read did not start the ticker")
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.elapsed() <= first {
		if time.Now().After(deadline) {
			t.Fatal("coarse clock does not advance")
		}
		time.Sleep(time.Millisecond)
	}
	if got, real := c.elapsed(), time.Since(c.start); got > real || real-got > time.Second {
		t.Fatalf("coarse %v vs real %v", got, real)
	}
	// Idle: the goroutine stops, and the next read restarts it.
	for c.running.Load() {
		if time.Now().After(deadline) {
			t.Fatal("ticker goroutine did not stop when idle")
		}
		time.Sleep(time.Millisecond)
	}
	c.elapsed()
	if !c.running.Load() {
		t.Fatal("read after idle did not restart the ticker")
	}
}

// TestShredDropsRememberedKey checks the cache's memo of the last hit is
// dropped by Shred in the same process.
func TestShredDropsRememberedKey(t *testing.T) {
	e := newTestEnv(t, nil)
	ctx := context.Background()
	ct, _ := e.v.Seal(ctx, testAD(), []byte("x"))
	for range 3 {
		if _, err := e.v.Open(ctx, testAD(), ct); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.v.Shred(ctx, "shop1", "c-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Open(ctx, testAD(), ct); !errors.Is(err, ErrShredded) {
		t.Fatalf("Open right after Shred: %v", err)
	}
}
