package identity

// SetFastMatch turns the matched-record fast path on or off, so tests can
// check that it changes nothing.
func SetFastMatch(r *Resolver, on bool) { r.fastMatch = on }
