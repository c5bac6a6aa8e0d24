// Package cputime reads the process's CPU time, so that benchmarks on a
// shared machine can report throughput per CPU second (time spent waiting
// for a core is not counted).
package cputime
