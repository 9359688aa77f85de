package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadIndexOnLeader(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	var heartbeatCtx [][]byte
	nw.drop = func(m Message) bool {
		if m.Type == MsgHeartbeat {
			heartbeatCtx = append(heartbeatCtx, m.Context)
		}
		return false
	}
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("r1")))
	nw.stabilize()
	require.Equal(t, []ReadState{{Index: nw.node(1).log.committed, RequestCtx: []byte("r1")}}, nw.reads[1])
	assert.Equal(t, [][]byte{[]byte("r1"), []byte("r1")}, heartbeatCtx, "the quorum round's heartbeats carry the context")
}

func TestReadIndexForwardedByFollower(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	require.NoError(t, nw.nodes[2].ReadIndex([]byte("r2")))
	nw.stabilize()
	assert.Equal(t, []ReadState{{Index: nw.node(1).log.committed, RequestCtx: []byte("r2")}}, nw.reads[2])
	assert.Empty(t, nw.reads[1])
}

func TestReadIndexPartitionedLeaderNeverAnswers(t *testing.T) {
	nw := newNetwork(t, 5)
	nw.campaign(1)
	nw.partition([]uint64{1, 2}, []uint64{3, 4, 5})
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("r")))
	nw.tick(testElection)
	assert.Empty(t, nw.reads[1])
	nw.campaign(3)
	nw.tick(testElection)
	assert.Empty(t, nw.reads[1], "no stale read point even after the majority moved on")
}

func TestReadIndexDeferredUntilNoopCommits(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	nw.isolate(1)
	nw.drop = func(m Message) bool { return m.Type == MsgAppResp }
	nw.campaign(2)
	require.Equal(t, RoleLeader, nw.node(2).state)
	require.NoError(t, nw.nodes[2].ReadIndex([]byte("r")))
	nw.tick(testHeartbeat)
	assert.Empty(t, nw.reads[2], "the new leader does not know its commit index yet")
	nw.drop = nil
	nw.tick(testHeartbeat)
	require.Len(t, nw.reads[2], 1)
	assert.Equal(t, nw.node(2).log.lastIndex(), nw.reads[2][0].Index, "read point includes the no-op")
}

func TestReadIndexErrors(t *testing.T) {
	nw := newNetwork(t, 3)
	var nl *NotLeaderError
	require.ErrorAs(t, nw.nodes[1].ReadIndex([]byte("r")), &nl)
	assert.Equal(t, None, nl.Leader)
	require.ErrorIs(t, nw.nodes[1].ReadIndex(nil), ErrReadIndexEmptyContext)
	require.NoError(t, nw.nodes[1].Campaign())
	require.ErrorAs(t, nw.nodes[1].ReadIndex([]byte("r")), &nl, "a candidate knows no leader")
}

func TestReadIndexSingleNode(t *testing.T) {
	nw := newNetwork(t, 1)
	nw.campaign(1)
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("r")))
	nw.stabilize()
	assert.Equal(t, []ReadState{{Index: 1, RequestCtx: []byte("r")}}, nw.reads[1])
}

func TestReadIndexBatchConfirmedByLaterRound(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(2)
	nw.isolate(3)
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("a")))
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("b")))
	require.NoError(t, nw.nodes[1].ReadIndex([]byte("b"))) // duplicate context: one answer
	nw.heal()
	nw.tick(testHeartbeat) // the heartbeat carries "b"; its quorum also confirms "a"
	require.Len(t, nw.reads[1], 2)
	assert.Equal(t, []byte("a"), nw.reads[1][0].RequestCtx)
	assert.Equal(t, []byte("b"), nw.reads[1][1].RequestCtx)
}

// ReadIndex keeps its own copy of the context: the caller may reuse its buffer at once (the node
// passes a stack array).
func TestReadIndexCopiesItsContext(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	ctx := []byte("r1")
	require.NoError(t, nw.nodes[2].ReadIndex(ctx))
	copy(ctx, "zz")
	nw.stabilize()
	assert.Equal(t, []ReadState{{Index: nw.node(1).log.committed, RequestCtx: []byte("r1")}}, nw.reads[2])
}

// A leader serving read-index requests one round after another reuses their statuses, ack lists and
// queue: each request costs only the copy of its context that keys it.
func TestReadOnlyReusesServedStatuses(t *testing.T) {
	ro := newReadOnly()
	ctxs := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
	type served struct {
		first, second []*readIndexStatus
		acks          []uint64
		lastPending   []byte
	}
	round := func() served {
		var sv served
		for i, c := range ctxs {
			ro.add(uint64(10+i), Message{Type: MsgReadIndex, Context: c})
		}
		ro.recvAck(1, []byte("c"))
		sv.acks = ro.recvAck(2, []byte("c"))
		sv.first = ro.advance([]byte("b"))
		ro.release(sv.first)
		sv.lastPending = ro.lastPendingContext()
		sv.second = ro.advance([]byte("c"))
		ro.release(sv.second)
		return sv
	}
	for range 2 {
		ro.add(1, Message{Type: MsgReadIndex, Context: []byte("x")}) // an earlier round, served by y's quorum
		ro.add(2, Message{Type: MsgReadIndex, Context: []byte("y")})
		ro.release(ro.advance([]byte("y")))
		sv := round()
		assert.Equal(t, []uint64{1, 2}, sv.acks)
		assert.Len(t, sv.first, 2, "a quorum for b also confirms the earlier a")
		assert.Len(t, sv.second, 1)
		assert.Equal(t, []byte("c"), sv.lastPending)
		assert.Empty(t, ro.queue)
		assert.Empty(t, ro.pending)
	}
	allocs := testing.AllocsPerRun(20, func() { round() })
	assert.LessOrEqual(t, allocs, float64(len(ctxs)))
}
