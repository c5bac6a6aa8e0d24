package segment

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkRows is the fixed number of rows per work unit. The partition of rows
// into chunks never depends on the number of threads, and per-chunk partial
// sums are always reduced in chunk order, so every result is bit-for-bit the
// same whatever GOMAXPROCS is.
const chunkRows = 512

func numChunks(n int) int { return (n + chunkRows - 1) / chunkRows }

func chunkBounds(c, n int) (lo, hi int) {
	lo = c * chunkRows
	return lo, min(lo+chunkRows, n)
}

// forChunks calls f(c) for every chunk c in [0, nChunks), spread over up to
// GOMAXPROCS goroutines. f must only write state owned by chunk c.
func forChunks(nChunks int, f func(c int)) {
	workers := workersFor(nChunks)
	if workers <= 1 { // without the wrapping closure, which escapes
		for c := 0; c < nChunks; c++ {
			f(c)
		}
		return
	}
	forChunksOn(nChunks, workers, func(_, c int) { f(c) })
}

// workersFor is the number of goroutines to spread nChunks chunks over.
func workersFor(nChunks int) int { return max(1, min(runtime.GOMAXPROCS(0), nChunks)) }

// forChunksOn is forChunks on the given number of goroutines, telling f
// which one (0 ≤ w < workers) runs chunk c, so that f can use scratch
// space owned by that goroutine.
func forChunksOn(nChunks, workers int, f func(w, c int)) {
	if workers <= 1 {
		for c := 0; c < nChunks; c++ {
			f(0, c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nChunks {
					return
				}
				f(w, c)
			}
		}()
	}
	wg.Wait()
}

// sqDist is the squared Euclidean distance. The explicit float64 conversion
// forbids fused multiply-add, so results do not depend on the target CPU.
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i := range a {
		t := a[i] - b[i]
		s += float64(t * t)
	}
	return s
}
