//go:build !unix

package memstore_test

import "time"

func cpuTime() time.Duration { return 0 }
