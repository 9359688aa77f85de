package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unstableTerms(u *unstable) []uint64 {
	var out []uint64
	for _, e := range u.entries {
		out = append(out, e.Term)
	}
	return out
}

func TestUnstableTruncateAndAppend(t *testing.T) {
	tests := []struct {
		name       string
		append     []Entry
		wantOffset uint64
		wantTerms  []uint64
	}{
		{name: "directly after", append: []Entry{{Index: 8, Term: 2}}, wantOffset: 5, wantTerms: []uint64{1, 1, 1, 2}},
		{name: "replace everything", append: []Entry{{Index: 5, Term: 2}}, wantOffset: 5, wantTerms: []uint64{2}},
		{name: "replace from before the offset", append: []Entry{{Index: 4, Term: 2}, {Index: 5, Term: 2}}, wantOffset: 4, wantTerms: []uint64{2, 2}},
		{name: "truncate inside", append: []Entry{{Index: 6, Term: 2}, {Index: 7, Term: 2}, {Index: 8, Term: 2}}, wantOffset: 5, wantTerms: []uint64{1, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &unstable{offset: 5, entries: []Entry{{Index: 5, Term: 1}, {Index: 6, Term: 1}, {Index: 7, Term: 1}}}
			handedOut := u.entries
			u.truncateAndAppend(tt.append)
			assert.Equal(t, tt.wantOffset, u.offset)
			assert.Equal(t, tt.wantTerms, unstableTerms(u))
			assert.Equal(t, []uint64{1, 1, 1}, []uint64{handedOut[0].Term, handedOut[1].Term, handedOut[2].Term}, "a slice handed out in a Ready is never overwritten")
		})
	}
}

func TestUnstableStableTo(t *testing.T) {
	tests := []struct {
		name       string
		index      uint64
		term       uint64
		wantOffset uint64
		wantLen    int
	}{
		{name: "prefix", index: 5, term: 1, wantOffset: 6, wantLen: 1},
		{name: "all", index: 6, term: 1, wantOffset: 7, wantLen: 0},
		{name: "term mismatch: replaced meanwhile", index: 6, term: 2, wantOffset: 5, wantLen: 2},
		{name: "before offset", index: 4, term: 1, wantOffset: 5, wantLen: 2},
		{name: "beyond last", index: 9, term: 1, wantOffset: 5, wantLen: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &unstable{offset: 5, entries: []Entry{{Index: 5, Term: 1}, {Index: 6, Term: 1}}}
			u.stableTo(tt.index, tt.term)
			assert.Equal(t, tt.wantOffset, u.offset)
			assert.Len(t, u.entries, tt.wantLen)
		})
	}
}

func TestUnstableSnapshotTerms(t *testing.T) {
	u := &unstable{}
	u.restore(Snapshot{Metadata: SnapshotMetadata{Index: 10, Term: 3}})
	first, ok := u.maybeFirstIndex()
	require.True(t, ok)
	assert.Equal(t, uint64(11), first)
	last, ok := u.maybeLastIndex()
	require.True(t, ok)
	assert.Equal(t, uint64(10), last)
	term, ok := u.maybeTerm(10)
	require.True(t, ok)
	assert.Equal(t, uint64(3), term)
	_, ok = u.maybeTerm(9)
	assert.False(t, ok)
	_, ok = u.maybeTerm(11)
	assert.False(t, ok)
	u.stableSnapTo(9)
	assert.NotNil(t, u.snapshot, "another index does not clear it")
	u.stableSnapTo(10)
	assert.Nil(t, u.snapshot)
}

func TestLogTermBounds(t *testing.T) {
	s := newStorageWith(t, 1, 1, 2, 2)
	_, err := s.CreateSnapshot(2, nil, nil)
	require.NoError(t, err)
	require.NoError(t, s.Compact(2))
	l, err := newLog(s)
	require.NoError(t, err)
	l.append(Entry{Index: 5, Term: 3})
	tests := []struct {
		index   uint64
		want    uint64
		wantErr error
	}{
		{index: 1, wantErr: ErrCompacted},
		{index: 2, want: 1},
		{index: 4, want: 2},
		{index: 5, want: 3},
		{index: 6, wantErr: ErrUnavailable},
	}
	for _, tt := range tests {
		got, err := l.term(tt.index)
		if tt.wantErr != nil {
			require.ErrorIs(t, err, tt.wantErr, "index %d", tt.index)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "index %d", tt.index)
	}
	ents, err := l.slice(3, 6, noLimit)
	require.NoError(t, err)
	assert.Len(t, ents, 3, "storage and unstable parts joined")
	_, err = l.slice(2, 4, noLimit)
	require.ErrorIs(t, err, ErrCompacted)
	_, err = l.slice(3, 9, noLimit)
	require.ErrorIs(t, err, ErrUnavailable)
	small, err := l.slice(3, 6, 0)
	require.NoError(t, err)
	assert.Len(t, small, 1, "size limit inside the stored part")
}

func TestFindConflictByTerm(t *testing.T) {
	l, err := newLog(newStorageWith(t, 1, 1, 2, 2, 4, 4))
	require.NoError(t, err)
	tests := []struct {
		index, term           uint64
		wantIndex, wantTermAt uint64
	}{
		{index: 6, term: 4, wantIndex: 6, wantTermAt: 4},
		{index: 6, term: 3, wantIndex: 4, wantTermAt: 2},
		{index: 6, term: 1, wantIndex: 2, wantTermAt: 1},
		{index: 6, term: 0, wantIndex: 0, wantTermAt: 0},
	}
	for _, tt := range tests {
		i, term := l.findConflictByTerm(tt.index, tt.term)
		assert.Equal(t, tt.wantIndex, i)
		assert.Equal(t, tt.wantTermAt, term)
	}
}

// A heartbeat answer frees one slot of a full in-flight window, so a follower whose
// acknowledgements were lost still gets new entries.
func TestHeartbeatRespFreesFullWindow(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2}, HardState{}, nil, func(c *Config) { c.MaxInflightMsgs = 1 })
	r.becomeCandidate()
	r.becomeLeader()
	pr := r.prs[2]
	pr.becomeReplicate()
	require.NoError(t, r.Step(Message{From: 1, Type: MsgProp, Entries: []Entry{{Data: []byte("a")}}}))
	require.True(t, pr.inflights.full())
	takeMsgs(r)
	require.NoError(t, r.Step(Message{From: 2, To: 1, Term: r.term, Type: MsgHeartbeatResp}))
	assert.False(t, pr.inflights.full(), "one slot freed")
	msgs := takeMsgs(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, MsgApp, msgs[0].Type)
}

// Entries that arrive and become stable one Ready at a time share an array with room to spare
// instead of allocating one each, and every entry handed out keeps its value.
func TestUnstableAppendsReuseTheirArray(t *testing.T) {
	u := &unstable{offset: 1}
	var handed [][]Entry
	next := uint64(1)
	cycle := func() {
		u.truncateAndAppend([]Entry{{Index: next, Term: next}})
		handed = append(handed, u.entries)
		u.stableTo(next, next)
		next++
	}
	allocs := testing.AllocsPerRun(200, cycle)
	assert.Zero(t, allocs, "fewer than one allocation per appended entry")
	for _, h := range handed {
		require.Len(t, h, 1)
		assert.Equal(t, h[0].Index, h[0].Term, "entry %d was overwritten", h[0].Index)
	}
}

// Ready hands out its entries and committed entries without spare capacity, so a host appending to
// them cannot write into the room raft keeps for later entries.
func TestReadyEntriesHaveNoSpareCapacity(t *testing.T) {
	s := NewMemoryStorage()
	n, err := NewNode(testConfig(1, []uint64{1}, s))
	require.NoError(t, err)
	n.r.becomeCandidate()
	n.r.becomeLeader()
	rd := n.Ready()
	require.NotEmpty(t, rd.Entries)
	assert.Equal(t, len(rd.Entries), cap(rd.Entries))
	require.NoError(t, s.Append(rd.Entries))
	n.Advance(rd)
	require.NoError(t, n.Propose([]byte("a")))
	rd = n.Ready()
	require.NotEmpty(t, rd.Entries)
	assert.Equal(t, len(rd.Entries), cap(rd.Entries))
	// A lone leader commits at once: its committed entries come from the unstable array too.
	require.NotEmpty(t, rd.CommittedEntries)
	assert.Equal(t, len(rd.CommittedEntries), cap(rd.CommittedEntries))
}
