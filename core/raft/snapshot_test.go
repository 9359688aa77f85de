package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compact makes node id snapshot its applied state and drop the log before it.
func (nw *network) compact(id uint64, data string) {
	n := nw.nodes[id]
	applied := n.Status().Applied
	cs := n.Status().ConfState
	_, err := nw.storage[id].CreateSnapshot(applied, &cs, []byte(data))
	require.NoError(nw.t, err)
	require.NoError(nw.t, nw.storage[id].Compact(applied))
}

func TestSnapshotCatchUp(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(3)
	for i := 0; i < 10; i++ {
		require.NoError(t, nw.propose(1, "a"))
	}
	nw.compact(1, "image")
	require.NoError(t, nw.propose(1, "after"))
	nw.heal()
	nw.tick(2 * testHeartbeat)

	st3 := nw.nodes[3].Status()
	assert.Equal(t, nw.nodes[1].Status().HardState.Commit, st3.HardState.Commit)
	assert.Equal(t, []string{"image", "after"}, nw.data(3)[len(nw.data(3))-2:], "node 3 restored the snapshot")
	snap, err := nw.storage[3].Snapshot()
	require.NoError(t, err)
	assert.Equal(t, uint64(11), snap.Metadata.Index)
	assert.Equal(t, []uint64{1, 2, 3}, snap.Metadata.ConfState.Voters)
	pr := progressOf(nw.nodes[1].Status(), 3)
	assert.Equal(t, ProgressReplicate, pr.State)
	assert.Equal(t, nw.node(1).log.lastIndex(), pr.Match)
}

func progressOf(st Status, id uint64) PeerProgress {
	for _, p := range st.Progress {
		if p.ID == id {
			return p
		}
	}
	return PeerProgress{}
}

func TestSnapshotSendsOnlyWhenNeeded(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	sawSnap := false
	nw.drop = func(m Message) bool {
		sawSnap = sawSnap || m.Type == MsgSnap
		return false
	}
	require.NoError(t, nw.propose(1, "a"))
	nw.compact(1, "image")
	nw.tick(2 * testHeartbeat)
	assert.False(t, sawSnap, "followers that are up to date get entries, not snapshots")
}

func TestReportSnapshot(t *testing.T) {
	tests := []struct {
		name     string
		failed   bool
		wantNext uint64
	}{
		{name: "success resumes after the snapshot", wantNext: 12},
		{name: "failure probes again from match", failed: true, wantNext: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nw := newNetwork(t, 3)
			nw.campaign(1)
			nw.isolate(3)
			for i := 0; i < 10; i++ {
				require.NoError(t, nw.propose(1, "a"))
			}
			nw.compact(1, "image")
			nw.node(1).prs[3].recentActive = true
			nw.node(1).prs[3].becomeProbe() // as after a rejection: next = match+1, compacted
			nw.node(1).sendAppend(3)
			pr := nw.node(1).prs[3]
			require.Equal(t, ProgressSnapshot, pr.state)
			require.Equal(t, uint64(11), pr.pendingSnapshot)
			assert.True(t, pr.isPaused(), "nothing else is sent while a snapshot is in flight")
			nw.nodes[1].ReportSnapshot(3, tt.failed)
			assert.Equal(t, ProgressProbe, pr.state)
			assert.True(t, pr.probeSent, "waits for the next heartbeat response")
			assert.Equal(t, tt.wantNext, pr.next)
		})
	}
}

// A snapshot that is older than what the follower has committed is acknowledged but not applied.
func TestStaleSnapshotIgnored(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2}, HardState{Term: 1, Commit: 3}, ents(1, 1, 1))
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 2, Term: 1, ConfState: ConfState{Voters: []uint64{1, 2}}}}
	require.NoError(t, r.Step(Message{From: 1, To: 2, Term: 1, Type: MsgSnap, Snapshot: &snap}))
	msgs := takeMsgs(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, uint64(3), msgs[0].Index)
	assert.Nil(t, r.log.unstable.snapshot)
}

// A snapshot whose last entry the follower already holds only fast-forwards the commit index.
func TestSnapshotFastForwardsCommit(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2}, HardState{Term: 1, Commit: 1}, ents(1, 1, 1))
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 3, Term: 1, ConfState: ConfState{Voters: []uint64{1, 2}}}}
	require.NoError(t, r.Step(Message{From: 1, To: 2, Term: 1, Type: MsgSnap, Snapshot: &snap}))
	assert.Equal(t, uint64(3), r.log.committed)
	assert.Nil(t, r.log.unstable.snapshot)
}

func TestRestartRedeliversCommittedAfterApplied(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "a"))
	require.NoError(t, nw.propose(1, "b"))
	s := nw.storage[2]
	c := testConfig(2, []uint64{1, 2, 3}, s)
	c.Applied = 2 // the host had applied the no-op and "a"
	n, err := NewNode(c)
	require.NoError(t, err)
	rd := n.Ready()
	require.Len(t, rd.CommittedEntries, 1)
	assert.Equal(t, []byte("b"), rd.CommittedEntries[0].Data)
	assert.Equal(t, HardState{Term: 1, Vote: 1, Commit: 3}, n.Status().HardState)
}

// A snapshot lost in the network, never reported by the host, is presumed lost after an election
// timeout of heartbeat answers and sent again.
func TestLostSnapshotIsResent(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(3)
	for i := 0; i < 5; i++ {
		require.NoError(t, nw.propose(1, "a"))
	}
	nw.compact(1, "image")
	nw.heal()
	snaps := 0
	nw.drop = func(m Message) bool {
		if m.Type != MsgSnap {
			return false
		}
		snaps++
		return snaps == 1 // the first one is lost
	}
	nw.tick(3 * testElection)
	assert.Equal(t, 2, snaps)
	assert.Equal(t, nw.node(1).log.committed, nw.node(3).log.committed)
	assert.Contains(t, nw.data(3), "image")
}
