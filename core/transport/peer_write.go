package transport

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// maxKeptBuffer is the largest write buffer a writer keeps between batches.
const maxKeptBuffer = 1 << 20

// write encodes batch as few frames as the frame limit allows and writes them with one call. A
// message that alone exceeds the limit is dropped and recorded, without failing the stream.
func (p *peer) write(batch []raft.Message) error {
	limit := min(p.t.cfg.MaxFrameBytes, p.remoteMax)
	buf := p.buf[:0]
	frames, sent := 0, 0
	start, count := len(buf), 0
	buf = beginFrame(buf)
	for i := range batch {
		mark := len(buf)
		buf = appendMessage(buf, &batch[i])
		if framePayloadLen(buf, start) <= limit {
			count++
			continue
		}
		buf = buf[:mark]
		if count > 0 { // close this frame and retry the message in a fresh one
			buf, _ = finishFrame(buf, start, count)
			frames, sent = frames+1, sent+count
			start, count = len(buf), 0
			buf = beginFrame(buf)
			buf = appendMessage(buf, &batch[i])
			if framePayloadLen(buf, start) <= limit {
				count++
				continue
			}
			buf = buf[:start+frameHeaderLen+batchHeaderLen]
		}
		p.tooLarge(&batch[i], limit)
	}
	if count > 0 {
		buf, _ = finishFrame(buf, start, count)
		frames, sent = frames+1, sent+count
	} else {
		buf = buf[:start]
	}
	if cap(buf) <= maxKeptBuffer {
		p.buf = buf[:0]
	} else {
		p.buf = nil
	}
	if frames == 0 {
		return nil
	}
	_ = p.conn.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
	if _, err := p.conn.Write(buf); err != nil {
		return fmt.Errorf("transport: write to member %x: %w", p.id, err)
	}
	p.sent.messages.Add(uint64(sent))
	p.sent.frames.Add(uint64(frames))
	p.sent.bytes.Add(uint64(len(buf)))
	return nil
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
