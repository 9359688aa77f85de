package transport

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// maxKeptBuffer is the largest write buffer a writer keeps between batches.
const maxKeptBuffer = 1 << 20

// write encodes batch as few frames as the frame limit allows and writes them with one call. A
// forwarded proposal too large for one frame is split between frames (its entries are independent
// requests); any other message that alone exceeds the limit is dropped and recorded, without failing
// the stream.
func (p *peer) write(batch []raft.Message) error {
	f := frames{buf: p.buf[:0], limit: min(p.t.cfg.MaxFrameBytes, p.remoteMax)}
	f.open()
	for i := range batch {
		p.add(&f, &batch[i])
	}
	buf, nframes, sent := f.close()
	if cap(buf) <= maxKeptBuffer {
		p.buf = buf[:0]
	} else {
		p.buf = nil
	}
	if nframes == 0 {
		return nil
	}
	_ = p.conn.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
	if _, err := p.conn.Write(buf); err != nil {
		return fmt.Errorf("transport: write to member %x: %w", p.id, err)
	}
	p.sent.messages.Add(uint64(sent))
	p.sent.frames.Add(uint64(nframes))
	p.sent.bytes.Add(uint64(len(buf)))
	return nil
}

// add puts m in the frames, splitting a proposal whose entries together exceed the frame limit.
func (p *peer) add(f *frames, m *raft.Message) {
	if f.append(m) {
		return
	}
	if m.Type == raft.MsgProp && len(m.Entries) > 1 {
		half := len(m.Entries) / 2
		first, second := *m, *m
		first.Entries, second.Entries = m.Entries[:half:half], m.Entries[half:]
		p.add(f, &first)
		p.add(f, &second)
		return
	}
	p.tooLarge(m, f.limit)
}

// tooLarge drops a message whose encoding alone exceeds the frame limit.
func (p *peer) tooLarge(m *raft.Message, limit int) {
	err := fmt.Errorf("%w: %v message to member %x does not fit the %d-byte frame limit", ErrFrameTooLarge, m.Type, p.id, limit)
	p.sent.dropped.Add(1)
	p.t.markUnreachable(p.id)
	p.mu.Lock()
	p.lastErr = err
	p.mu.Unlock()
	p.log.Error("dropping oversized message", "err", err)
}
