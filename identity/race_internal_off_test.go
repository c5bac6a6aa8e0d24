//go:build !race

package identity

const raceOn = false
