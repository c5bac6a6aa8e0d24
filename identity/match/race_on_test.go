//go:build race

package match

// raceEnabled shrinks the accuracy corpora under the race detector, which
// slows the hot loops about tenfold.
const raceEnabled = true
