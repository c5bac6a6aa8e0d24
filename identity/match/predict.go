package match

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Pair is a scored candidate pair.
type Pair struct {
	// A and B are the positions of the records: in deduplication both in
	// the one table with A < B; in linkage A in the first table and B in
	// the second.
	A, B int
	// IDA and IDB are the records' ids.
	IDA, IDB string
	// Weight is the match weight in bits.
	Weight float64
	// Probability is the match probability.
	Probability float64
}

// Predict scores every candidate pair the model's blocking rules produce
// over one table (b nil: deduplication) or two (linkage), and returns the
// pairs with probability at least threshold, ordered by rule and then by
// position. The pair count is checked against the model's maximum before
// any pair is generated. Scoring runs on GOMAXPROCS goroutines; the result
// does not depend on their number.
func (m *Model) Predict(ctx context.Context, a, b []Record, threshold float64) ([]Pair, error) {
	if !(threshold >= 0 && threshold <= 1) {
		return nil, fmt.Errorf("%w: threshold must be in [0, 1]", ErrInvalid)
	}
	_, total, err := CountPairs(m.fields, m.blocking, a, b)
	if err != nil {
		return nil, err
	}
	if total > m.maxPairs {
		return nil, fmt.Errorf("%w: blocking would generate %d pairs, maximum %d", ErrTooManyPairs, total, m.maxPairs)
	}
	bl, err := newBlocker(m.fields, m.blocking, a, b)
	if err != nil {
		return nil, err
	}
	pa := m.prepareAll(a)
	pb := pa
	if b != nil {
		pb = m.prepareAll(b)
	}
	cand := make([]pair, 0, total)
	if err := bl.generate(ctx, func(p pair) { cand = append(cand, p) }); err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	const chunk = 4096
	nChunks := (len(cand) + chunk - 1) / chunk
	results := make([][]Pair, nChunks)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ci := range next {
				end := min((ci+1)*chunk, len(cand))
				var out []Pair
				for _, p := range cand[ci*chunk : end] {
					wt := m.weight(pa[p.I], pb[p.J])
					if pr := probability(wt); pr >= threshold {
						out = append(out, Pair{A: int(p.I), B: int(p.J), IDA: a[p.I].ID, IDB: recAt(a, b, p.J).ID, Weight: wt, Probability: pr})
					}
				}
				results[ci] = out
			}
		}()
	}
	var cerr error
	for ci := 0; ci < nChunks; ci++ {
		if cerr = ctx.Err(); cerr != nil {
			break
		}
		next <- ci
	}
	close(next)
	wg.Wait()
	if cerr != nil {
		return nil, cerr
	}
	var out []Pair
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

func recAt(a, b []Record, j int32) Record {
	if b == nil {
		return a[j]
	}
	return b[j]
}
