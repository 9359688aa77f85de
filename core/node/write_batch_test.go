package node

import (
	"strconv"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appendsTo counts the appends carrying entries in msgs, per follower, and their entries.
func appendsTo(msgs []raft.Message) (perPeer map[uint64]int, entries map[uint64]int) {
	perPeer, entries = map[uint64]int{}, map[uint64]int{}
	for _, m := range msgs {
		if m.Type == raft.MsgApp && len(m.Entries) > 0 {
			perPeer[m.To]++
			entries[m.To] += len(m.Entries)
		}
	}
	return perPeer, entries
}

func TestWritesArrivingDuringAPersistAreProposedTogether(t *testing.T) {
	for _, via := range []string{"leader", "follower"} {
		t.Run(via, func(t *testing.T) {
			c := newTestCluster(t, 3, nil)
			lead := c.waitLeader()
			at := lead
			if via == "follower" {
				at = c.ids[0]
				if at == lead {
					at = c.ids[1]
				}
			}
			// The first write goes out at once; its persist batch is held.
			c.holdPersist[at] = true
			first := c.newID()
			c.nodes[at].Submit(Request{ID: first, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/first", Value: "0"}})
			c.pump()
			require.NotNil(t, c.held[at])
			// Writes arriving while it is in flight wait (including one too large, refused at once).
			const more = 5
			ids := make([]uint64, more)
			for i := range ids {
				ids[i] = c.newID()
				c.nodes[at].Submit(Request{ID: ids[i], Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k" + strconv.Itoa(i), Value: strconv.Itoa(i)}})
			}
			big := c.newID()
			c.nodes[at].Submit(Request{ID: big, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/big", Value: string(make([]byte, 2<<20))}})
			out := c.nodes[at].Ready()
			require.Len(t, out.Replies, 1)
			require.ErrorIs(t, out.Replies[0].Err, ErrTooLarge)
			assert.Empty(t, out.Messages, "nothing leaves while the batch is in flight")

			// Once it is durable, the waiting writes leave in one message per destination.
			b := c.held[at]
			delete(c.held, at)
			c.holdPersist[at] = false
			c.disks[at].write(b)
			c.nodes[at].Persisted(b.Seq, nil)
			var sent []raft.Message
			for {
				out := c.nodes[at].Ready()
				sent = append(sent, out.Messages...)
				c.hand(at, out)
				if out.Persist == nil {
					break
				}
			}
			if via == "leader" {
				perPeer, entries := appendsTo(sent)
				followers := map[uint64]int{}
				for _, id := range c.ids {
					if id != lead {
						followers[id] = 1
					}
				}
				assert.Equal(t, followers, perPeer, "one append per follower")
				for id := range followers {
					assert.Equal(t, more, entries[id], "to %d", id)
				}
			} else {
				var props []int
				for _, m := range sent {
					if m.Type == raft.MsgProp {
						props = append(props, len(m.Entries))
					}
				}
				assert.Equal(t, []int{more}, props, "one forwarded proposal for all the waiting writes")
			}
			c.pump()
			c.tick(2)
			for i, id := range append([]uint64{first}, ids...) {
				require.Equal(t, 1, c.replyCount[id], "write %d answered once", i)
				require.NoError(t, c.replies[id].Err)
			}
			for _, id := range c.ids {
				ev, err := c.nodes[id].Get("/k4", false, false, c.now)
				require.NoError(t, err)
				assert.Equal(t, "4", value(t, ev), "node %d", id)
			}
		})
	}
}

func TestQueuedWritesWithoutALeaderWaitAndCommitAfterTheElection(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	// No tick yet: no leader, so raft refuses the writes; they wait for one instead of failing.
	ids := []uint64{c.newID(), c.newID()}
	for _, id := range ids {
		c.nodes[1].Submit(Request{ID: id, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/a", Value: "1"}})
	}
	c.pump()
	for _, id := range ids {
		require.Zero(t, c.replyCount[id], "no answer while there is no leader")
	}
	c.waitLeader()
	c.tick(5)
	for _, id := range ids {
		require.Equal(t, 1, c.replyCount[id], "answered once")
		require.NoError(t, c.replies[id].Err)
	}
}

func TestQueuedWriteThatTimedOutIsNotProposed(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.RequestTimeoutTicks = 2 })
	lead := c.waitLeader()
	c.holdPersist[lead] = true
	c.nodes[lead].Submit(setReq("/first", "0"))
	c.pump()
	late := c.newID()
	c.nodes[lead].Submit(Request{ID: late, Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/late", Value: "1"}})
	c.tick(3)
	require.ErrorIs(t, c.replies[late].Err, ErrTimeout)
	c.releasePersist(lead, nil)
	c.holdPersist[lead] = false
	c.tick(2)
	assert.Equal(t, 1, c.replyCount[late])
	_, err := c.nodes[lead].Get("/late", false, false, c.now)
	assert.Error(t, err, "a write answered with a timeout before it was proposed is never applied")
}

// hand does with out what pump does with a node's Ready.
func (c *testCluster) hand(id uint64, out Output) {
	if out.Persist != nil {
		c.disks[id].write(out.Persist)
		c.nodes[id].Persisted(out.Persist.Seq, nil)
	}
	c.queue = append(c.queue, out.Messages...)
	for _, r := range out.Replies {
		c.replies[r.ID] = r
		c.replyCount[r.ID]++
	}
}
