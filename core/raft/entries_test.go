package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEntriesShowAReplacedEntryBeforeItIsPersisted: a follower holding an entry of a deposed leader
// gets the real leader's entry at that index together with a commit index covering it. Until the host
// persists the new entry, storage still has the old one; Entries must already show the new one, since
// Status().Commit already covers it (an observer that paired the commit index with storage saw an
// uncommitted entry as committed).
func TestEntriesShowAReplacedEntryBeforeItIsPersisted(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2, 3}, HardState{Term: 2}, ents(1, 1, 2)) // index 3 from a deposed leader of term 2
	n := &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}
	replacement := Entry{Index: 3, Term: 1, Data: []byte("committed")}
	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 3, Type: MsgApp, LogTerm: 1, Index: 2,
		Entries: []Entry{replacement}, Commit: 3}))

	assert.Equal(t, uint64(3), n.Status().HardState.Commit)
	stored, err := r.log.storage.Entries(3, 4, noLimit)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), stored[0].Term, "not persisted yet: storage still has the replaced entry")

	got := n.Entries()
	require.Len(t, got, 3)
	assert.Equal(t, replacement, got[2], "the log raft's commit index refers to")
	assert.Equal(t, []uint64{1, 1}, []uint64{got[0].Term, got[1].Term})
}

// EntriesBetween is Entries cut to a range: the same entries (the unpersisted replacement
// included), clipped to the log, nil outside it.
func TestEntriesBetweenIsARangeOfEntries(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2, 3}, HardState{Term: 2}, ents(1, 1, 2))
	n := &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}
	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 3, Type: MsgApp, LogTerm: 1, Index: 2,
		Entries: []Entry{{Index: 3, Term: 1, Data: []byte("committed")}, {Index: 4, Term: 3}}, Commit: 3}))
	all := n.Entries()
	require.Len(t, all, 4)
	cases := []struct {
		lo, hi uint64
		want   []Entry
	}{
		{1, 4, all},
		{2, 3, all[1:3]},
		{3, 3, all[2:3]},
		{0, 2, all[:2]},
		{4, 9, all[3:]},
		{5, 9, nil},
		{3, 2, nil},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, n.EntriesBetween(c.lo, c.hi), "[%d, %d]", c.lo, c.hi)
	}
}
