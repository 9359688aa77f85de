package nodehost

import (
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

func TestMemberAddJoinsAndCatchesUp(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 5, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(3)}}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(2 * second)
	id, call, err := s.AddMember("n4")
	require.NoError(t, err)
	require.Equal(t, uint64(4), id)
	require.True(t, s.RunUntil(call.Done, s.Now()+5*second))
	require.Nil(t, call.Reply().Err)
	s.RunFor(3 * second)
	lead, _ := s.Leader()
	require.NotZero(t, lead)
	want := Store(s, lead).Index()
	require.True(t, s.RunUntil(func() bool { st := Store(s, 4); return st != nil && st.Index() >= want }, s.Now()+5*second),
		"the new member catches up")
	members := Node(s, lead).Status().Members
	require.Len(t, members, 4)

	_, _, err = s.AddMember("n4")
	require.Error(t, err, "names are unique")

	rm, err := s.RemoveMember(2)
	require.NoError(t, err)
	require.True(t, s.RunUntil(rm.Done, s.Now()+5*second))
	require.Nil(t, rm.Reply().Err)
	s.RunFor(2 * second)
	lead, _ = s.Leader()
	require.Len(t, Node(s, lead).Status().Members, 3)
	require.Empty(t, mon.Violations())
	for _, op := range s.History() {
		require.NotEqual(t, history.Kind("member-add"), op.Kind, "membership calls stay out of the key-space history")
	}
}

// TestEmptyDiskRestartAfterAFailedMemberAdd: a member add whose client gives up before any leader
// exists fails (the nodes that parked it forget it); a node that never persisted anything then
// restarts as a fresh replica. It must bootstrap from the initial cluster like its peers (it used to
// count the failed member in, seeding a different store and handing out etcd indexes that other
// nodes had given to other writes).
func TestEmptyDiskRestartAfterAFailedMemberAdd(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 9, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3), Timeout: 100 * ms}}, Options{})
	f, err := nemesis.Parse("disk fail-sync n3")
	require.NoError(t, err)
	require.NoError(t, f.Apply(nemesis.Sim(s)))
	_, add, err := s.AddMember("n4")
	require.NoError(t, err)
	require.True(t, s.RunUntil(add.Done, s.Now()+5*second))
	require.NotEqual(t, history.OutcomeOK, add.Op().Outcome, "no leader yet")
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	for _, text := range []string{"disk ok n3", "crash n3", "restart n3"} {
		f, err := nemesis.Parse(text)
		require.NoError(t, err)
		require.NoError(t, f.Apply(nemesis.Sim(s)))
	}
	s.RunFor(5 * second)
	lead, _ := s.Leader()
	for _, id := range s.Nodes() {
		require.Equal(t, Store(s, lead).Index(), Store(s, id).Index(), "n%d's store", id)
	}
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}

// TestAMemberAddedWithAnUnknownOutcomeIsStartedOnceFound: the client of a member add gives up before
// the change commits (its outcome is unknown), the change commits all the same, and the operator
// (netsim's AddMember) finds the member in a live node's membership and starts it: left unstarted, a
// voter the cluster counts would never answer (keys-membership seed 18852 lost its quorum so).
func TestAMemberAddedWithAnUnknownOutcomeIsStartedOnceFound(t *testing.T) {
	// Every fsync takes 50 ms and the client waits 30: the change is in the log when it gives up.
	s, mon := newCluster(t, netsim.Config{Seed: 5, Nodes: 3, DiskLatency: netsim.Latency{Min: 50 * ms},
		Clients: netsim.ClientConfig{Count: 1, Workload: netsim.KeysWorkload(3), Timeout: 30 * ms, Attempts: 1}}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(1 * second)
	id, call, err := s.AddMember("n4")
	require.NoError(t, err)
	require.True(t, s.RunUntil(call.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeUnknown, call.Op().Outcome, "the client gave up before the commit")
	require.True(t, s.RunUntil(func() bool { return Node(s, id) != nil }, s.Now()+5*second),
		"the operator found n4 in the membership and started it")
	lead, _ := s.Leader()
	require.NotZero(t, lead)
	require.Len(t, Node(s, lead).Status().Members, 4)
	require.Empty(t, mon.Violations())
}
