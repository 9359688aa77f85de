package nodehost

import (
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	ms     = int64(1e6)
	second = int64(1e9)
)

// monitorObserver feeds checker.Monitor from the simulator, as scenarios do.
type monitorObserver struct {
	m *checker.Monitor
}

func (o monitorObserver) OnRole(node, term uint64, role raft.Role, at int64) {
	o.m.ObserveRole(node, term, role == raft.RoleLeader, at)
}
func (o monitorObserver) OnCommit(node, commit uint64, at int64) { o.m.ObserveCommit(node, commit, at) }
func (o monitorObserver) OnApply(node, index, term, hash uint64, at int64) {
	o.m.ObserveApply(node, index, term, hash, at)
}
func (o monitorObserver) OnLog(node uint64, entries []raft.Entry, commit uint64, at int64) {
	o.m.ObserveLog(node, entries, commit, at)
}
func (o monitorObserver) OnCrash(uint64, int64)           {}
func (o monitorObserver) OnRestart(node uint64, at int64) { o.m.ObserveRestart(node, at) }

func newCluster(t testing.TB, cfg netsim.Config, opts Options) (*netsim.Sim, *checker.Monitor) {
	t.Helper()
	mon := checker.NewMonitor()
	cfg.Observers = append(cfg.Observers, monitorObserver{m: mon})
	s, err := netsim.New(Configure(cfg, opts))
	require.NoError(t, err)
	return s, mon
}

func leaderElected(s *netsim.Sim) func() bool {
	return func() bool { id, _ := s.Leader(); return id != 0 }
}

func requireLinearizable(t *testing.T, ops []history.Op) checker.Verdict {
	t.Helper()
	v := checker.Check(ops, checker.Options{})
	require.True(t, v.Linearizable, "%v", v.Problems)
	return v
}

func TestRealClusterElectsALeaderAndServesClients(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 1, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3)}}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.Run(10 * second)
	require.Empty(t, s.Failures())
	require.Empty(t, mon.Violations())
	ops := s.History()
	require.Greater(t, len(ops), 100)
	answered := 0
	for _, op := range ops {
		if op.Outcome != history.OutcomeUnknown {
			answered++
		}
	}
	require.Greater(t, answered, len(ops)*9/10, "a healthy cluster answers nearly everything")
	requireLinearizable(t, ops)
	id, term := s.Leader()
	require.NotZero(t, id)
	require.NotZero(t, term)
	for _, nid := range s.Nodes() {
		require.NotEmpty(t, s.DescribeLog(nid))
	}
}

func TestScriptedWritesReplicateAndSurviveTheLeaderCrash(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 2, Nodes: 5}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	lead, term := s.Leader()
	call, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "much"}, netsim.DoOptions{Target: lead})
	require.NoError(t, err)
	require.True(t, s.RunUntil(call.Done, s.Now()+2*second))
	require.Equal(t, history.OutcomeOK, call.Op().Outcome, "%v", call.Reply().Err)
	s.RunFor(300 * ms)
	for _, id := range s.Nodes() {
		st := Store(s, id)
		require.NotNil(t, st)
		ev, err := st.Get("/message", false, false, 0)
		require.NoError(t, err, "n%d", id)
		require.Equal(t, "much", *ev.Node.Value)
	}

	require.NoError(t, s.Crash(lead))
	require.True(t, s.RunUntil(func() bool { id, tm := s.Leader(); return id != 0 && tm > term }, s.Now()+10*second))
	read, err := s.Do(netsim.Request{Kind: netsim.ReqQuorumGet, Key: "/message"}, netsim.DoOptions{})
	require.NoError(t, err)
	require.True(t, s.RunUntil(read.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeOK, read.Op().Outcome)
	require.Equal(t, "much", read.Op().Result)

	require.NoError(t, s.Restart(lead))
	s.RunFor(2 * second)
	ev, err := Store(s, lead).Get("/message", false, false, 0)
	require.NoError(t, err)
	require.Equal(t, "much", *ev.Node.Value, "the restarted node recovered from its disk")
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}

func TestMinorityLeaderCannotCommitAndClientsSeeUnknown(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 3, Nodes: 5}, Options{DisableCheckQuorum: true})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	lead, _ := s.Leader()
	var others []uint64
	for _, id := range s.Nodes() {
		if id != lead {
			others = append(others, id)
		}
	}
	s.Net().Partition([]uint64{lead, others[0]}, others[1:])
	call, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "wow"},
		netsim.DoOptions{Target: lead, Timeout: 2 * second})
	require.NoError(t, err)
	require.True(t, s.RunUntil(call.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeUnknown, call.Op().Outcome, "the minority cannot commit; the client cannot know")
	s.Net().Heal()
	s.RunFor(5 * second)
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}

func TestWatchersSeeEveryCommittedEvent(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 4, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(4)},
		Watches: []netsim.WatchSpec{{Key: "/keys", Recursive: true}, {Key: "/keys/k1"}}}, Options{})
	s.RunFor(3 * second)
	require.NoError(t, s.Crash(1))
	s.RunFor(2 * second)
	require.NoError(t, s.Restart(1))
	s.RunFor(3 * second)
	require.Empty(t, mon.Violations())
	recs := s.WatchRecords()
	require.Len(t, recs, 2)
	require.NotEmpty(t, recs[0].Events)
	// Committed events of the user key space, from a live node's store history, in index order.
	var committed []history.WatchEvent
	lead, _ := s.Leader()
	w, err := Store(s, lead).Watch("/", true, true, 1)
	require.NoError(t, err)
	for {
		select {
		case ev := <-w.EventChan():
			committed = append(committed, history.WatchEvent{Action: ev.Action, Key: ev.Node.Key, Index: ev.Node.ModifiedIndex, Dir: ev.Node.Dir})
			continue
		default:
		}
		break
	}
	require.NotEmpty(t, committed)
	require.Empty(t, checker.CheckWatches(recs, committed))
}

func TestSameSeedSameRunWithRealNodes(t *testing.T) {
	run := func(seed uint64) (uint64, string) {
		cfg := netsim.Config{Seed: seed, Nodes: 3,
			Link:    netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 3 * ms}, Loss: 0.02, Duplicate: 0.02, Reorder: 0.05, ReorderDelay: 20 * ms},
			Clients: netsim.ClientConfig{Count: 3, Workload: netsim.RegisterWorkload(), Random: true}}
		s, _ := newCluster(t, cfg, Options{})
		s.At(2*second, func() { require.NoError(t, s.Crash(2)) })
		s.At(3*second, func() { require.NoError(t, s.Restart(2)) })
		s.Run(5 * second)
		return s.TraceHash(), fmt.Sprint(s.History())
	}
	h1, hist1 := run(9)
	h2, hist2 := run(9)
	h3, _ := run(10)
	require.Equal(t, h1, h2)
	require.Equal(t, hist1, hist2)
	require.NotEqual(t, h1, h3)
}

func TestWatchOpenedDuringTheRun(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 5, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(4)}}, Options{})
	s.RunFor(2 * second)
	lead, _ := s.Leader()
	from := Store(s, lead).Index() + 1
	pos, err := s.Watch(netsim.WatchSpec{Key: "/keys", Recursive: true, FromIndex: from})
	require.NoError(t, err)
	s.RunFor(2 * second)
	recs := s.WatchRecords()
	require.Len(t, recs, pos+1)
	rec := recs[pos]
	require.NotEmpty(t, rec.Events, "the late watcher sees what happens after it opened")
	assert.Equal(t, from, rec.FromIndex)
	for _, ev := range rec.Events {
		assert.GreaterOrEqual(t, ev.Index, from)
	}
	_, err = s.Watch(netsim.WatchSpec{})
	assert.Error(t, err, "an empty key is refused")
}

// TestWatchRequestLostInACrashIsRetried: a watch request held by a paused node that then crashes is
// lost with it; the watcher tries again instead of waiting forever.
func TestWatchRequestLostInACrashIsRetried(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 6, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(4)}}, Options{})
	s.RunFor(2 * second)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Pause(id))
	}
	pos, err := s.Watch(netsim.WatchSpec{Key: "/keys", Recursive: true})
	require.NoError(t, err)
	s.RunFor(200 * ms)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Crash(id))
		require.NoError(t, s.Restart(id))
	}
	s.RunFor(6 * second)
	assert.NotEmpty(t, s.WatchRecords()[pos].Events, "the watcher connected again after its request was lost")
}
