package segment

import "sync"

// floatPool recycles one kind of large per-fit float64 buffer between fits,
// so repeated fits (n_init restarts, choosing k, refits) do not fault in
// fresh memory from the operating system each time. Buffers are always
// fully written before they are read, so recycling never changes a result.
// Each kind of buffer has its own pool so that a small buffer is not handed
// out where a large one is needed.
type floatPool struct{ p sync.Pool } // of *[]float64

var (
	dataPool   floatPool // centred copies of the data (n×d)
	boundsPool floatPool // the accelerated variant's bounds (2n)
)

// get returns a slice of length n whose contents are unspecified.
func (fp *floatPool) get(n int) []float64 {
	if v, ok := fp.p.Get().(*[]float64); ok && cap(*v) >= n {
		return (*v)[:n]
	}
	return make([]float64, n)
}

// put hands a slice from get back; the caller must not use it afterwards.
func (fp *floatPool) put(s []float64) {
	if cap(s) == 0 {
		return
	}
	fp.p.Put(&s)
}
