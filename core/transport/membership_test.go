package transport

import (
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// refusalOf returns the reason the last dial of from to peer was refused ("" if it was not).
func refusalOf(from *node, peer uint64) string {
	if refused, ok := errors.AsType[*RefusedError](from.Stats()[peer].LastError); ok {
		return refused.Reason
	}
	return ""
}

// A stranger that knows the cluster ID, but whose member ID is not one of the acceptor's peers, is
// refused at the handshake: none of its messages (a forged leader's heartbeat here) arrive.
func TestStreamFromAnUnknownMemberIsRefused(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	conn, err := net.Dial("tcp", b.addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, writeHello(conn, hello{Version: ProtocolVersion, ClusterID: 7, From: 0xdead, To: 2}))
	_, err = readAnswer(conn)
	refused, ok := errors.AsType[*RefusedError](err)
	require.True(t, ok, "got %v", err)
	assert.Equal(t, "member dead is not a member of cluster 7 as member 2 knows it (removed, or not added yet)", refused.Reason)
	assert.Contains(t, b.log.String(), refused.Reason, "the acceptor logs the refusal")

	// Frames written anyway are never read.
	_ = EncodeFrame(conn, []raft.Message{heartbeat(0xdead, 2, 1000)})
	requireClosedByPeer(t, conn)
	assert.Zero(t, b.inbox.len())
}

// A member added at runtime is refused until the acceptor learns of it, then accepted; once
// removed, its open stream is closed and its new ones refused.
func TestPeersAreAcceptedWhileMembers(t *testing.T) {
	a := startNode(t, 1, 7, "", func(c *Config) { c.BackoffMax = 50 * c.BackoffMin })
	b := startNode(t, 2, 7, "", nil)
	a.AddPeer(2, []string{b.addr})
	sendUntil(t, a, heartbeat(1, 2, 1), func() bool { return refusalOf(a, 2) != "" })
	assert.Contains(t, refusalOf(a, 2), "member 1 is not a member of cluster 7")
	assert.Zero(t, b.inbox.len())

	b.AddPeer(1, []string{a.addr})
	sendUntil(t, a, heartbeat(1, 2, 2), func() bool { return b.inbox.len() > 0 })
	assert.Equal(t, uint64(2), b.inbox.all()[0].Term)

	failures := a.Stats()[2].Failures
	b.RemovePeer(1)
	require.Eventually(t, func() bool { return !a.Stats()[2].Connected }, waitFor, pollEvery,
		"removing the peer closes its inbound stream")
	received := b.inbox.len()
	sendUntil(t, a, heartbeat(1, 2, 3), func() bool { return a.Stats()[2].Failures > failures && refusalOf(a, 2) != "" })
	assert.Contains(t, refusalOf(a, 2), "member 1 is not a member of cluster 7")
	assert.Equal(t, received, b.inbox.len(), "nothing the removed member sent afterwards arrived")
}

// A frame that arrives on an accepted stream after its sender stopped being a peer is dropped
// with the stream, even if the stream is still open when it is read.
func TestFrameFromARemovedPeerIsDropped(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	conn, _ := rawStream(t, b, 7, 1)
	require.NoError(t, EncodeFrame(conn, []raft.Message{heartbeat(1, 2, 1)}))
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)
	// What RemovePeer does before it closes the stream.
	b.mu.Lock()
	p := b.peers[1]
	delete(b.peers, 1)
	b.mu.Unlock()
	p.stop()
	require.NoError(t, EncodeFrame(conn, []raft.Message{heartbeat(1, 2, 1000)}))
	requireClosedByPeer(t, conn)
	assert.Equal(t, 1, b.inbox.len())
	assert.Contains(t, b.log.String(), "member 1 is no longer a peer")
}
