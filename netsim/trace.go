package netsim

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"

	"github.com/raftlab/raftlab/core/raft"
)

// tracer keeps the run's trace: one fixed-column line per simulator event (format in doc.go), a
// running 64-bit hash of every event, and optionally a writer that receives the lines.
//
// The hash folds each event's facts, not its text: the header (time, kind, node) and then the
// event's own fields as 64-bit words (mix). Cold events (notes, faults, role changes) fold the bytes
// of their formatted detail; hot events (messages, ticks, persists, client calls) fold their fields
// directly and format text only when a writer is attached. So a run without a writer formats almost
// nothing, and the hash is the same whether or not a writer is attached.
type tracer struct {
	hash  uint64
	out   io.Writer
	lines uint64
	buf   []byte
	err   error
	// stamp is the formatted time column of stampAt: many lines share an instant (a node's
	// messages of one Ready, a delivery and its replies), so it is formatted once per instant.
	stamp   []byte
	stampAt int64
	// The header of the cold line begun last (begin), folded by end.
	at         int64
	kind, node string
	headerLen  int
}

// Mixing constants (64-bit primes of the xxHash family) and the hash's starting state.
const (
	mixPrime1 uint64 = 0x9E3779B185EBCA87
	mixPrime2 uint64 = 0xC2B2AE3D27D4EB4F
	hashStart uint64 = 0x27D4EB2F165667C5
)

// mix folds one word into the hash h: multiply, rotate, multiply, so every bit of w reaches every bit
// of the result (a plain FNV-style xor-multiply never moves a word's high bits down).
func mix(h, w uint64) uint64 {
	return bits.RotateLeft64(h^(w*mixPrime2), 31) * mixPrime1
}

// mixString folds s: its length, then its bytes eight at a time (little-endian), the last word padded.
func mixString(h uint64, s string) uint64 { return mixText(h, s) }

// mixBytes is mixString for a byte slice.
func mixBytes(h uint64, b []byte) uint64 { return mixText(h, b) }

func mixText[T string | []byte](h uint64, s T) uint64 {
	h = mix(h, uint64(len(s)))
	for len(s) >= 8 {
		h = mix(h, binary.LittleEndian.Uint64([]byte(s[:8])))
		s = s[8:]
	}
	if len(s) > 0 {
		var w uint64
		for i := len(s) - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h = mix(h, w)
	}
	return h
}

// mixBool folds a flag.
func mixBool(h uint64, v bool) uint64 {
	if v {
		return mix(h, 1)
	}
	return mix(h, 0)
}

func newTracer(out io.Writer) *tracer {
	return &tracer{hash: hashStart, out: out}
}

// line records one cold event with its detail text. kind is at most 8 characters, node is a node
// name or "-".
func (t *tracer) line(at int64, kind, node, detail string) {
	t.end(append(t.begin(at, kind, node), detail...))
}

// begin starts a cold line: it returns the tracer's buffer holding the header, for the caller to
// append the detail to and hand to end.
func (t *tracer) begin(at int64, kind, node string) []byte {
	b := t.header(at, kind, node)
	t.at, t.kind, t.node, t.headerLen = at, kind, node, len(b)
	return b
}

// end terminates the cold line begun with begin: it folds the header and the detail bytes into the
// hash and copies the line to the writer.
func (t *tracer) end(b []byte) {
	t.open(t.at, newTraceName(t.kind), newTraceName(t.node))
	t.hash = mixBytes(t.hash, b[t.headerLen:])
	t.write(b)
}

// open starts a hot event: it counts the line and folds its header. The caller then folds the
// event's fields into t.hash and, only when open returned true (a writer is attached), formats the
// text after header(...) and hands it to write.
func (t *tracer) open(at int64, kind, node traceName) (wantText bool) {
	t.lines++
	t.hash = mix(mix(mix(t.hash, uint64(at)), kind.word), node.word)
	return t.out != nil
}

// traceName is a kind or node name with the word the hash folds for it, computed once (folding the
// name's bytes at every line cost more than the rest of a message's line).
type traceName struct {
	text string
	word uint64
}

func newTraceName(text string) traceName {
	return traceName{text: text, word: mixString(hashStart, text)}
}

// The kinds of the hot events, and the node column of events that belong to no node. They are
// computed once and never change.
var (
	kindTick    = newTraceName("tick")
	kindRecv    = newTraceName("recv")
	kindSend    = newTraceName("send")
	kindDrop    = newTraceName("drop")
	kindLose    = newTraceName("lose")
	kindDup     = newTraceName("dup")
	kindPersist = newTraceName("persist")
	kindSynced  = newTraceName("synced")
	kindCall    = newTraceName("call")
	kindRequest = newTraceName("request")
	kindReturn  = newTraceName("return")
	noNode      = newTraceName("-")
)

// header returns the tracer's buffer holding the text header "%6d.%09d %-8s %-4s ".
func (t *tracer) header(at int64, kind, node string) []byte {
	if t.stamp == nil || at != t.stampAt {
		t.stamp = appendTime(t.stamp[:0], at)
		t.stampAt = at
	}
	return appendNames(append(t.buf[:0], t.stamp...), kind, node)
}

// write ends a formatted line and copies it to the writer (the hash is not touched).
func (t *tracer) write(b []byte) {
	b = append(b, '\n')
	t.buf = b
	if t.out != nil && t.err == nil {
		if _, err := t.out.Write(b); err != nil {
			t.err = fmt.Errorf("netsim: trace writer: %w", err)
		}
	}
}

// appendHeader appends the fixed columns "%6d.%09d %-8s %-4s " without fmt (the trace is hot).
func appendHeader(b []byte, at int64, kind, node string) []byte {
	return appendNames(appendTime(b, at), kind, node)
}

// appendTime appends the time column "%6d.%09d ".
func appendTime(b []byte, at int64) []byte {
	var num [24]byte
	b = appendPadded(b, strconv.AppendInt(num[:0], at/1e9, 10), 6, ' ', true)
	b = append(b, '.')
	b = appendPadded(b, strconv.AppendInt(num[:0], at%1e9, 10), 9, '0', true)
	return append(b, ' ')
}

// appendNames appends the kind and node columns "%-8s %-4s ".
func appendNames(b []byte, kind, node string) []byte {
	b = appendPaddedString(b, kind, 8)
	b = append(b, ' ')
	b = appendPaddedString(b, node, 4)
	return append(b, ' ')
}

// appendPadded appends v padded with pad to width, on the left (right-aligned) or on the right.
func appendPadded(b, v []byte, width int, pad byte, left bool) []byte {
	if !left {
		b = append(b, v...)
	}
	for i := len(v); i < width; i++ {
		b = append(b, pad)
	}
	if left {
		b = append(b, v...)
	}
	return b
}

// appendPaddedString appends v left-aligned, padded with spaces to width.
func appendPaddedString(b []byte, v string, width int) []byte {
	b = append(b, v...)
	for i := len(v); i < width; i++ {
		b = append(b, ' ')
	}
	return b
}

// TraceHash is the running hash of every trace event so far (see tracer): equal for two runs exactly
// when their events are, whether or not a trace writer is attached.
func (s *Sim) TraceHash() uint64 { return s.tracer.hash }

// TraceLines is how many trace lines were produced.
func (s *Sim) TraceLines() uint64 { return s.tracer.lines }

// TraceErr is the first error of the trace writer, if any.
func (s *Sim) TraceErr() error { return s.tracer.err }

// Note adds a line of kind "note" to the trace and keeps it for Notes (scenarios mark their steps
// with it; nemesis.Schedule notes every fault it applies, so reports can shade fault windows).
func (s *Sim) Note(text string) {
	s.notes = append(s.notes, Note{At: s.now, Text: text})
	s.tracef("note", "-", "%s", text)
}

// Note is one annotation of the run at a virtual time.
type Note struct {
	At   int64
	Text string
}

// Notes returns every note so far, in time order.
func (s *Sim) Notes() []Note { return append([]Note(nil), s.notes...) }

func (s *Sim) tracef(kind, node, format string, args ...any) {
	t := s.tracer
	t.end(fmt.Appendf(t.begin(s.now, kind, node), format, args...))
}

func (s *Sim) describeMessage(m *raft.Message) string {
	return string(s.appendMessage(nil, m))
}

// appendMessage appends the one-line description of m used in the trace:
// "n1->n3 MsgApp t2 log=2/7 c7 e1".
func (s *Sim) appendMessage(b []byte, m *raft.Message) []byte {
	u := func(b []byte, prefix string, v uint64) []byte {
		b = append(b, prefix...)
		return strconv.AppendUint(b, v, 10)
	}
	b = append(b, s.name(m.From)...)
	b = append(b, "->"...)
	b = append(b, s.name(m.To)...)
	b = append(b, ' ')
	b = append(b, m.Type.String()...)
	b = u(b, " t", m.Term)
	switch m.Type {
	case raft.MsgApp, raft.MsgVote, raft.MsgPreVote:
		b = u(b, " log=", m.LogTerm)
		b = u(b, "/", m.Index)
		b = u(b, " c", m.Commit)
		b = u(b, " e", uint64(len(m.Entries)))
	case raft.MsgAppResp:
		b = u(b, " i", m.Index)
		if m.Reject {
			b = u(b, " reject hint=", m.RejectHint)
		}
	case raft.MsgVoteResp, raft.MsgPreVoteResp:
		if m.Reject {
			b = append(b, " reject"...)
		}
	case raft.MsgHeartbeat:
		b = u(b, " c", m.Commit)
	case raft.MsgSnap:
		if m.Snapshot != nil {
			b = u(b, " snap=", m.Snapshot.Metadata.Term)
			b = u(b, "/", m.Snapshot.Metadata.Index)
		}
	case raft.MsgProp:
		b = u(b, " e", uint64(len(m.Entries)))
	}
	return b
}

// traceMessage records one message event: kind, node, an optional prefix, the message and, when
// at >= 0, its delivery time.
func (s *Sim) traceMessage(kind, node traceName, prefix string, m *raft.Message, at int64) {
	t := s.tracer
	text := t.open(s.now, kind, node)
	t.hash = mix(mixMessage(mixString(t.hash, prefix), m), uint64(at))
	if !text {
		return
	}
	b := append(t.header(s.now, kind.text, node.text), prefix...)
	b = s.appendMessage(b, m)
	if at >= 0 {
		b = append(b, " at="...)
		b = strconv.AppendInt(b, at, 10)
	}
	t.write(b)
}

// mixMessage folds every field of m that its trace text shows (and a few more), two small fields to
// a word where they fit (type, entry count and reject flag; each pair of indexes or IDs folded with
// one of them turned half-way round).
func mixMessage(h uint64, m *raft.Message) uint64 {
	head := uint64(m.Type) | uint64(len(m.Entries))<<8
	if m.Reject {
		head |= 1 << 63
	}
	h = mix(h, head)
	h = mix(h, m.From^bits.RotateLeft64(m.To, 32))
	h = mix(h, m.Term^bits.RotateLeft64(m.LogTerm, 32))
	h = mix(h, m.Index^bits.RotateLeft64(m.Commit, 32))
	h = mix(h, m.RejectHint)
	if m.Snapshot != nil {
		h = mix(h, m.Snapshot.Metadata.Term^bits.RotateLeft64(m.Snapshot.Metadata.Index, 32))
	}
	return h
}
