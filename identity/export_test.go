package identity

// SetFastMatch turns the matched-record fast path on or off, so tests can
// check that it changes nothing.
func SetFastMatch(r *Resolver, on bool) { r.fastMatch = on }

// OnBulkWrite makes IngestBatch tell f how many records each chunk wrote
// in bulk (nil: stop). Not for parallel tests.
func OnBulkWrite(f func(n int)) { bulkWritten = f }

// OnBulkRefused makes IngestBatch tell f each time the store refuses a
// chunk's write (nil: stop). Not for parallel tests.
func OnBulkRefused(f func(error)) { bulkRefused = f }

// SetBatchHashCollisions makes IngestBatch's key and id hashes collide
// (all but the low 3 bits cleared) or not. Not for parallel tests.
func SetBatchHashCollisions(on bool) {
	hashMask = 0
	if on {
		hashMask = ^uint64(7)
	}
}
