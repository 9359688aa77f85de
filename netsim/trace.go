package netsim

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/raftlab/raftlab/core/raft"
)

// tracer formats one fixed-column line per simulator event, folds every line into a running 64-bit
// hash (foldLine) and optionally copies the lines to a writer. The line format is documented in doc.go.
//
// Hot callers format straight into the tracer's buffer (begin, append the detail, end), so a line
// costs no allocation.
type tracer struct {
	hash  uint64 // FNV-1a 64 state
	out   io.Writer
	lines uint64
	buf   []byte
	err   error
	// stamp is the formatted time column of stampAt: many lines share an instant (a node's
	// messages of one Ready, a delivery and its replies), so it is formatted once per instant.
	stamp   []byte
	stampAt int64
}

// foldLine folds a line into the running hash FNV-1a style, eight bytes (little-endian) at a time and
// then byte by byte: an eighth of the multiplications of byte-wise FNV-1a, and just as deterministic.
func foldLine(h uint64, b []byte) uint64 {
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * fnvPrime64
		b = b[8:]
	}
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h
}

// FNV-1a 64 parameters (as in hash/fnv).
const (
	fnvOffset64 uint64 = 14695981039346656037
	fnvPrime64  uint64 = 1099511628211
)

func newTracer(out io.Writer) *tracer {
	return &tracer{hash: fnvOffset64, out: out}
}

// line records one event. kind is at most 8 characters, node is a node name or "-".
func (t *tracer) line(at int64, kind, node, detail string) {
	t.end(append(t.begin(at, kind, node), detail...))
}

// lineBytes is line with the detail already formatted into bytes.
func (t *tracer) lineBytes(at int64, kind, node string, detail []byte) {
	t.end(append(t.begin(at, kind, node), detail...))
}

// begin starts a line: it returns the tracer's buffer holding the header, for the caller to append
// the detail to and hand to end.
func (t *tracer) begin(at int64, kind, node string) []byte {
	if t.stamp == nil || at != t.stampAt {
		t.stamp = appendTime(t.stamp[:0], at)
		t.stampAt = at
	}
	return appendNames(append(t.buf[:0], t.stamp...), kind, node)
}

// end terminates the line begun with begin, hashes it and copies it to the writer.
func (t *tracer) end(b []byte) {
	b = append(b, '\n')
	t.buf = b
	t.hash = foldLine(t.hash, b)
	t.lines++
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

// TraceHash is the running hash of every trace line so far (see foldLine).
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

// traceMessage writes one message line: kind, node, an optional prefix, the message and, when
// at >= 0, its delivery time.
func (s *Sim) traceMessage(kind, node, prefix string, m *raft.Message, at int64) {
	b := append(s.tracer.begin(s.now, kind, node), prefix...)
	b = s.appendMessage(b, m)
	if at >= 0 {
		b = append(b, " at="...)
		b = strconv.AppendInt(b, at, 10)
	}
	s.tracer.end(b)
}
