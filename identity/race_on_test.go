//go:build race

package identity_test

// raceEnabled shrinks the big corpora under -race.
const raceEnabled = true
