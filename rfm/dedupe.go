package rfm

import (
	"bytes"
	"hash/maphash"
	"math/bits"
	"slices"
)

// runs records, while a CSV is read, each run of rows with one (customer,
// order) pair under a provisional order number, with sequential writes
// only. dedupe then finds the pairs that came back after other rows (the
// same order split across the file) and renumbers them, so multi-row orders
// are exact without a random-access lookup per row.
type runs struct {
	seed  maphash.Seed
	hash  []uint64
	cust  []int32
	off   []int // order id of run i is arena[off[i]:off[i+1]]
	arena []byte
}

func newRuns(seed maphash.Seed) *runs { return &runs{seed: seed, off: []int{0}} }

// add starts a run and returns its provisional order number.
func (r *runs) add(c int32, order []byte) int32 {
	h := maphash.Bytes(r.seed, order) ^ (uint64(uint32(c))+1)*0x9E3779B97F4A7C15
	r.hash = append(r.hash, h^h>>29)
	r.cust = append(r.cust, c)
	r.arena = append(r.arena, order...)
	r.off = append(r.off, len(r.arena))
	return int32(len(r.hash) - 1)
}

func (r *runs) same(i, j int32) bool {
	return r.hash[i] == r.hash[j] && r.cust[i] == r.cust[j] &&
		bytes.Equal(r.arena[r.off[i]:r.off[i+1]], r.arena[r.off[j]:r.off[j+1]])
}

// dedupe returns, when some pair occurs in more than one run, the canonical
// number (its first run) of every run; nil when every run is a distinct
// order. Runs are bucketed by the top hash bits and each bucket sorted, so
// the work is two sequential passes and many small sorts.
func (r *runs) dedupe() []int32 {
	n := len(r.hash)
	if n < 2 {
		return nil
	}
	b := max(1, min(20, bits.Len(uint(n))-2))
	shift := 64 - b
	start := make([]int32, 1<<b+1)
	for _, h := range r.hash {
		start[h>>shift+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	idx := make([]int32, n)
	next := slices.Clone(start[:1<<b])
	for i, h := range r.hash {
		k := h >> shift
		idx[next[k]] = int32(i)
		next[k]++
	}
	var canon []int32
	for k := 0; k < 1<<b; k++ {
		seg := idx[start[k]:start[k+1]]
		if len(seg) < 2 {
			continue
		}
		slices.SortFunc(seg, func(x, y int32) int {
			if hx, hy := r.hash[x], r.hash[y]; hx != hy {
				if hx < hy {
					return -1
				}
				return 1
			}
			return int(x - y)
		})
		for i := 1; i < len(seg); i++ {
			if r.hash[seg[i]] != r.hash[seg[i-1]] {
				continue
			}
			// Same hash as the previous entry: find the first equal run of
			// this hash group, which is canonical (lowest run number).
			g := i - 1
			for g > 0 && r.hash[seg[g-1]] == r.hash[seg[i]] {
				g--
			}
			for j := g; j < i; j++ {
				if r.same(seg[j], seg[i]) {
					if canon == nil {
						canon = make([]int32, n)
						for x := range canon {
							canon[x] = int32(x)
						}
					}
					canon[seg[i]] = canon[seg[j]]
					break
				}
			}
		}
	}
	return canon
}
