//go:build unix

package tagging

import "syscall"

// cpuNanos returns the user+system CPU time of the process, so benchmarks
// on a shared machine can report work done independently of steal time.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
