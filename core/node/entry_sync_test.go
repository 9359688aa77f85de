package node

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyncClockReadsTheLeadersClockFromExpiryEntries(t *testing.T) {
	c := newCodecs()
	sync, err := c.encodeEnvelope(&envelope{Kind: envSync, Write: store.Request{Op: store.OpSync, Time: 1_767_225_603_000_000_000}})
	require.NoError(t, err)
	clock, ok := SyncClock(raft.Entry{Index: 9, Term: 2, Type: raft.EntryNormal, Data: sync})
	require.True(t, ok)
	assert.Equal(t, int64(1_767_225_603_000_000_000), clock)

	write, err := c.encodeEnvelope(&envelope{Kind: envWrite, Write: store.Request{Op: store.OpSet, Key: "/a", Value: "v"}})
	require.NoError(t, err)
	for _, e := range []raft.Entry{
		{Type: raft.EntryNormal, Data: write},
		{Type: raft.EntryNoop},
		{Type: raft.EntryNormal, Data: []byte("not an envelope")},
	} {
		_, ok := SyncClock(e)
		assert.False(t, ok, "%+v", e)
	}
}
