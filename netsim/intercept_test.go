package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnInterceptRuleDropsHoldsAndDelaysMessages(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	s.Net().Intercept(func(m *raft.Message) int64 {
		switch {
		case m.From == 1:
			return DropMessage
		case m.From == 2 && m.To == 3:
			return HoldMessage
		case m.From == 3:
			return 500 * ms
		}
		return 0
	})
	s.Run(1e9)
	p2, p3 := fake(s, 2), fake(s, 3)
	assert.Zero(t, p2.received[1], "n1's messages are dropped")
	assert.Zero(t, p3.received[2], "n2's messages to n3 are parked")
	assert.Positive(t, p1Received(s, 2), "n2's messages to n1 pass")
	// n3's heartbeats left every 100 ms from 100 ms on and each arrives 500 ms (+ latency) later.
	require.Positive(t, p2.received[3])
	assert.Less(t, p2.received[3], 7)

	s.Net().Intercept(nil)
	held := s.Net().ReleaseHeld()
	assert.GreaterOrEqual(t, held, 9)
	s.RunFor(10 * ms)
	assert.Equal(t, held, p3.received[2], "released messages arrive")
	assert.Zero(t, s.Net().ReleaseHeld(), "nothing left to release")
}

func p1Received(s *Sim, from uint64) int { return fake(s, 1).received[from] }
