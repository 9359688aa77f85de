package node

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// TestMaxEnvelopeBytesCoversTheEncoding encodes the costliest envelopes (every number at its
// longest encoding, every string long enough for the longest length header) and checks that what
// they add to their payload, plus a membership change's header, stays within MaxEnvelopeBytes.
func TestMaxEnvelopeBytesCoversTheEncoding(t *testing.T) {
	const confChangeHeader = 10
	long := strings.Repeat("v", 1<<16)
	write := envelope{ID: math.MaxUint64, Kind: math.MaxUint8, Write: store.Request{
		Op: math.MaxUint8, Key: long, Value: long, PrevValue: long, PrevIndex: math.MaxUint64,
		Dir: true, Recursive: true, Refresh: true, HasTTL: true, Expiration: math.MinInt64, Time: math.MinInt64}}
	member := envelope{ID: math.MaxUint64, Kind: math.MaxUint8, Member: Member{ID: math.MaxUint64, Name: long,
		PeerURLs: []string{long, long}, ClientURLs: []string{long, long}}}
	for name, c := range map[string]struct {
		env     envelope
		payload int
	}{"write": {write, 3 * len(long)}, "member": {member, 5 * len(long)}} {
		data := appendEnvelope(nil, &c.env)
		overhead := len(data) - c.payload + confChangeHeader
		t.Logf("%s: %d bytes of envelope", name, overhead)
		assert.LessOrEqual(t, overhead, MaxEnvelopeBytes, name)
	}
}

// TestRequestAtThePayloadLimitIsAccepted: a write whose key, value and prevValue add up to exactly
// the default limit (what the HTTP layer lets through) is proposed and applied; one byte more is
// refused before raft.
func TestRequestAtThePayloadLimitIsAccepted(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	key := "/" + strings.Repeat("k", store.MaxKeyBytes-1)
	prev := strings.Repeat("p", 100)
	value := strings.Repeat("v", DefaultMaxRequestBytes-len(key)-len(prev))
	req := Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: key, Value: value, PrevValue: prev,
		PrevIndex: math.MaxUint64, HasTTL: true, Expiration: math.MaxInt64, Time: math.MaxInt64}}
	r, ok := c.submit(lead, req, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	require.NotNil(t, r.Event)
	assert.Len(t, *r.Event.Node.Value, len(value))

	req.Write.Value += strings.Repeat("v", MaxEnvelopeBytes) // past what any envelope needs
	r, ok = c.submit(lead, req, 1)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, ErrTooLarge)
}

// TestStepDropsOversizedForwardedProposal: a proposal forwarded by a peer with an entry longer
// than this member would have proposed never reaches the leader's log; one within the limit does.
func TestStepDropsOversizedForwardedProposal(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.MaxRequestBytes = 1024 })
	lead := c.waitLeader()
	follower := c.ids[0]
	if follower == lead {
		follower = c.ids[1]
	}
	propose := func(size int) int {
		before := len(c.nodes[lead].LogEntries())
		c.nodes[lead].Step(raft.Message{Type: raft.MsgProp, From: follower, To: lead,
			Entries: []raft.Entry{{Type: raft.EntryNormal, Data: make([]byte, size)}}})
		c.pump()
		return len(c.nodes[lead].LogEntries()) - before
	}
	assert.Equal(t, 0, propose(1024+MaxEnvelopeBytes+1), "an oversized forwarded entry is dropped")
	assert.Equal(t, 1, propose(1024+MaxEnvelopeBytes), "an entry at the limit is appended")
}

// TestSnapshotAfterRestartWhenSnapshotsAreFrequent: with snapshots more frequent than the entries
// kept for followers (SnapshotCount < SnapshotCatchUpEntries), a member restarted from a snapshot
// holds no entry before it; its next snapshot must not fail trying to compact below its log's
// start (found by FuzzClusterHTTP: the member stopped acknowledging writes).
func TestSnapshotAfterRestartWhenSnapshotsAreFrequent(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount, cfg.SnapshotCatchUpEntries = 10, 50 })
	lead := c.waitLeader()
	write := func(at uint64, i int) {
		r, ok := c.submit(at, setReq("/k"+strconv.Itoa(i%7), strconv.Itoa(i)), 50)
		require.True(t, ok, "write %d", i)
		require.NoError(t, r.Err, "write %d", i)
	}
	for i := range 80 {
		write(lead, i)
	}
	follower := c.ids[0]
	if follower == lead {
		follower = c.ids[1]
	}
	c.crash(follower)
	c.restart(follower)
	for i := 80; i < 120; i++ {
		write(lead, i)
	}
	c.tick(5)
	r, ok := c.submit(follower, setReq("/after", "restart"), 50)
	require.True(t, ok)
	require.NoError(t, r.Err, "the restarted member still acknowledges writes")
}
