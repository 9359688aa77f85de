package node

import (
	"errors"
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func followerOf(c *testCluster, lead uint64) uint64 {
	for _, id := range c.ids {
		if id != lead && c.nodes[id] != nil {
			return id
		}
	}
	return 0
}

func TestQuorumReadOnFollowerIsForwarded(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	_, ok := c.submit(lead, setReq("/k", "v"), 50)
	require.True(t, ok)
	r, ok := c.submit(followerOf(c, lead), Request{Kind: KindQuorumGet, Key: "/k"}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Equal(t, "v", value(t, r.Event))
}

func TestQuorumReadRetryWhilePendingIsAnsweredOnce(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	c.isolate(lead)
	req := Request{ID: 5000, Kind: KindQuorumGet, Key: "/k"}
	c.nodes[lead].Submit(req)
	c.nodes[lead].Submit(req)
	c.heal()
	c.tick(30)
	r, ok := c.replies[5000]
	require.True(t, ok, "the read is answered after the partition heals")
	var se *store.Error
	require.ErrorAs(t, r.Err, &se, "the key does not exist")
	assert.Equal(t, 100, se.ErrorCode)
	assert.Equal(t, 1, c.replyCount[5000], "answered exactly once")
}

func TestLearnerAddPromoteAndMemberUpdate(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	r, ok := c.submit(lead, Request{Kind: KindMemberAddLearner, Member: Member{ID: 9, PeerURLs: []string{"http://p9"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Equal(t, []uint64{9}, c.nodes[lead].Status().Learners)

	r, ok = c.submit(lead, Request{Kind: KindMemberPromote, MemberID: 2}, 5)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrNotLearner, "only learners can be promoted")

	r, ok = c.submit(lead, Request{Kind: KindMemberPromote, MemberID: 9}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Empty(t, c.nodes[lead].Status().Learners)

	r, ok = c.submit(lead, Request{Kind: KindMemberUpdate, MemberID: 9, Member: Member{PeerURLs: []string{"http://p9b"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	var got []string
	for _, m := range c.nodes[lead].Status().Members {
		if m.ID == 9 {
			got = m.PeerURLs
		}
	}
	assert.Equal(t, []string{"http://p9b"}, got)

	r, ok = c.submit(lead, Request{Kind: KindMemberUpdate, MemberID: 42, Member: Member{PeerURLs: []string{"http://x"}}}, 5)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrIDNotFound)
	r, ok = c.submit(lead, Request{Kind: KindMemberUpdate, MemberID: 9, Member: Member{PeerURLs: []string{"http://p1"}}}, 5)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrPeerURLExists)
	r, ok = c.submit(lead, Request{Kind: KindMemberRemove, MemberID: 42}, 5)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrIDNotFound)
	r, ok = c.submit(lead, Request{Kind: 99}, 5)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrBadRequest)
}

func TestRestartFromSnapshotKeepsDedupTable(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount = 5 })
	lead := c.waitLeader()
	req := Request{ID: 4242, Kind: KindWrite, Write: store.Request{Op: store.OpCreateInOrder, Key: "/q", Value: "x"}}
	first, ok := c.submit(lead, req, 50)
	require.True(t, ok)
	require.NoError(t, first.Err)
	for i := 0; i < 10; i++ {
		_, ok := c.submit(lead, setReq("/k", "v"), 50)
		require.True(t, ok)
	}
	c.tick(3)
	require.False(t, c.disks[lead].snap.IsEmpty(), "a snapshot was persisted")
	idx := c.nodes[lead].Store().Index()
	c.crash(lead)
	c.restart(lead)
	// The retried request is recognised from the snapshot's dedup table: same result, no new index.
	again, ok := c.submit(lead, req, 1)
	require.True(t, ok)
	require.NoError(t, again.Err)
	assert.Equal(t, first.Event.Node.Key, again.Event.Node.Key)
	assert.Equal(t, idx, c.nodes[lead].Store().Index())
}

func TestCorruptSnapshotDataIsRefused(t *testing.T) {
	cfg := Config{ID: 1, InitialMembers: []Member{{ID: 1}}, Rand: seededRand{nil}}
	_, err := New(cfg, &DurableState{Snapshot: raft.Snapshot{Metadata: raft.SnapshotMetadata{Index: 3, Term: 1, ConfState: raft.ConfState{Voters: []uint64{1}}}, Data: []byte("garbage")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "corrupt snapshot")
}

func TestTransferLeadershipAndCampaign(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.nodes[2].Campaign()
	c.pump()
	c.tick(2)
	require.Equal(t, uint64(2), c.leader(), "the node that campaigned leads")
	c.nodes[2].TransferLeadership(3)
	c.pump()
	c.tick(5)
	assert.Equal(t, uint64(3), c.leader())
	c.nodes[3].ReportUnreachable(1)
}

func TestDescribeEveryEntryKind(t *testing.T) {
	codec := newCodecs()
	enc := func(env envelope) raft.Entry {
		data, err := codec.encode(&env)
		require.NoError(t, err)
		return raft.Entry{Type: raft.EntryNormal, Data: data}
	}
	cases := []struct {
		e    raft.Entry
		want string
	}{
		{enc(envelope{Kind: envSync}), "sync"},
		{enc(envelope{Kind: envPublish, Member: Member{Name: "n4"}}), "publish n4"},
		{enc(envelope{Kind: envMemberUpdate, Member: Member{ID: 10}}), "member-update a"},
		{enc(envelope{Kind: envWrite, Write: store.Request{Op: store.OpDelete, Key: "/a"}}), "delete /a"},
		{enc(envelope{Kind: envWrite, Write: store.Request{Op: store.OpCompareAndSwap, Key: "/a", Value: "b"}}), `cas /a "b"`},
		{raft.Entry{Type: raft.EntryConfChange, Data: raft.EncodeConfChange(raft.ConfChange{Type: raft.ConfChangeRemoveNode, NodeID: 3})}, "conf remove 3"},
		{raft.Entry{Type: raft.EntryNormal, Data: []byte{0xc1}}, "?"},
		{raft.Entry{Type: raft.EntryNormal}, "noop"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, DescribeEntry(tc.e))
	}
	v, ok := EntryValue(enc(envelope{Kind: envWrite, Write: store.Request{Op: store.OpDelete, Key: "/a"}}))
	assert.True(t, ok)
	assert.Equal(t, "rm /a", v)
}

func TestInternalWritesAreReplicatedAndHidden(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	r, ok := c.submit(lead, Request{Kind: KindInternal, Write: store.Request{Op: store.OpSet, Key: "/users/root", Value: `{"user":"root"}`}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	c.tick(2)
	for _, id := range c.ids {
		ev, err := c.nodes[id].GetInternal("/users/root", false)
		require.NoError(t, err, "node %d", id)
		assert.Equal(t, `{"user":"root"}`, value(t, ev))
		_, err = c.nodes[id].Get("/users/root", false, false, c.now)
		assert.Error(t, err, "not visible in the key space")
	}
	r, ok = c.submit(lead, Request{Kind: KindInternal, Write: store.Request{Op: store.OpDelete, Key: "/users/root"}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	_, err := c.nodes[lead].GetInternal("/users/root", false)
	assert.Error(t, err)
	r, ok = c.submit(lead, Request{Kind: KindInternal, Write: store.Request{Op: store.OpCompareAndSwap, Key: "/x"}}, 1)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrBadRequest)
}

func TestWatcherSurvivesSnapshotInstall(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount = 10; cfg.SnapshotCatchUpEntries = 2 })
	lead := c.waitLeader()
	lag := followerOf(c, lead)
	w, err := c.nodes[lag].Watch("/k", false, true, 0)
	require.NoError(t, err)
	store0 := c.nodes[lag].Store()
	c.isolate(lag)
	for i := 0; i < 30; i++ {
		_, ok := c.submit(lead, setReq("/k", "v"), 50)
		require.True(t, ok)
	}
	c.heal()
	c.tick(20)
	assert.Same(t, store0, c.nodes[lag].Store(), "the snapshot is restored into the same store")
	select {
	case ev, ok := <-w.EventChan():
		require.True(t, ok, "the watcher is still open or was told what it missed")
		require.NotNil(t, ev)
	default:
		t.Fatal("the watcher registered before the snapshot heard nothing")
	}
}

func TestMembershipVersionMovesOnlyWithTheMemberList(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	v0 := c.nodes[lead].Brief().MembershipVersion
	_, ok := c.submit(lead, setReq("/k", "v"), 50)
	require.True(t, ok)
	assert.Equal(t, v0, c.nodes[lead].Brief().MembershipVersion, "a key write leaves the member list alone")
	r, ok := c.submit(lead, Request{Kind: KindMemberPublish, Member: Member{ID: lead, Name: "x", ClientURLs: []string{"http://x"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	v1 := c.nodes[lead].Brief().MembershipVersion
	assert.Greater(t, v1, v0)
	r, ok = c.submit(lead, Request{Kind: KindMemberAddLearner, Member: Member{ID: 77, PeerURLs: []string{"http://p77"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Greater(t, c.nodes[lead].Brief().MembershipVersion, v1)
}

func TestLeaderReplicatesBeforeItsOwnFsync(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	c.holdPersist[lead] = true
	id := c.newID()
	c.nodes[lead].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/p", Value: "parallel"}})
	c.pump()
	require.NotNil(t, c.held[lead], "the leader's batch is still being written")
	f := followerOf(c, lead)
	var got bool
	for _, e := range c.disks[f].entries {
		if v, ok := EntryValue(e); ok && v == "parallel" {
			got = true
		}
	}
	assert.True(t, got, "the follower already made the entry durable while the leader's fsync runs")
	_, answered := c.replies[id]
	assert.False(t, answered, "no reply before the leader's own batch is durable")
	c.holdPersist[lead] = false
	c.releasePersist(lead, nil)
	c.tick(2)
	r, answered := c.replies[id]
	require.True(t, answered)
	require.NoError(t, r.Err)
}

func TestConditionalInternalWritesAreDecidedInTheLog(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	internal := func(w store.Request) Reply {
		t.Helper()
		r, ok := c.submit(lead, Request{Kind: KindInternal, Write: w}, 50)
		require.True(t, ok)
		return r
	}
	created := internal(store.Request{Op: store.OpCreate, Key: "/auth/users/alice", Value: "v1"})
	require.NoError(t, created.Err)
	idx := created.Event.Node.ModifiedIndex

	var se *store.Error
	require.ErrorAs(t, internal(store.Request{Op: store.OpCreate, Key: "/auth/users/alice", Value: "v2"}).Err, &se)
	assert.Equal(t, store.EcodeNodeExist, se.ErrorCode)
	require.NoError(t, internal(store.Request{Op: store.OpCompareAndSwap, Key: "/auth/users/alice", Value: "v2", PrevIndex: idx}).Err)
	require.ErrorAs(t, internal(store.Request{Op: store.OpCompareAndSwap, Key: "/auth/users/alice", Value: "v3", PrevIndex: idx}).Err, &se)
	assert.Equal(t, store.EcodeTestFailed, se.ErrorCode, "a change made from a stale read is refused")
	c.tick(2)
	for _, id := range c.ids {
		ev, err := c.nodes[id].GetInternal("/auth/users/alice", false)
		require.NoError(t, err, "node %d", id)
		assert.Equal(t, "v2", value(t, ev), "node %d", id)
	}

	dir := internal(store.Request{Op: store.OpCreate, Key: "/auth/roles", Dir: true})
	require.NoError(t, dir.Err, "a directory is created as etcd creates its auth directories")
	assert.True(t, dir.Event.Node.Dir)

	for _, bad := range []store.Request{
		{Op: store.OpCreateInOrder, Key: "/auth/q"},
		{Op: store.OpSet, Key: "/auth/t", Value: "x", HasTTL: true, Expiration: 1},
		{Op: store.OpCompareAndDelete, Key: "/auth/users/alice"},
		{Op: store.OpSet, Key: "/auth/d", Dir: true},
	} {
		r, ok := c.submit(lead, Request{Kind: KindInternal, Write: bad}, 1)
		require.True(t, ok)
		assert.ErrorIs(t, r.Err, ErrBadRequest, "%s", bad.Op)
	}
}

func TestProposalErrorMapsRaftRefusals(t *testing.T) {
	other := errors.New("disk on fire")
	tests := []struct {
		name string
		err  error
		want error
	}{
		{name: "not leader", err: &raft.NotLeaderError{Leader: 2}, want: ErrNoLeader},
		{name: "wrapped not leader", err: fmt.Errorf("forward: %w", &raft.NotLeaderError{}), want: ErrNoLeader},
		{name: "conf change pending", err: raft.ErrConfChangePending, want: ErrConfPending},
		{name: "dropped", err: fmt.Errorf("x: %w", raft.ErrProposalDropped), want: ErrDropped},
		{name: "anything else", err: other, want: other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, proposalError(tt.err), tt.want)
		})
	}
}

// A proposal's waiter is a set entry: registering and answering one allocates nothing once the set
// and the deadline queue have room.
func TestWaitingForAProposalAllocatesNothing(t *testing.T) {
	c := newTestCluster(t, 1, nil)
	n := c.nodes[1]
	id := uint64(1 << 40)
	cycle := func() {
		n.wait(id)
		delete(n.waiters, id)
		n.deadlines = n.deadlines[:0]
		id++
	}
	for range 10 {
		cycle()
	}
	assert.Zero(t, testing.AllocsPerRun(100, cycle))
}

// Keeping at least as many entries after a snapshot as a snapshot takes (etcd keeps 5,000 whatever
// --snapshot-count says) makes the compaction after a restart from a snapshot ask for an index the
// log has already compacted: that is nothing to do, not a failure.
func TestSnapshotsAfterRestartWhenCatchUpEntriesExceedTheSnapshotCount(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount = 5; cfg.SnapshotCatchUpEntries = 8 })
	lead := c.waitLeader()
	write := func(n int) {
		for i := 0; i < n; i++ {
			r, ok := c.submit(c.waitLeader(), setReq("/k", fmt.Sprint(i)), 50)
			require.True(t, ok)
			require.NoError(t, r.Err)
		}
		c.tick(3)
	}
	write(12)
	require.False(t, c.disks[lead].snap.IsEmpty(), "a snapshot was persisted")
	c.crash(lead)
	c.restart(lead)
	write(12)
	for id, n := range c.nodes {
		require.NoError(t, n.Status().Failed, "n%d", id)
	}
	assert.Greater(t, c.nodes[lead].Status().Applied, c.disks[lead].snap.Metadata.Index)
}

// TestCommitOnlyReadyNeedsNoPersistRoundTrip: once the write's entry is durable on the leader and a
// follower, the Ready that only moves the commit index is finished at once: the reply goes out
// while the batch carrying the new commit index is still being written.
func TestCommitOnlyReadyNeedsNoPersistRoundTrip(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	c.holdPersist[lead] = true
	id := c.newID()
	c.nodes[lead].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/c", Value: "v"}})
	c.pump()
	entries := c.held[lead]
	require.NotNil(t, entries)
	require.NotEmpty(t, entries.Entries, "the leader writes the entry")
	last := entries.Entries[len(entries.Entries)-1].Index // the batch is the node's again once reported
	c.releasePersist(lead, nil)                           // the entry is durable; later batches are held again

	r, answered := c.replies[id]
	require.True(t, answered, "answered before the commit index was written")
	require.NoError(t, r.Err)
	commit := c.held[lead]
	require.NotNil(t, commit, "the new commit index is being written")
	assert.Empty(t, commit.Entries)
	assert.False(t, commit.MustSync)
	assert.GreaterOrEqual(t, commit.HardState.Commit, last)
}
