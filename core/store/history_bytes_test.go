package store

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// historyBytes sums what the window holds, recomputed from its events.
func historyBytes(s *Store) int {
	n := 0
	for i := range s.history.count {
		n += EventBytes(s.history.at(i).event)
	}
	return n
}

// The watch window is bounded by size: large values written and deleted leave at most
// HistoryMaxBytes of events behind, a watch from an index cleared that way gets etcd's 401, and a
// watch from within the window still replays. The window survives a snapshot as it was.
func TestHistoryIsBoundedByBytes(t *testing.T) {
	s := New()
	big := strings.Repeat("v", 1<<20)
	for i := range 40 {
		mustApply(t, s, set("/big/"+strconv.Itoa(i), big))
	}
	for i := range 40 {
		mustApply(t, s, Request{Op: OpDelete, Key: "/big/" + strconv.Itoa(i)})
	}
	assert.LessOrEqual(t, historyBytes(s), HistoryMaxBytes)
	assert.Equal(t, historyBytes(s), s.history.bytes, "the running count matches the events")
	assert.Less(t, s.history.count, 40, "only the newest deletes (each holds its 1 MiB prevNode) are kept")
	start := s.history.startIndex()
	require.Greater(t, start, uint64(1))
	assert.Equal(t, s.Index(), s.history.lastIndex())

	_, err := s.Watch("/big", true, false, start-1)
	se := storeErr(t, err)
	assert.Equal(t, EcodeEventIndexCleared, se.ErrorCode)
	assert.Equal(t, "the requested history has been cleared ["+strconv.FormatUint(start, 10)+"/"+strconv.FormatUint(start-1, 10)+"]", se.Cause)

	w, err := s.Watch("/big", true, false, start)
	require.NoError(t, err)
	ev := <-w.EventChan()
	assert.Equal(t, start, ev.Node.ModifiedIndex, "the oldest kept event replays")

	data, err := s.Save()
	require.NoError(t, err)
	r := New()
	require.NoError(t, r.Recovery(data))
	assert.Equal(t, s.history.count, r.history.count)
	assert.Equal(t, s.history.bytes, r.history.bytes)
	assert.Equal(t, start, r.history.startIndex())
}

// Small events are bounded by the count alone, as in etcd: the last 1000.
func TestHistoryOfSmallEventsKeepsTheLastThousand(t *testing.T) {
	s := New()
	for i := range 1500 {
		mustApply(t, s, set("/k", strconv.Itoa(i)))
	}
	assert.Equal(t, historyCapacity, s.history.count)
	assert.Equal(t, uint64(501), s.history.startIndex())
}
