//go:build !race

package node

// raceEnabled: the race detector is on (sync.Pool then drops what it is given at random, so
// allocation figures are not measured).
const raceEnabled = false
