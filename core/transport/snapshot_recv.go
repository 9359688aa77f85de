package transport

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"
)

// snapshotReadTimeout bounds the wait for each chunk of a snapshot stream (and for its header): a
// sender that stalls longer loses the stream.
const snapshotReadTimeout = 30 * time.Second

// spoolPattern names the files inbound snapshots are spooled to while they arrive.
const spoolPattern = "incoming-*.snap.tmp"

// serveSnapshot receives one snapshot stream from member from, whose hello was checked. The data
// goes to a file in SnapshotDir as it arrives, chunk by chunk, each checked against its checksum;
// only once all of it arrived is it read back into one buffer of exactly its size, handed to
// Handler with the MsgSnap it belongs to, and the sender told. So the memory a stream can make this
// member commit grows with the bytes that actually arrived, whatever size the header announced, and
// no size limit applies.
func (t *Transport) serveSnapshot(conn net.Conn, from uint64, log *slog.Logger) {
	if !t.adoptSnapshotStream(conn, from) {
		reason := notMemberReason(from, t.cfg.ClusterID, t.cfg.LocalID)
		log.Error("refusing inbound snapshot stream", "reason", reason)
		_ = writeAnswer(conn, t.cfg.MaxFrameBytes, reason)
		return
	}
	defer t.releaseSnapshotStream(conn, from)
	if err := writeAnswer(conn, t.cfg.MaxFrameBytes, ""); err != nil {
		log.Warn("inbound snapshot stream failed during the handshake", "err", err)
		return
	}
	counters := t.recvCounters(from)
	begin := time.Now()
	size, err := t.receiveSnapshot(conn, from, counters)
	if err != nil {
		if t.ctx.Err() == nil {
			log.Warn("receiving snapshot failed", "err", err)
			_ = conn.SetWriteDeadline(time.Now().Add(t.cfg.WriteTimeout))
			_ = writeAnswer(conn, t.cfg.MaxFrameBytes, err.Error())
		}
		return
	}
	counters.snapshots.Add(1)
	log.Info("snapshot received", "bytes", size, "took", time.Since(begin))
	_ = conn.SetWriteDeadline(time.Now().Add(t.cfg.WriteTimeout))
	_ = writeAnswer(conn, t.cfg.MaxFrameBytes, "")
}

// receiveSnapshot reads the stream, spools its data and hands the complete MsgSnap to Handler. It
// returns the data's size.
func (t *Transport) receiveSnapshot(conn net.Conn, from uint64, counters *recvCounters) (uint64, error) {
	r := bufio.NewReaderSize(&countingReader{r: conn, n: &counters.bytes}, inboundBufferBytes)
	deadline := func() { _ = conn.SetReadDeadline(time.Now().Add(snapshotReadTimeout)) }
	deadline()
	m, size, err := readSnapshotHeader(r, t.cfg.MaxFrameBytes, from, t.cfg.LocalID)
	if err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(t.cfg.SnapshotDir, spoolPattern)
	if err != nil {
		return 0, fmt.Errorf("transport: spool snapshot: %w", err)
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	if err := copyChunks(f, r, size, t.cfg.MaxFrameBytes, deadline); err != nil {
		return 0, err
	}
	data := make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil && !(err == io.EOF && size == 0) {
		return 0, fmt.Errorf("transport: read spooled snapshot %s: %w", f.Name(), err)
	}
	if !t.isPeer(from) {
		return 0, errNotMember(from)
	}
	m.Snapshot.Data = data
	t.cfg.Handler(m)
	return size, nil
}

// adoptSnapshotStream registers conn as member from's snapshot stream, closing the one it replaces
// (a sender that opens another has given up on the first). It refuses a sender that is not a peer.
func (t *Transport) adoptSnapshotStream(conn net.Conn, from uint64) bool {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	if !t.isPeer(from) {
		return false
	}
	if old := t.snapshotsIn[from]; old != nil {
		_ = old.Close()
	}
	t.snapshotsIn[from] = conn
	return true
}

func (t *Transport) releaseSnapshotStream(conn net.Conn, from uint64) {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	if t.snapshotsIn[from] == conn {
		delete(t.snapshotsIn, from)
	}
}

// recvCounters returns member from's receive counters.
func (t *Transport) recvCounters(from uint64) *recvCounters {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	c := t.recv[from]
	if c == nil {
		c = &recvCounters{}
		t.recv[from] = c
	}
	return c
}

// removeSpooled deletes the spool files a previous run left behind (it stopped while receiving).
func (t *Transport) removeSpooled() {
	names, err := filepath.Glob(filepath.Join(t.cfg.SnapshotDir, spoolPattern))
	if err != nil {
		return
	}
	for _, name := range names {
		_ = os.Remove(name)
	}
}
