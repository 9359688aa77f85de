package raft

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run is a pure function of its seed: the same seed gives the same message trace, message for
// message; another seed gives another trace.
func TestDeterministicReplay(t *testing.T) {
	run := func(seed int64) []string {
		rng := rand.New(rand.NewSource(seed))
		nw := newNetwork(t, 5, withPreVote, withCheckQuorum, func(c *Config) { c.Rand = newRand(seed*100 + int64(c.ID)) })
		nw.drop = func(Message) bool { return rng.Intn(8) == 0 }
		for step := 0; step < 200; step++ {
			switch a := rng.Intn(10); {
			case a < 6:
				nw.tickShuffled(rng)
			case a < 9:
				_ = nw.nodes[uint64(1+rng.Intn(5))].Propose([]byte(fmt.Sprint(step)))
				nw.stabilizeShuffled(rng)
			default:
				nw.heal()
				nw.isolate(uint64(1 + rng.Intn(5)))
			}
		}
		return nw.trace
	}
	first := run(7)
	require.NotEmpty(t, first)
	assert.Equal(t, first, run(7))
	assert.NotEqual(t, first, run(8))
}
