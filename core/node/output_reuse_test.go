package node

import (
	"slices"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outputCopy is a deep enough copy of an Output to tell whether the node wrote into a held one.
type outputCopy struct {
	batch    PersistBatch
	messages []raft.Message
	replies  []Reply
}

func copyOutput(out Output) outputCopy {
	c := outputCopy{messages: slices.Clone(out.Messages), replies: slices.Clone(out.Replies)}
	if out.Persist != nil {
		c.batch = *out.Persist
		c.batch.Entries = slices.Clone(out.Persist.Entries)
	}
	return c
}

// The node reuses the memory of its Outputs: a held Output stays intact while the node collects the
// next one (until the next Ready, and its batch until Persisted), and the Output after that reuses
// its arrays and its batch.
func TestReadyOutputStaysValidUntilTheNextReadyAndIsReused(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	n := c.nodes[lead]
	// Nothing reaches the followers from here on: the leader sends, persists and answers alone.
	emit := func(i int) {
		n.Submit(Request{ID: c.newID(), Kind: RequestKind(99)})
		n.Submit(Request{ID: c.newID(), Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: string(rune('a' + i))}})
	}
	// Two rounds first, so that both of the node's arrays exist.
	for i := range 2 {
		emit(i)
		out := n.Ready()
		require.NotNil(t, out.Persist)
		n.Persisted(out.Persist.Seq, nil)
	}

	emit(2)
	held := n.Ready()
	require.NotNil(t, held.Persist)
	require.NotEmpty(t, held.Messages)
	require.Len(t, held.Replies, 1)
	want := copyOutput(held)

	heldSeq := held.Persist.Seq
	n.Persisted(heldSeq, nil)
	emit(3) // a new batch, new appends and a new reply are collected while held is still out
	require.Equal(t, want, copyOutput(held), "the node wrote into an Output before the next Ready")

	next := n.Ready()
	require.NotNil(t, next.Persist)
	assert.Equal(t, heldSeq+1, next.Persist.Seq)
	assert.Zero(t, *held.Persist, "a batch reported and followed by a Ready is released")
	assert.NotEqual(t, want.replies[0].ID, next.Replies[0].ID)
	require.NotEmpty(t, next.Messages)
	assert.NotEqual(t, want.messages[0].Entries, next.Messages[0].Entries)
	n.Persisted(next.Persist.Seq, nil)

	emit(4)
	third := n.Ready()
	require.NotEmpty(t, third.Messages)
	require.NotEmpty(t, third.Replies)
	assert.Same(t, &held.Messages[:1][0], &third.Messages[0], "messages collect in the array handed out two Readies ago")
	assert.Same(t, &held.Replies[:1][0], &third.Replies[0], "replies collect in the array handed out two Readies ago")
	assert.Same(t, held.Persist, third.Persist, "batches alternate between two slots")
}
