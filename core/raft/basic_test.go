package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBasicAgreesWithStatus(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	nw.stabilize()
	nw.isolate(2)
	nw.tickNode(2, 50)
	for _, id := range nw.ids {
		st, basic := nw.nodes[id].Status(), nw.nodes[id].Basic()
		assert.Equal(t, BasicStatus{HardState: st.HardState, SoftState: st.SoftState, Applied: st.Applied}, basic, "node %d", id)
		assert.NotZero(t, basic.HardState.Term, "node %d", id)
	}
	assert.Equal(t, RoleLeader, nw.nodes[1].Basic().SoftState.Role)
}

func BenchmarkStatusVersusBasic(b *testing.B) {
	nw := newNetwork(b, 5)
	nw.noTrace = true
	nw.campaign(1)
	lead := nw.nodes[1]
	b.Run("Status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = lead.Status()
		}
	})
	b.Run("Basic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = lead.Basic()
		}
	})
}
