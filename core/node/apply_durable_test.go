package node

import (
	"testing"

	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A write the leader has on disk is answered as soon as a follower's acknowledgement commits it,
// even while the leader is writing its next batch: it does not wait for that batch's fsync. The
// next write, whose batch is still being written, is not answered.
func TestCommittedWriteAnsweredWhileNextBatchIsWritten(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	// The followers' acknowledgements arrive only once the leader writes the next batch.
	for _, o := range c.ids {
		if o != lead {
			c.delay[[2]uint64{o, lead}] = true
		}
	}
	first, second := c.newID(), c.newID()
	write := func(id uint64, key string) {
		c.nodes[lead].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: key, Value: "v"}})
		c.pump()
	}
	write(first, "/first")
	require.Equal(t, 0, c.replyCount[first], "not committed: no acknowledgement arrived")

	c.holdPersist[lead] = true
	write(second, "/second")
	require.NotNil(t, c.held[lead], "the leader writes the second batch")
	c.deliverDelayed() // the followers acknowledge both writes
	assert.Equal(t, 1, c.replyCount[first], "the first write is on the leader's disk and committed")
	require.NoError(t, c.replies[first].Err)
	assert.Equal(t, 0, c.replyCount[second], "the second write is not on the leader's disk yet")

	c.holdPersist[lead] = false
	c.releasePersist(lead, nil)
	c.tick(1)
	assert.Equal(t, 1, c.replyCount[second])
	require.NoError(t, c.replies[second].Err)
}
