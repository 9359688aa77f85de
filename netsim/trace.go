package netsim

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"strconv"
)

// tracer formats one fixed-column line per simulator event, folds every line into a running FNV-1a 64
// hash and optionally copies the lines to a writer. The line format is documented in doc.go.
type tracer struct {
	hash  hash.Hash64
	out   io.Writer
	lines uint64
	buf   []byte
	err   error
}

func newTracer(out io.Writer) *tracer {
	return &tracer{hash: fnv.New64a(), out: out}
}

// line records one event. kind is at most 8 characters, node is a node name or "-".
func (t *tracer) line(at int64, kind, node, detail string) {
	t.buf = appendHeader(t.buf[:0], at, kind, node)
	t.buf = append(t.buf, detail...)
	t.finish()
}

// lineBytes is line with the detail already formatted into bytes.
func (t *tracer) lineBytes(at int64, kind, node string, detail []byte) {
	t.buf = appendHeader(t.buf[:0], at, kind, node)
	t.buf = append(t.buf, detail...)
	t.finish()
}

func (t *tracer) finish() {
	t.buf = append(t.buf, '\n')
	t.hash.Write(t.buf)
	t.lines++
	if t.out != nil && t.err == nil {
		if _, err := t.out.Write(t.buf); err != nil {
			t.err = fmt.Errorf("netsim: trace writer: %w", err)
		}
	}
}

// appendHeader appends the fixed columns "%6d.%09d %-8s %-4s " without fmt (the trace is hot).
func appendHeader(b []byte, at int64, kind, node string) []byte {
	b = appendPadded(b, strconv.AppendInt(nil, at/1e9, 10), 6, ' ', true)
	b = append(b, '.')
	b = appendPadded(b, strconv.AppendInt(nil, at%1e9, 10), 9, '0', true)
	b = append(b, ' ')
	b = appendPadded(b, []byte(kind), 8, ' ', false)
	b = append(b, ' ')
	b = appendPadded(b, []byte(node), 4, ' ', false)
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
