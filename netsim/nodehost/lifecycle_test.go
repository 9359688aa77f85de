package nodehost

import (
	"bytes"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publishes counts the publish entries of member name in node id's log.
func publishes(s *netsim.Sim, id uint64, name string) int {
	n := 0
	for _, e := range s.Log(id) {
		if node.DescribeEntry(e) == "publish "+name {
			n++
		}
	}
	return n
}

// starting reports whether node id does not serve clients yet.
func starting(t *testing.T, s *netsim.Sim, id uint64) bool {
	t.Helper()
	info, err := s.Info(id)
	require.NoError(t, err)
	return info.Status.Starting
}

func TestSimulatedNodesPublishAndServeOnlyOnceReady(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 3, Nodes: 3}, Options{})
	for _, id := range s.Nodes() {
		require.True(t, starting(t, s, id), "n%d serves nothing before its publish", id)
	}
	// A write issued before any leader exists waits on its node (no "no leader" error, no retry
	// elsewhere) and succeeds once the node has a leader and has published.
	set, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/k", Value: "v"}, netsim.DoOptions{Target: 1, Timeout: 10 * second})
	require.NoError(t, err)
	require.True(t, s.RunUntil(set.Done, 10*second))
	require.Equal(t, history.OutcomeOK, set.Op().Outcome)
	assert.Equal(t, uint64(8), set.Op().Index, "etcd's index: three publishes before the first write")
	s.RunFor(500 * ms)
	for _, id := range s.Nodes() {
		assert.False(t, starting(t, s, id), "n%d serves", id)
		for _, name := range []string{"n1", "n2", "n3"} {
			assert.Equal(t, 1, publishes(s, id, name), "n%d's log has %s's publish once", id, name)
		}
		members := Node(s, id).Status().Members
		for _, m := range members {
			assert.Equal(t, []string{"http://" + m.Name + ":2379"}, m.ClientURLs, "n%d sees %s's client URL", id, m.Name)
		}
	}
	require.Empty(t, mon.Violations())
}

func TestRequestToANodeThatIsNotReadyWaitsUntilItServes(t *testing.T) {
	var trace bytes.Buffer
	s, mon := newCluster(t, netsim.Config{Seed: 4, Nodes: 3, Trace: &trace}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(1 * second)
	require.NoError(t, s.Crash(3))
	for i := range 5 {
		w, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/k", Value: string(rune('a' + i))}, netsim.DoOptions{Target: 1})
		require.NoError(t, err)
		require.True(t, s.RunUntil(w.Done, s.Now()+2*second))
	}
	// n3 restarts cut off from the others: it cannot catch up, so it does not serve.
	s.Net().Partition([]uint64{1, 2}, []uint64{3})
	require.NoError(t, s.Restart(3))
	get, err := s.Do(netsim.Request{Kind: netsim.ReqGet, Key: "/k"}, netsim.DoOptions{Target: 3, Timeout: 20 * second})
	require.NoError(t, err)
	s.RunFor(5 * second)
	require.True(t, starting(t, s, 3))
	require.False(t, get.Done(), "a node that has not caught up answers nothing, not even a stale read")
	assert.Contains(t, trace.String(), "request c", "the request reached n3")
	s.Net().Heal()
	require.True(t, s.RunUntil(get.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeOK, get.Op().Outcome)
	assert.Equal(t, "e", get.Op().Result, "served once caught up: the latest value")
	assert.Equal(t, 1, publishes(s, 3, "n3"), "the restart with the same attributes published nothing new")
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}

func TestRestartedNodePublishesOnlyChangedAttributes(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 5, Nodes: 3}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(1 * second)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Crash(id))
	}
	for _, id := range s.Nodes() {
		require.NoError(t, s.Restart(id))
	}
	require.True(t, s.RunUntil(func() bool {
		for _, id := range s.Nodes() {
			if starting(t, s, id) {
				return false
			}
		}
		return true
	}, s.Now()+10*second), "every restarted node serves again")
	for _, id := range s.Nodes() {
		assert.Equal(t, 1, publishes(s, id, "n"+string(rune('0'+id))), "n%d published once in all", id)
	}
}

func TestMemberAddedAtRuntimePublishesItself(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 6, Nodes: 3}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(1 * second)
	id, add, err := s.AddMember("n4")
	require.NoError(t, err)
	require.True(t, s.RunUntil(add.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeOK, add.Op().Outcome)
	require.True(t, s.RunUntil(func() bool { return Node(s, id) != nil && !starting(t, s, id) }, s.Now()+10*second),
		"the new member serves once it published")
	lead, _ := s.Leader()
	var names []string
	for _, m := range Node(s, lead).Status().Members {
		names = append(names, m.Name+" "+strings.Join(m.ClientURLs, ","))
	}
	assert.Contains(t, names, "n4 http://n4:2379")
	require.Empty(t, mon.Violations())
}

func TestClientThatGivesUpIsForgottenByTheNode(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 7, Nodes: 3}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.RunFor(1 * second)
	s.Net().Partition([]uint64{1}, []uint64{2, 3})
	s.RunFor(3 * second) // n1 has no leader now (check-quorum)
	w, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/abandoned", Value: "x"}, netsim.DoOptions{Target: 1, Timeout: 500 * ms})
	require.NoError(t, err)
	require.True(t, s.RunUntil(w.Done, s.Now()+2*second))
	require.Equal(t, history.OutcomeUnknown, w.Op().Outcome)
	s.Net().Heal()
	s.RunFor(3 * second)
	for _, id := range s.Nodes() {
		for _, e := range s.DescribeLog(id) {
			assert.NotContains(t, e, "/abandoned", "n%d: the node dropped the request its client gave up on", id)
		}
	}
}
