package netsim

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"
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
	t.buf = t.buf[:0]
	t.buf = fmt.Appendf(t.buf, "%6d.%09d %-8s %-4s %s\n", at/1e9, at%1e9, kind, node, detail)
	t.hash.Write(t.buf)
	t.lines++
	if t.out != nil && t.err == nil {
		if _, err := t.out.Write(t.buf); err != nil {
			t.err = fmt.Errorf("netsim: trace writer: %w", err)
		}
	}
}
