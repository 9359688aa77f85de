// Package rng is the one place the simulator's randomness comes from: explicitly seeded generators,
// never a global source. netsim draws every random decision (latencies, losses, client think times,
// disk tears, election timeouts) from generators made here, each derived from the run's seed, so a
// run is a pure function of its seed.
package rng

import "math/rand/v2"

// Rand is a seeded pseudo-random generator (math/rand/v2's Rand over PCG-DXSM, whose output is
// specified and stable across Go releases).
type Rand = rand.Rand

// New returns a generator seeded with (seed, stream). Equal arguments give equal sequences.
func New(seed, stream uint64) *Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// Child derives an independent generator from parent, consuming two values of parent's sequence.
func Child(parent *Rand) *Rand {
	return New(parent.Uint64(), parent.Uint64())
}
