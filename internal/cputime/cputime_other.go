//go:build !unix

package cputime

import "time"

// Process reports false: the platform cannot tell.
func Process() (time.Duration, bool) { return 0, false }
