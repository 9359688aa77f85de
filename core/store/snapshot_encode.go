package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// AppendSnapshot appends what Save returns to dst and returns the extended slice. It writes the JSON
// node by node and event by event straight into dst: no copy of the whole is ever built, so a
// caller that sizes dst well (the node sizes it from DataBytes) makes the snapshot's one and only
// copy. Nodes are written by hand (appendSnapshotNode), events with encoding/json.
func (s *Store) AppendSnapshot(dst []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := append(dst, `{"format":`...)
	b = appendJSONString(b, snapshotFormat)
	b = append(b, `,"index":`...)
	b = strconv.AppendUint(b, s.index, 10)
	b = append(b, `,"user":[`...)
	b = appendTree(b, s.user.root, 1, true)
	b = append(b, `],"internal":[`...)
	b = appendTree(b, s.system.root, 1, true)
	b = append(b, `],"history":[`...)
	w := &appendWriter{b: b}
	enc := json.NewEncoder(w)
	ev := &snapshotEvent{} // one value for every event: no allocation per event
	for i := 0; i < s.history.count; i++ {
		rec := s.history.at(i)
		if i > 0 {
			w.b = append(w.b, ',')
		}
		*ev = snapshotEvent{Event: rec.event, Refresh: rec.event.Refresh, Internal: rec.internal}
		if err := enc.Encode(ev); err != nil {
			return dst, fmt.Errorf("store: encode snapshot event %d: %w", rec.event.Index(), err)
		}
	}
	return append(w.b, "]}"...), nil
}

// appendTree appends n's descendants in pre-order, children in key order, separated by commas (first
// says whether nothing was written before them); depth is that of n's children.
func appendTree(b []byte, n *node, depth int, first bool) []byte {
	for _, c := range n.sortedChildren() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendSnapshotNode(b, c, depth)
		b = appendTree(b, c, depth+1, false)
	}
	return b
}

// appendSnapshotNode appends n as the JSON of its snapshotNode (what encoding/json writes for it,
// but for the escaping of strings, see appendJSONString).
func appendSnapshotNode(b []byte, n *node, depth int) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, n.name)
	b = append(b, `,"depth":`...)
	b = strconv.AppendInt(b, int64(depth), 10)
	if n.dir {
		b = append(b, `,"dir":true`...)
	}
	if n.value != "" {
		b = append(b, `,"value":`...)
		b = appendJSONString(b, n.value)
	}
	if n.expires {
		b = append(b, `,"expires":true`...)
	}
	if n.expiration != 0 {
		b = append(b, `,"expiration":`...)
		b = strconv.AppendInt(b, n.expiration, 10)
	}
	b = append(b, `,"createdIndex":`...)
	b = strconv.AppendUint(b, n.createdIndex, 10)
	b = append(b, `,"modifiedIndex":`...)
	b = strconv.AppendUint(b, n.modifiedIndex, 10)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters escaped,
// an invalid UTF-8 byte written as \ufffd (what a decoder makes of it anyway), everything else as
// it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
