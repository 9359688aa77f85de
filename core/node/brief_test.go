package node

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// briefOf is the Brief that Status implies.
func briefOf(st Status) Brief {
	return Brief{ID: st.ID, Term: st.Term, Vote: st.Vote, Lead: st.Lead, Role: st.Role, Commit: st.Commit,
		Applied: st.Applied, EtcdIndex: st.EtcdIndex, Removed: st.Removed, Failed: st.Failed, Ready: st.Ready,
		Durable: st.Durable}
}

func TestBriefAgreesWithStatus(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	_, ok := c.submit(lead, setReq("/k", "v"), 50)
	require.True(t, ok)
	c.holdPersist[lead] = true
	c.nodes[lead].Submit(setReq("/a", "1"))
	c.pump()
	c.releasePersist(lead, errors.New("EIO"))
	for _, id := range c.ids {
		n := c.nodes[id]
		b := n.Brief()
		assert.Equal(t, briefOf(n.Status()), b, "node %d", id)
		assert.NotZero(t, b.Term, "node %d", id)
		assert.NotZero(t, b.Applied, "node %d", id)
	}
	assert.Error(t, c.nodes[lead].Brief().Failed)
}

// TestALeadersCommitRunsAheadOfWhatItMadeDurable: a leader counts its own copy of an entry toward
// the commit before its fsync; Durable says how far its disk goes, so that an observer can take the
// commit index only up to it (netsim.Status.Committed). The followers' acknowledgements commit the
// write while the leader's batch is held, and the leader neither answers nor applies it until its
// batch is durable.
func TestALeadersCommitRunsAheadOfWhatItMadeDurable(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	_, ok := c.submit(lead, setReq("/k", "v"), 50)
	require.True(t, ok)
	n := c.nodes[lead]
	before := n.Brief()
	require.Equal(t, before.Commit, before.Durable, "nothing in flight")

	c.holdPersist[lead] = true
	n.Submit(setReq("/a", "1"))
	c.pump()
	held := n.Brief()
	require.Greater(t, held.Commit, before.Commit, "the followers' acknowledgements committed the write")
	assert.Equal(t, before.Durable, held.Durable, "the leader's copy is still being written")
	assert.Equal(t, before.Applied, held.Applied, "nor does the leader apply it")

	c.holdPersist[lead] = false
	c.releasePersist(lead, nil)
	c.pump()
	after := n.Brief()
	assert.GreaterOrEqual(t, after.Durable, held.Commit)
	assert.GreaterOrEqual(t, after.Applied, held.Commit)
}

// BenchmarkStatusVersusBrief compares what a host pays to observe a node after each input.
func BenchmarkStatusVersusBrief(b *testing.B) {
	c := newTestCluster(b, 5, nil)
	n := c.nodes[c.waitLeader()]
	b.Run("Status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = n.Status()
		}
	})
	b.Run("Brief", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = n.Brief()
		}
	})
}
