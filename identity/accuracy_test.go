package identity_test

import (
	"testing"

	"github.com/cimkit/cimkit/identity"
	"github.com/cimkit/cimkit/internal/synth"
)

// pairScores computes pairwise precision and recall of predicted clusters
// (record ids) against the truth (record id → person id), counting pairs
// through the contingency table rather than enumerating them.
func pairScores(pred [][]string, truth map[string]string) (precision, recall float64, tp, predPairs, truePairs int) {
	pairs := func(n int) int { return n * (n - 1) / 2 }
	perPerson := map[string]int{}
	for _, p := range truth {
		perPerson[p]++
	}
	for _, n := range perPerson {
		truePairs += pairs(n)
	}
	for _, c := range pred {
		predPairs += pairs(len(c))
		cell := map[string]int{}
		for _, id := range c {
			cell[truth[id]]++
		}
		for _, n := range cell {
			tp += pairs(n)
		}
	}
	precision, recall = 1, 1
	if predPairs > 0 {
		precision = float64(tp) / float64(predPairs)
	}
	if truePairs > 0 {
		recall = float64(tp) / float64(truePairs)
	}
	return
}

func TestPairScoresOracle(t *testing.T) {
	truth := map[string]string{"a": "p", "b": "p", "c": "p", "d": "q", "e": "q"}
	// Brute force over all pairs.
	pred := [][]string{{"a", "b"}, {"c", "d"}, {"e"}}
	p, r, tp, pp, tr := pairScores(pred, truth)
	if tp != 1 || pp != 2 || tr != 4 || p != 0.5 || r != 0.25 {
		t.Fatalf("got tp=%d pred=%d true=%d p=%v r=%v", tp, pp, tr, p, r)
	}
}

// TestSyntheticAccuracy resolves seeded synthetic records and scores the
// partition against the generator's ground truth.
func TestSyntheticAccuracy(t *testing.T) {
	n := 20000
	if testing.Short() || raceEnabled {
		n = 5000
	}
	for _, seed := range []uint64{1, 2} {
		d, err := synth.Generate(synth.Config{Customers: n, Orders: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := newResolver(t)
		var recs []identity.Record
		truth := map[string]string{}
		for _, x := range d.Records {
			recs = append(recs, fromSynth(x))
			truth[x.ID] = x.PersonID
		}
		ns := nodes(t, r, recs)
		part := identity.Resolve(ns, r.Rules(), nil, false)
		seen := map[string]bool{}
		for _, c := range part.Clusters {
			for _, id := range c {
				seen[id] = true
			}
		}
		for id := range truth { // records with no identifier stay alone
			if !seen[id] {
				part.Clusters = append(part.Clusters, []string{id})
			}
		}
		p, rc, tp, pp, tr := pairScores(part.Clusters, truth)
		t.Logf("seed %d: %d records, %d persons, %d customers; pairwise precision %.4f recall %.4f (tp %d, predicted %d, true %d)",
			seed, len(d.Records), len(d.Persons), len(part.Clusters), p, rc, tp, pp, tr)
		if p < 0.99 || rc < 0.97 {
			t.Errorf("seed %d: precision %.4f (want ≥ 0.99), recall %.4f (want ≥ 0.97)", seed, p, rc)
		}
	}
}
