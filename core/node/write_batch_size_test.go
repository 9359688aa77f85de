package node

import (
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForwardedWriteBatchesFitAMessage: writes a follower queues together are forwarded to the
// leader in proposals of at most MaxSizePerMsg (or one entry), as raft sizes its appends: the peer
// transport refuses a message over its frame limit, which only has to hold the largest entry, and a
// batch of four 600 KiB writes in one proposal was dropped as oversized there, its writes left to
// time out.
func TestForwardedWriteBatchesFitAMessage(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	f := followerOf(c, lead)
	limit := c.nodes[f].cfg.MaxSizePerMsg
	value := strings.Repeat("v", 600<<10)
	ids := make([]uint64, 4)
	for i := range ids {
		ids[i] = c.newID()
		c.nodes[f].Submit(Request{ID: ids[i], Kind: KindWrite, Write: setReq("/k"+strconv.Itoa(i), value).Write})
	}
	// What the follower sends until it has nothing left to do, delivered afterwards.
	var sent []raft.Message
	for {
		out := c.nodes[f].Ready()
		if out.Persist != nil {
			c.disks[f].write(out.Persist)
			c.nodes[f].Persisted(out.Persist.Seq, nil)
		}
		if out.Persist == nil && len(out.Messages) == 0 {
			break
		}
		sent = append(sent, out.Messages...)
	}
	var proposals, entries int
	for _, m := range sent {
		if m.Type != raft.MsgProp {
			continue
		}
		proposals++
		entries += len(m.Entries)
		var size uint64
		for _, e := range m.Entries {
			size += uint64(len(e.Data))
		}
		assert.True(t, len(m.Entries) == 1 || size <= limit, "a proposal of %d entries, %d bytes, over the %d-byte message size", len(m.Entries), size, limit)
	}
	require.Equal(t, len(ids), entries, "every write was forwarded")
	assert.Equal(t, len(ids), proposals, "one 600 KiB write per proposal under a 1 MiB message size")

	c.queue = append(c.queue, sent...)
	c.pump()
	c.tick(2)
	for _, id := range ids {
		require.Equal(t, 1, c.replyCount[id])
		assert.NoError(t, c.replies[id].Err)
	}
}
