package suite

import (
	"strings"
	"testing"

	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAMemberLeftDownFailsLivenessEvenWithAMajorityUp(t *testing.T) {
	s := base("left-down", "a member crashes near the end and is never restarted",
		fixed(netsim.KeysWorkload(3)), func(uint64) []nemesis.Scheduled {
			return []nemesis.Scheduled{{At: 9 * second, Fault: nemesis.Crash{Node: "n2"}}}
		})
	sum, err := s.Run(1)
	require.NoError(t, err)
	require.False(t, sum.Passed)
	assert.Contains(t, strings.Join(sum.Problems, "\n"), "liveness: member n2 is down at the end")
	assert.NotContains(t, strings.Join(sum.Problems, "\n"), "no write succeeded", "a majority still takes writes")
}

func TestEveryLiveMemberCatchesUpAfterTheRepair(t *testing.T) {
	s := base("restarted", "a member crashes and comes back late",
		fixed(netsim.KeysWorkload(3)), func(uint64) []nemesis.Scheduled {
			return []nemesis.Scheduled{{At: 3 * second, Fault: nemesis.Crash{Node: "n2"}},
				{At: 9 * second, Fault: nemesis.Restart{Node: "n2"}}}
		})
	sum, err := s.Run(1)
	require.NoError(t, err)
	assert.True(t, sum.Passed, "%v", sum.Problems)
}

func TestFirstDifferenceShowsWhereEncodingsPart(t *testing.T) {
	got := firstDifference([]byte(`{"a":"1","b":"2"}`), []byte(`{"a":"1","b":"3"}`))
	assert.Equal(t, `at byte 14, "{\"a\":\"1\",\"b\":\"2\"}" vs "{\"a\":\"1\",\"b\":\"3\"}"`, got)
}
