package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A leader's heartbeat broadcast to four peers allocates its message batch once, sized for the
// peers, instead of growing it message by message.
func TestLeaderBroadcastAllocatesItsBatchOnce(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3, 4, 5}, HardState{}, nil)
	r.becomeCandidate()
	r.becomeLeader()
	takeMsgs(r)
	allocs := testing.AllocsPerRun(20, func() {
		require.NoError(t, r.Step(Message{From: 1, Type: MsgBeat}))
		msgs := takeMsgs(r)
		if len(msgs) != 4 || cap(msgs) != 4 {
			t.Fatalf("heartbeat batch len %d cap %d, want 4 and 4", len(msgs), cap(msgs))
		}
	})
	require.Equal(t, 1.0, allocs)
}
