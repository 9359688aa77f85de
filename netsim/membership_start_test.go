package netsim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartAddedMemberStartsOnlyANodeAddedAndNotRunning(t *testing.T) {
	sim := newFakeSim(t, fakeConfig(1, 3))
	require.ErrorContains(t, sim.StartAddedMember(1, "n1"), "already runs")
	require.ErrorContains(t, sim.StartAddedMember(99, "n99"), "was never added")

	sim.names["n4"] = true // reserved by an addition whose outcome stayed unknown
	require.NoError(t, sim.StartAddedMember(4, "n4"))
	_, err := sim.host(4)
	require.NoError(t, err, "n4 runs")
	assert.Contains(t, sim.Nodes(), uint64(4))
	require.ErrorContains(t, sim.StartAddedMember(4, "n4"), "already runs")
}
