package identity_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cimkit/cimkit/identity"
)

// TestFastPathSmallUniverse drives the fast paths into the corners the
// synthetic corpus rarely reaches: records drawn from a handful of phones,
// devices, member ids and names, hours to a year apart, so unique-kind
// conflicts, ownership expiry and shared devices happen on almost every
// record. With and without the matched-record fast path every ingest must
// give the same customer and outcome, and both final partitions must equal
// the batch one.
func TestFastPathSmallUniverse(t *testing.T) {
	seeds := 300
	if raceEnabled {
		seeds = 60
	}
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var recs []identity.Record
		for i := range 12 {
			recs = append(recs, tinyRecord(rng, fmt.Sprintf("r%02d", i)))
		}
		fastSlowAgree(t, seed, recs)
	}
}
