package transport

import "github.com/raftlab/raftlab/core/raft"

// frames lays messages out as consecutive frames of at most limit payload bytes each.
type frames struct {
	buf    []byte
	limit  int
	start  int // offset of the open frame
	count  int // messages in the open frame
	closed int // frames finished
	sent   int // messages in finished frames
}

// open begins a new frame at the end of the buffer.
func (f *frames) open() {
	f.start, f.count = len(f.buf), 0
	f.buf = beginFrame(f.buf)
}

// finish closes the open frame if it holds a message.
func (f *frames) finish() {
	if f.count == 0 {
		f.buf = f.buf[:f.start]
		return
	}
	f.buf, _ = finishFrame(f.buf, f.start, f.count)
	f.closed, f.sent = f.closed+1, f.sent+f.count
}

// append adds m to the open frame, or to a fresh one when the open frame is full; it reports false,
// leaving the frames as they were, when m alone exceeds the limit.
func (f *frames) append(m *raft.Message) bool {
	mark := len(f.buf)
	f.buf = appendMessage(f.buf, m)
	if framePayloadLen(f.buf, f.start) <= f.limit {
		f.count++
		return true
	}
	f.buf = f.buf[:mark]
	if f.count == 0 {
		return false
	}
	f.finish()
	f.open()
	f.buf = appendMessage(f.buf, m)
	if framePayloadLen(f.buf, f.start) <= f.limit {
		f.count++
		return true
	}
	f.buf = f.buf[:f.start+frameHeaderLen+batchHeaderLen]
	return false
}

// close finishes the open frame and returns the encoded frames, how many there are and how many
// messages they carry.
func (f *frames) close() ([]byte, int, int) {
	f.finish()
	return f.buf, f.closed, f.sent
}
