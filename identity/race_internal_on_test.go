//go:build race

package identity

// raceOn shrinks the internal differential corpora under -race.
const raceOn = true
