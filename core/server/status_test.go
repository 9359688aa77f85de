package server

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A caller that got an answer reads a status at least as new as that answer, on the leader and on
// a follower, although the indexes are published apart from the rest of the status.
func TestStatusIsAsNewAsEveryAnswer(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	for _, i := range []int{lead, (lead + 1) % 3} {
		var lastCommit, lastIndex uint64
		for k := range 40 {
			rep, err := c.set(i, "/status/"+strconv.Itoa(k), "v")
			require.NoError(t, err)
			require.NoError(t, rep.Err)
			st := c.servers[i].Status()
			assert.GreaterOrEqual(t, st.Commit, rep.RaftIndex, "member %d write %d: commit", i, k)
			assert.GreaterOrEqual(t, st.EtcdIndex, rep.EtcdIndex, "member %d write %d: store index", i, k)
			assert.GreaterOrEqual(t, st.Applied, rep.RaftIndex, "member %d write %d: applied", i, k)
			assert.GreaterOrEqual(t, st.Commit, lastCommit, "member %d write %d: commit never goes back", i, k)
			assert.Greater(t, st.EtcdIndex, lastIndex, "member %d write %d: every write moves the store index", i, k)
			lastCommit, lastIndex = st.Commit, st.EtcdIndex
			assert.Len(t, st.Members, 3, "the rest of the status is there too")
		}
	}
}
