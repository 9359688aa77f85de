package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// snapshotAnswerTimeout bounds how long a sender waits, after the last chunk, for the receiver to
// check the snapshot and hand it to its member.
const snapshotAnswerTimeout = 30 * time.Second

// SnapshotReport says how a snapshot stream to a peer ended: the host reports it to Raft
// (raft.Node.ReportSnapshot) so that the leader sends the follower entries again, or another
// snapshot.
type SnapshotReport struct {
	To     uint64
	Failed bool
}

// divertSnapshots takes the MsgSnap messages out of batch and streams each on a connection of its
// own (see streamSnapshot); it returns the rest of the batch. A snapshot is never framed with the
// other messages, so no frame limit bounds its size, and a snapshot that takes long to send holds up
// neither heartbeats nor appends.
func (p *peer) divertSnapshots(batch []raft.Message) []raft.Message {
	if !hasSnapshot(batch) {
		return batch
	}
	rest := batch[:0]
	for i := range batch {
		if isSnapshot(&batch[i]) {
			p.startSnapshot(batch[i])
		} else {
			rest = append(rest, batch[i])
		}
	}
	clear(batch[len(rest):])
	return rest
}

func isSnapshot(m *raft.Message) bool { return m.Type == raft.MsgSnap && m.Snapshot != nil }

func hasSnapshot(batch []raft.Message) bool {
	for i := range batch {
		if isSnapshot(&batch[i]) {
			return true
		}
	}
	return false
}

// startSnapshot streams m unless a snapshot to this peer is on its way already: Raft sends its
// snapshot again when the follower has not acknowledged it for an election timeout, which a large
// snapshot takes longer than; the one in flight answers for both.
func (p *peer) startSnapshot(m raft.Message) {
	if !p.snapshotBusy.CompareAndSwap(false, true) {
		p.log.Debug("a snapshot is on its way to the peer already; not sending another", "index", m.Snapshot.Metadata.Index)
		return
	}
	p.t.wg.Add(1)
	go func() {
		defer p.t.wg.Done()
		defer p.snapshotBusy.Store(false)
		begin := time.Now()
		err := p.streamSnapshot(&m)
		if p.ctx.Err() != nil {
			return // the peer was removed or the transport closed: nobody to report to
		}
		p.t.reportSnapshot(SnapshotReport{To: p.id, Failed: err != nil})
		if err != nil {
			p.sent.snapshotsFailed.Add(1)
			p.t.markUnreachable(p.id)
			p.log.Warn("sending snapshot failed", "index", m.Snapshot.Metadata.Index, "bytes", len(m.Snapshot.Data), "err", err)
			return
		}
		p.sent.snapshots.Add(1)
		p.log.Info("snapshot sent", "index", m.Snapshot.Metadata.Index, "bytes", len(m.Snapshot.Data), "took", time.Since(begin))
	}()
}

// streamSnapshot opens a snapshot stream to the peer and writes m: the header, then the data in
// chunks straight from the snapshot (no copy of it is made), then waits for the receiver's answer.
func (p *peer) streamSnapshot(m *raft.Message) error {
	conn, remoteMax, err := p.dialSnapshot()
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(p.ctx, func() { _ = conn.Close() })
	defer stop()
	header, err := snapshotHeader(m)
	if err != nil {
		return err
	}
	write := func(bufs net.Buffers) error {
		_ = conn.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
		n, err := bufs.WriteTo(conn)
		p.sent.bytes.Add(uint64(n))
		if err != nil {
			return fmt.Errorf("transport: stream snapshot to member %x: %w", p.id, err)
		}
		return nil
	}
	if err := write(net.Buffers{header}); err != nil {
		return err
	}
	data := m.Snapshot.Data
	chunk := min(p.t.cfg.MaxFrameBytes, remoteMax, snapshotChunkBytes)
	for off := 0; off < len(data); off += chunk {
		part := data[off:min(off+chunk, len(data))]
		h := chunkHeader(part)
		if err := write(net.Buffers{h[:], part}); err != nil {
			return err
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(snapshotAnswerTimeout))
	if _, err := readAnswer(conn); err != nil {
		return fmt.Errorf("transport: member %x did not take the snapshot: %w", p.id, err)
	}
	return nil
}

// dialSnapshot opens a snapshot stream to the first of the peer's addresses that accepts it.
func (p *peer) dialSnapshot() (net.Conn, int, error) {
	p.mu.Lock()
	addrs := slices.Clone(p.addrs)
	p.mu.Unlock()
	if len(addrs) == 0 {
		return nil, 0, fmt.Errorf("transport: member %x has no address", p.id)
	}
	errs := make([]error, 0, len(addrs))
	for _, addr := range addrs {
		conn, remoteMax, _, err := p.dialVersion(addr, ProtocolVersion|snapshotStreamFlag)
		if err == nil {
			return conn, remoteMax, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", addr, err))
	}
	return nil, 0, fmt.Errorf("transport: open a snapshot stream to member %x: %w", p.id, errors.Join(errs...))
}

// reportSnapshot queues r for SnapshotReports.
func (t *Transport) reportSnapshot(r SnapshotReport) {
	t.unreachMu.Lock()
	t.snapshotReports = append(t.snapshotReports, r)
	t.unreachMu.Unlock()
}

// SnapshotReports returns, oldest first, how the snapshot streams that ended since the previous call
// went. The host reports each to Raft.
func (t *Transport) SnapshotReports() []SnapshotReport {
	t.unreachMu.Lock()
	defer t.unreachMu.Unlock()
	out := t.snapshotReports
	t.snapshotReports = nil
	return out
}
