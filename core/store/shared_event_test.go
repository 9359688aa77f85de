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

// An event's node views are snapshots taken at the write: a later write of the same key, which
// changes the tree node in place, leaves every earlier event (returned, in the history, queued for
// a watcher) showing what it showed.
func TestEventViewsSurviveLaterWritesOfTheKey(t *testing.T) {
	s := New()
	w, err := s.Watch("/k", false, true, 0)
	require.NoError(t, err)
	first := mustApply(t, s, set("/k", "a"))
	firstJSON := jsonOf(t, first)
	writes := []Request{
		set("/k", "b"),
		{Op: OpUpdate, Key: "/k", Value: "c"},
		{Op: OpCompareAndSwap, Key: "/k", PrevValue: "c", Value: "d"},
		withTTL(set("/k", "e"), t0+sec, t0),
		{Op: OpDelete, Key: "/k"},
	}
	var events []*Event
	var frozen []string
	for _, r := range writes {
		e := mustApply(t, s, r)
		events = append(events, e)
		frozen = append(frozen, jsonOf(t, e))
	}
	assert.Equal(t, firstJSON, jsonOf(t, first))
	assert.Equal(t, firstJSON, jsonOf(t, <-w.EventChan()), "the watcher's first event")
	for i, e := range events {
		assert.Equal(t, frozen[i], jsonOf(t, e), "event %d", i)
		assert.Equal(t, frozen[i], jsonOf(t, <-w.EventChan()), "watcher's event %d", i)
	}
	assert.Equal(t, `{"action":"set","node":{"key":"/k","value":"b","modifiedIndex":2,"createdIndex":2},`+
		`"prevNode":{"key":"/k","value":"a","modifiedIndex":1,"createdIndex":1}}`, frozen[0])
}

// A set rewrites an existing file in place: it must still behave as a new node, with a new
// createdIndex, and take or lose its place in the TTL queue.
func TestSetOfAnExistingFileIsANewNode(t *testing.T) {
	s := New()
	applyAll(t, s, set("/k", "a"), Request{Op: OpUpdate, Key: "/k", Value: "b"})
	e := mustApply(t, s, withTTL(set("/k", "c"), t0+sec, t0))
	assert.Equal(t, uint64(3), e.Node.CreatedIndex)
	assert.Equal(t, uint64(1), e.PrevNode.CreatedIndex)
	next, ok := s.NextExpiration()
	require.True(t, ok, "a permanent key set with a TTL is queued")
	assert.Equal(t, t0+sec, next)

	mustApply(t, s, set("/k", "d"))
	_, ok = s.NextExpiration()
	assert.False(t, ok, "a key set without a TTL leaves the queue")
	got, err := s.Get("/k", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"get","node":{"key":"/k","value":"d","modifiedIndex":4,"createdIndex":4}}`, jsonOf(t, got))
}
