package node

import (
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asBootstrapped configures nodes the way kvd bootstraps them: the initial members carry names and
// peer URLs only, and each node knows its own name and client URLs (which it publishes).
func asBootstrapped(cfg *Config) {
	members := make([]Member, len(cfg.InitialMembers))
	for i, m := range cfg.InitialMembers {
		members[i] = Member{ID: m.ID, Name: m.Name, PeerURLs: m.PeerURLs}
	}
	cfg.InitialMembers = members
	cfg.Name = "n" + strconv.FormatUint(cfg.ID, 10)
	cfg.ClientURLs = []string{"http://c" + strconv.FormatUint(cfg.ID, 10)}
}

// countEntries counts the entries of node id's log whose description starts with prefix.
func countEntries(c *testCluster, id uint64, prefix string) int {
	n := 0
	for _, e := range c.nodes[id].LogEntries() {
		if strings.HasPrefix(DescribeEntry(e), prefix) {
			n++
		}
	}
	return n
}

func TestRequestSubmittedDuringAnElectionSucceedsAfterIt(t *testing.T) {
	for _, target := range []uint64{1, 2, 3} {
		t.Run("node "+strconv.FormatUint(target, 10), func(t *testing.T) {
			c := newTestCluster(t, 3, nil)
			id := c.newID()
			c.nodes[target].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: "v"}})
			c.pump()
			require.Zero(t, c.replyCount[id], "no leader yet: the write waits instead of failing")
			c.waitLeader()
			c.tick(5)
			require.Equal(t, 1, c.replyCount[id], "answered once after the election")
			require.NoError(t, c.replies[id].Err)
			for _, n := range c.ids {
				assert.Equal(t, 1, countEntries(c, n, "set /k"), "node %d: applied once", n)
			}
		})
	}
}

func TestParkedRequestIsAnsweredWithItsRefusalAtTheRequestTimeout(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.RequestTimeoutTicks = 40 })
	c.isolate(1)
	id := c.newID()
	c.nodes[1].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: "v"}})
	c.tick(39)
	require.Zero(t, c.replyCount[id], "still waiting for a leader before its deadline")
	c.tick(1)
	require.Equal(t, 1, c.replyCount[id])
	assert.ErrorIs(t, c.replies[id].Err, ErrNoLeader)
}

func TestLeaderChangeResubmitsARequestLostWithTheOldLeader(t *testing.T) {
	for _, tt := range []struct {
		name  string
		req   Request
		check func(t *testing.T, r Reply)
	}{
		{"write", Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: "v"}},
			func(t *testing.T, r Reply) { assert.Equal(t, "v", value(t, r.Event)) }},
		{"quorum read", Request{Kind: KindQuorumGet, Key: "/k"}, func(t *testing.T, r Reply) {
			var se *store.Error
			require.ErrorAs(t, r.Err, &se, "the read-index round was started again with the new leader")
			assert.Equal(t, store.EcodeKeyNotFound, se.ErrorCode)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 3, nil)
			lead := c.waitLeader()
			follower := followerOf(c, lead)
			// The follower's forwarded request never reaches the leader, which is then cut off for good.
			c.cut[[2]uint64{follower, lead}] = true
			req := tt.req
			req.ID = c.newID()
			c.nodes[follower].Submit(req)
			c.pump()
			c.isolate(lead)
			for i := 0; i < 100 && (c.leader() == 0 || c.leader() == lead); i++ {
				c.tick(1)
			}
			require.NotEqual(t, lead, c.leader(), "the majority elected a new leader")
			c.tick(10)
			require.Equal(t, 1, c.replyCount[req.ID], "submitted again to the new leader and answered once")
			tt.check(t, c.replies[req.ID])
		})
	}
}

func TestCancelledRequestIsNeitherAnsweredNorProposed(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	id := c.newID()
	c.nodes[1].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: "v"}})
	c.pump()
	c.nodes[1].Cancel(id)
	c.waitLeader()
	c.tick(30)
	assert.Zero(t, c.replyCount[id], "nobody waits for it")
	for _, n := range c.ids {
		assert.Zero(t, countEntries(c, n, "set /k"), "node %d: the abandoned write was not proposed", n)
	}
}

func TestMembersPublishTheirAttributesAndThenServe(t *testing.T) {
	c := newTestCluster(t, 3, asBootstrapped)
	for _, id := range c.ids {
		assert.False(t, c.nodes[id].Status().Ready, "node %d serves nothing before a leader is known", id)
	}
	lead := c.waitLeader()
	c.tick(5)
	for _, id := range c.ids {
		st := c.nodes[id].Status()
		assert.True(t, st.Ready, "node %d is ready once its publish applied", id)
		assert.True(t, c.nodes[id].Brief().Ready, "Brief agrees")
		for _, m := range st.Members {
			assert.Equal(t, []string{"http://c" + strconv.FormatUint(m.ID, 10)}, m.ClientURLs, "node %d sees member %d's client URLs", id, m.ID)
		}
		assert.Equal(t, 3, countEntries(c, id, "publish "), "node %d: one publish per member", id)
	}
	r, ok := c.submit(lead, setReq("/nosql/foo", "bar"), 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Equal(t, uint64(8), r.Event.Node.ModifiedIndex, "etcd's index: the first write after three publishes is 8")
}

// crashFollowerOncePublished waits until every member published, then crashes a follower.
func crashFollowerOncePublished(c *testCluster) (lead, follower uint64) {
	lead = c.waitLeader()
	c.tick(5)
	follower = followerOf(c, lead)
	c.crash(follower)
	return lead, follower
}

func TestRestartWithTheSameAttributesCatchesUpWithoutPublishing(t *testing.T) {
	c := newTestCluster(t, 3, asBootstrapped)
	lead, f := crashFollowerOncePublished(c)
	for i := range 5 {
		_, ok := c.submit(lead, setReq("/k", strconv.Itoa(i)), 50)
		require.True(t, ok)
	}
	c.restart(f)
	require.False(t, c.nodes[f].Status().Ready, "a restarted member does not serve before it caught up")
	c.tick(20)
	require.True(t, c.nodes[f].Status().Ready)
	ev, err := c.nodes[f].Get("/k", false, false, c.now)
	require.NoError(t, err)
	assert.Equal(t, "4", value(t, ev), "ready means caught up with what was committed while it was down")
	assert.Equal(t, 3, countEntries(c, lead, "publish "), "identical attributes are not published again")
}

func TestRestartWithNewClientURLsPublishesThem(t *testing.T) {
	c := newTestCluster(t, 3, asBootstrapped)
	lead, f := crashFollowerOncePublished(c)
	cfg := c.cfgs[f]
	cfg.ClientURLs = []string{"http://moved"}
	c.cfgs[f] = cfg
	c.restart(f)
	c.tick(20)
	require.True(t, c.nodes[f].Status().Ready)
	assert.Equal(t, 4, countEntries(c, lead, "publish "), "the new attributes were published")
	for _, m := range c.nodes[lead].Status().Members {
		if m.ID == f {
			assert.Equal(t, []string{"http://moved"}, m.ClientURLs)
		}
	}
}

func TestStrictReconfigCheckRefusesChangesThatLeaveTooFewStartedMembers(t *testing.T) {
	strict := func(cfg *Config) { cfg.StrictReconfigCheck = true }
	c := newTestCluster(t, 3, strict)
	lead := c.waitLeader()
	r, ok := c.submit(lead, Request{Kind: KindMemberAdd, Member: Member{ID: 4, PeerURLs: []string{"http://p4"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err, "3 started members are a quorum of 4")
	r, ok = c.submit(lead, Request{Kind: KindMemberAdd, Member: Member{ID: 5, PeerURLs: []string{"http://p5"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err, "3 started members are a quorum of 5")
	r, ok = c.submit(lead, Request{Kind: KindMemberAdd, Member: Member{ID: 6, PeerURLs: []string{"http://p6"}}}, 50)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrNotEnoughStartedMembers, "3 started members are not a quorum of 6")
	r, ok = c.submit(lead, Request{Kind: KindMemberRemove, MemberID: followerOf(c, lead)}, 50)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrNotEnoughStartedMembers, "2 started members are not a quorum of 4")
	r, ok = c.submit(lead, Request{Kind: KindMemberRemove, MemberID: 4}, 50)
	require.True(t, ok)
	assert.NoError(t, r.Err, "removing an unstarted member leaves 3 of 4")

	loose := newTestCluster(t, 3, nil)
	lead = loose.waitLeader()
	for id := uint64(4); id <= 6; id++ {
		r, ok = loose.submit(lead, Request{Kind: KindMemberAdd, Member: Member{ID: id, PeerURLs: []string{"http://p" + strconv.FormatUint(id, 10)}}}, 50)
		require.True(t, ok)
		require.NoError(t, r.Err, "without the check nothing is refused")
	}
}

func TestFailedStorageStepsDownAndRefusesReads(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	_, ok := c.submit(lead, setReq("/k", "old"), 50)
	require.True(t, ok)
	c.holdPersist[lead] = true
	c.nodes[lead].Submit(setReq("/k", "new"))
	c.pump()
	c.releasePersist(lead, assert.AnError)

	for _, st := range []Brief{c.nodes[lead].Brief(), briefOf(c.nodes[lead].Status())} {
		assert.Equal(t, raft.RoleFollower, st.Role, "a failed leader steps down")
		assert.Zero(t, st.Lead, "and knows no leader")
		assert.ErrorIs(t, st.Failed, ErrStorage)
	}
	_, err := c.nodes[lead].Get("/k", false, false, c.now)
	assert.ErrorIs(t, err, ErrStorage, "no read from the frozen state")
	_, err = c.nodes[lead].Watch("/k", false, false, 0)
	assert.ErrorIs(t, err, ErrStorage, "no watch on it either")

	// The failed node sends nothing: it neither campaigns nor votes nor heartbeats.
	c.nodes[lead].Campaign()
	for range 50 {
		c.tick(1)
		assert.Empty(t, c.nodes[lead].Ready().Messages)
	}
	other := c.leader()
	require.NotZero(t, other, "the others elected a new leader")
	require.NotEqual(t, lead, other)
	_, ok = c.submit(other, setReq("/k", "later"), 50)
	require.True(t, ok)
	_, err = c.nodes[lead].Get("/k", false, false, c.now)
	assert.ErrorIs(t, err, ErrStorage)
}
