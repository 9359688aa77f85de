package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
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

// readyWithHeartbeats makes the leader n broadcast heartbeats and returns the Ready carrying them.
func readyWithHeartbeats(t *testing.T, n *Node) Ready {
	t.Helper()
	require.NoError(t, n.r.Step(Message{From: n.r.id, Type: MsgBeat}))
	rd := n.Ready()
	require.NotEmpty(t, rd.Messages)
	n.Advance(rd)
	return rd
}

// Ready hands out raft's own message array, valid until the next Ready: messages raft sends while
// the host still holds a Ready go elsewhere, and the array of a Ready comes back for reuse once the
// next Ready was called.
func TestReadyMessagesStayValidUntilTheNextReady(t *testing.T) {
	s := NewMemoryStorage()
	n, err := NewNode(testConfig(1, []uint64{1, 2, 3}, s))
	require.NoError(t, err)
	n.r.becomeCandidate()
	n.r.becomeLeader()
	first := n.Ready()
	require.NoError(t, s.Append(first.Entries))
	n.Advance(first)

	held := readyWithHeartbeats(t, n)
	want := append([]Message(nil), held.Messages...)
	// While held is out, raft collects new messages (an append per follower) without touching it.
	require.NoError(t, n.Propose([]byte("x")))
	require.Equal(t, want, held.Messages, "a held Ready's messages must not be overwritten before the next Ready")

	next := n.Ready()
	require.NoError(t, s.Append(next.Entries))
	n.Advance(next)
	require.NotEmpty(t, next.Messages)
	for _, m := range next.Messages {
		assert.Equal(t, MsgApp, m.Type)
	}
	// held's array was given back by that Ready and now collects the following batch.
	again := readyWithHeartbeats(t, n)
	assert.Same(t, &held.Messages[:1][0], &again.Messages[:1][0], "raft reuses the array of the Ready before last")
}

// A leader that keeps broadcasting heartbeats through Ready allocates nothing for its messages once
// its two arrays exist.
func TestSteadyHeartbeatsThroughReadyAllocateNothing(t *testing.T) {
	s := NewMemoryStorage()
	n, err := NewNode(testConfig(1, []uint64{1, 2, 3, 4, 5}, s))
	require.NoError(t, err)
	n.r.becomeCandidate()
	n.r.becomeLeader()
	first := n.Ready()
	require.NoError(t, s.Append(first.Entries))
	n.Advance(first)
	readyWithHeartbeats(t, n)
	readyWithHeartbeats(t, n)
	allocs := testing.AllocsPerRun(20, func() {
		require.NoError(t, n.r.Step(Message{From: 1, Type: MsgBeat}))
		n.Advance(n.Ready())
	})
	assert.Zero(t, allocs)
}

// A recycled message array keeps nothing reachable: every reference of the old messages is gone,
// and the array itself is the one handed in, emptied.
func TestRecycleMessagesDropsEveryReference(t *testing.T) {
	ms := []Message{
		{Type: MsgApp, Entries: []Entry{{Index: 1, Data: []byte("x")}}, Context: []byte("c")},
		{Type: MsgSnap, Snapshot: &Snapshot{Data: []byte("big")}},
		{Type: MsgHeartbeat},
	}
	out := RecycleMessages(ms)
	require.Empty(t, out)
	require.Equal(t, cap(ms), cap(out))
	require.Same(t, &ms[0], &out[:1][0], "the same array")
	for i, m := range ms {
		require.Nil(t, m.Entries, "message %d", i)
		require.Nil(t, m.Snapshot, "message %d", i)
		require.Nil(t, m.Context, "message %d", i)
	}
}
