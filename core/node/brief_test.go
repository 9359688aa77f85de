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
		Applied: st.Applied, EtcdIndex: st.EtcdIndex, Removed: st.Removed, Failed: st.Failed, Ready: st.Ready}
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
