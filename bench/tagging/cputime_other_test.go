//go:build !unix

package tagging

// cpuNanos is unavailable on this platform.
func cpuNanos() int64 { return 0 }
