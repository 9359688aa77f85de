package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A follower writing a batch learns that earlier, durable entries are committed: it may apply them
// before the batch is durable, never the batch's own entries, and never any entry twice.
func TestCommittedDurableHandsOutOnlyDurableEntries(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2, 3}, HardState{Term: 1}, ents(1, 1))
	n := &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}
	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 1, Type: MsgApp, Index: 2, LogTerm: 1,
		Entries: []Entry{{Index: 3, Term: 1}}}))
	rd := n.Ready() // entry 3 goes out to be written
	require.Len(t, rd.Entries, 1)
	assert.Nil(t, n.CommittedDurable(), "nothing committed yet")

	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 1, Type: MsgHeartbeat, Commit: 3}))
	early := n.CommittedDurable()
	require.Len(t, early, 2, "entries 1 and 2 are durable, 3 is still being written")
	assert.Equal(t, uint64(2), early[1].Index)
	assert.Nil(t, n.CommittedDurable(), "handed out once")
	n.AdvanceApplied(early)
	assert.Equal(t, uint64(2), n.Status().Applied)

	require.NoError(t, r.log.storage.(*MemoryStorage).Append(rd.Entries))
	n.Advance(rd)
	rd = n.Ready()
	require.Len(t, rd.CommittedEntries, 1, "the next Ready hands out only entry 3")
	assert.Equal(t, uint64(3), rd.CommittedEntries[0].Index)
	assert.Nil(t, n.CommittedDurable(), "not while a Ready's committed entries are out")
	n.Advance(rd)
	assert.Equal(t, uint64(3), n.Status().Applied)
}

func TestCommittedDurableStopsAtMembershipChange(t *testing.T) {
	stable := ents(1, 1, 1)
	stable[1].Type = EntryConfChange
	r := newTestRaft(t, 2, []uint64{1, 2, 3}, HardState{Term: 1}, stable)
	n := &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}
	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 1, Type: MsgHeartbeat, Commit: 3}))
	early := n.CommittedDurable()
	require.Len(t, early, 1, "the membership change is left to Ready")
	n.AdvanceApplied(early)
	rd := n.Ready()
	require.Len(t, rd.CommittedEntries, 2)
	assert.Equal(t, EntryConfChange, rd.CommittedEntries[0].Type)
}
