package transport

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// framedMessages is msgs without the snapshots, which travel on streams of their own.
func framedMessages(msgs []raft.Message) []raft.Message {
	var out []raft.Message
	for i := range msgs {
		if !isSnapshot(&msgs[i]) {
			out = append(out, msgs[i])
		}
	}
	return out
}

// snapshotMessage is a MsgSnap from one member to another carrying size random bytes.
func snapshotMessage(from, to uint64, size int) raft.Message {
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(size), 7))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	return raft.Message{Type: raft.MsgSnap, From: from, To: to, Term: 4, Snapshot: &raft.Snapshot{
		Metadata: raft.SnapshotMetadata{Index: 1234, Term: 3, ConfState: raft.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{9}}},
		Data:     data,
	}}
}

// spooled lists the files left in a snapshot spool dir.
func spooled(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	return names
}

// A snapshot 64 times the frame limit of both sides arrives whole, in chunks no larger than the
// limit, next to the framed messages, and the sender reports it sent. The receiver's spool is
// empty afterwards.
func TestSnapshotsAreStreamedInChunks(t *testing.T) {
	const limit = 16 << 10
	spool := t.TempDir()
	a := startNode(t, 1, 7, "", func(c *Config) { c.MaxFrameBytes = limit })
	b := startNode(t, 2, 7, "", func(c *Config) { c.MaxFrameBytes = limit; c.SnapshotDir = spool })
	connect(a, b)
	snap := snapshotMessage(1, 2, 64*limit)
	hb := heartbeat(1, 2, 4)
	a.Send([]raft.Message{snap, hb})
	require.Eventually(t, func() bool { return b.inbox.len() == 2 }, waitFor, pollEvery)
	for _, m := range b.inbox.all() {
		if m.Type == raft.MsgSnap {
			require.Equal(t, snap.Snapshot.Metadata, m.Snapshot.Metadata)
			require.True(t, bytes.Equal(snap.Snapshot.Data, m.Snapshot.Data), "the data arrived intact")
			snap.Snapshot = m.Snapshot
			assert.Equal(t, snap, m)
		} else {
			assert.Equal(t, hb, m)
		}
	}
	var reports []SnapshotReport
	require.Eventually(t, func() bool {
		reports = append(reports, a.SnapshotReports()...)
		return len(reports) > 0
	}, waitFor, pollEvery)
	assert.Equal(t, []SnapshotReport{{To: 2}}, reports)
	assert.Equal(t, uint64(1), a.Stats()[2].SnapshotsSent)
	assert.Equal(t, uint64(1), b.Stats()[1].SnapshotsReceived)
	assert.Greater(t, b.Stats()[1].BytesReceived, uint64(64*limit), "the stream's bytes are counted")
	assert.Zero(t, a.Stats()[2].MessagesDropped)
	assert.Empty(t, spooled(t, spool))
}

// Raft sends a snapshot again when the first is slow to be acknowledged: while one is on its way
// to a peer, another to the same peer is not sent.
func TestSnapshotInFlightIsNotSentTwice(t *testing.T) {
	gate := make(chan struct{})
	a := startNode(t, 1, 7, "", func(c *Config) { c.Dial = gatedDial(gate) })
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	a.Send([]raft.Message{snapshotMessage(1, 2, 1000)})
	require.Eventually(t, func() bool { return a.Stats()[2].SnapshotsSent == 0 && hasSnapshotBusy(a, 2) }, waitFor, pollEvery)
	a.Send([]raft.Message{snapshotMessage(1, 2, 2000)})
	time.Sleep(20 * time.Millisecond) // let the writer pick it up
	close(gate)
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)
	require.Eventually(t, func() bool { return a.Stats()[2].SnapshotsSent == 1 }, waitFor, pollEvery)
	assert.Len(t, b.inbox.all()[0].Snapshot.Data, 1000, "the first one went, the second was left for raft to send again")
	assert.Equal(t, []SnapshotReport{{To: 2}}, a.SnapshotReports())
}

func hasSnapshotBusy(n *node, peer uint64) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	p := n.peers[peer]
	return p != nil && p.snapshotBusy.Load()
}

// A snapshot to a member that is down fails, and the failure is reported for raft.
func TestSnapshotToAnUnreachablePeerIsReportedFailed(t *testing.T) {
	a := startNode(t, 1, 7, "", nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())
	a.AddPeer(2, []string{dead})
	a.Send([]raft.Message{snapshotMessage(1, 2, 100)})
	var reports []SnapshotReport
	require.Eventually(t, func() bool {
		reports = append(reports, a.SnapshotReports()...)
		return len(reports) > 0
	}, waitFor, pollEvery)
	assert.Equal(t, []SnapshotReport{{To: 2, Failed: true}}, reports)
	assert.Equal(t, uint64(1), a.Stats()[2].SnapshotsFailed)
}

// rawSnapshotStream opens a snapshot stream to n by hand as member from (a peer of n) and returns
// it after the handshake.
func rawSnapshotStream(t *testing.T, n *node, from uint64) net.Conn {
	t.Helper()
	n.AddPeer(from, []string{"127.0.0.1:1"})
	conn, err := net.Dial("tcp", n.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, writeHello(conn, hello{Version: ProtocolVersion | snapshotStreamFlag, ClusterID: 7, From: from, To: n.id}))
	_, err = readAnswer(conn)
	require.NoError(t, err)
	return conn
}

// The receiver refuses a stream whose chunk fails its checksum, a chunk over its frame limit, and a
// stream that ends before the size its header announced (a terabyte: nothing of that size is ever
// allocated); nothing reaches Handler and the spool is emptied.
func TestSnapshotStreamRefusesBadData(t *testing.T) {
	good := snapshotMessage(1, 2, 3000)
	header, err := snapshotHeader(&good)
	require.NoError(t, err)
	chunk := good.Snapshot.Data[:1000]
	h := chunkHeader(chunk)
	badCRC := h
	badCRC[7] ^= 1
	hugeHeader := append(header[:len(header)-8:len(header)-8], binary.BigEndian.AppendUint64(nil, 1<<40)...)
	tooLong := chunkHeader(make([]byte, 8192))
	for _, tt := range []struct {
		name   string
		stream [][]byte
		reason string
	}{
		{"checksum", [][]byte{header, badCRC[:], chunk}, "chunk checksum"},
		{"chunk over the limit", [][]byte{header, tooLong[:]}, "chunk of 8192 bytes (limit 4096"},
		{"ends early", [][]byte{hugeHeader, h[:], chunk}, "unexpected EOF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			spool := t.TempDir()
			b := startNode(t, 2, 7, "", func(c *Config) { c.MaxFrameBytes = 4096; c.SnapshotDir = spool })
			conn := rawSnapshotStream(t, b, 1)
			for _, part := range tt.stream {
				_, err := conn.Write(part)
				require.NoError(t, err)
			}
			if tt.name == "ends early" {
				require.NoError(t, conn.(*net.TCPConn).CloseWrite())
			}
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitFor)))
			_, err := readAnswer(conn)
			require.ErrorContains(t, err, tt.reason, "the sender is told why")
			require.Eventually(t, func() bool { return len(spooled(t, spool)) == 0 }, waitFor, pollEvery)
			assert.Contains(t, b.log.String(), tt.reason)
			assert.Zero(t, b.inbox.len())
		})
	}
}

// Only a current peer may send a snapshot.
func TestSnapshotStreamFromAStrangerIsRefused(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	conn, err := net.Dial("tcp", b.addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, writeHello(conn, hello{Version: ProtocolVersion | snapshotStreamFlag, ClusterID: 7, From: 9, To: 2}))
	_, err = readAnswer(conn)
	var refused *RefusedError
	require.ErrorAs(t, err, &refused)
	assert.Contains(t, refused.Reason, "member 9 is not a member")
}

// A spool file a stopped member left behind is deleted when the transport starts again.
func TestLeftoverSpoolFilesAreDeletedAtStart(t *testing.T) {
	spool := t.TempDir()
	left := filepath.Join(spool, "incoming-123.snap.tmp")
	other := filepath.Join(spool, "keep.me")
	require.NoError(t, os.WriteFile(left, []byte("half a snapshot"), 0o600))
	require.NoError(t, os.WriteFile(other, nil, 0o600))
	startNode(t, 2, 7, "", func(c *Config) { c.SnapshotDir = spool })
	assert.Equal(t, []string{other}, spooled(t, spool))
}
