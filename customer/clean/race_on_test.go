//go:build race

package clean

// raceEnabled shrinks the big corpora under -race.
const raceEnabled = true
