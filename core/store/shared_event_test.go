package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The event a mutation returns is the one the history keeps and live watchers receive: one value,
// not a copy per consumer. A watch replayed from the history later gets its own copy carrying the
// then-current index, and the shared event keeps its own.
func TestCommittedEventIsSharedWithHistoryAndWatchers(t *testing.T) {
	s := New()
	w, err := s.Watch("/k", false, true, 0)
	require.NoError(t, err)

	e := mustApply(t, s, set("/k", "v"))

	last := s.history.at(s.history.count - 1).event
	assert.Same(t, e, last, "history must keep the returned event")
	live := <-w.EventChan()
	assert.Same(t, e, live, "live watchers must receive the returned event")

	mustApply(t, s, set("/other", "x"))
	replayed, err := s.Watch("/k", false, false, e.Index())
	require.NoError(t, err)
	old := <-replayed.EventChan()
	assert.NotSame(t, e, old, "a replayed event is a copy")
	assert.Equal(t, s.Index(), old.EtcdIndex)
	assert.Equal(t, e.Index(), e.EtcdIndex, "replay must not change the shared event")
	assert.Same(t, e.Node, old.Node, "the replayed copy shares the read-only node")
}
