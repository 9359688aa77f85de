package httpapi

import (
	"bufio"
	"net/http"
	"strconv"
	"time"

	"github.com/raftlab/raftlab/core/store"
)

// streamBufferBytes is the buffer between a streamed listing and the connection.
const streamBufferBytes = 4 << 10

// writeEventStream writes ev exactly as writeJSONLine would (the bytes of etcd's json.Encoder),
// but field by field through a small buffer. A listing's JSON holds every key in full, so its size
// is the sum of the key lengths, which for a chain of directories grows with the square of its
// depth; encoded whole it had to fit in memory at once (a 30 KB key made a recursive GET of
// 150 MB). Streamed, a listing costs the memory of its nodes, whatever the shape of its keys.
func writeEventStream(w http.ResponseWriter, code int, ev *store.Event) error {
	w.Header().Set("Content-Type", "application/json")
	if code != http.StatusOK {
		w.WriteHeader(code)
	}
	e := &eventEncoder{w: bufio.NewWriterSize(w, streamBufferBytes)}
	e.event(ev)
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// eventEncoder writes an event's JSON piece by piece; the first error stops it.
type eventEncoder struct {
	w       *bufio.Writer
	err     error
	scratch []byte
}

func (e *eventEncoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *eventEncoder) rawBytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// event writes the fields of store.Event in their order: action, node, prevNode.
func (e *eventEncoder) event(ev *store.Event) {
	e.raw(`{"action":`)
	e.str(ev.Action)
	if ev.Node != nil {
		e.raw(`,"node":`)
		e.node(ev.Node)
	}
	if ev.PrevNode != nil {
		e.raw(`,"prevNode":`)
		e.node(ev.PrevNode)
	}
	e.raw("}\n")
}

// node writes n with the fields, order and omitempty rules of store.NodeExtern's tags
// (TestEventStreamMatchesTheEncoder holds the two to the same bytes).
func (e *eventEncoder) node(n *store.NodeExtern) {
	sep := "{"
	field := func(name string) { // name is the quoted field name and its colon
		e.raw(sep)
		e.raw(name)
		sep = ","
	}
	if n.Key != "" {
		field(`"key":`)
		e.str(n.Key)
	}
	if n.Value != nil {
		field(`"value":`)
		e.str(*n.Value)
	}
	if n.Dir {
		field(`"dir":`)
		e.raw("true")
	}
	if n.Expiration != nil {
		field(`"expiration":`)
		e.scratch = n.Expiration.AppendFormat(append(e.scratch[:0], '"'), time.RFC3339Nano)
		e.rawBytes(append(e.scratch, '"'))
	}
	if n.TTL != 0 {
		field(`"ttl":`)
		e.rawBytes(strconv.AppendInt(e.scratch[:0], n.TTL, 10))
	}
	if len(n.Nodes) > 0 {
		field(`"nodes":`)
		for i, c := range n.Nodes {
			if e.err != nil {
				return
			}
			if i == 0 {
				e.raw("[")
			} else {
				e.raw(",")
			}
			e.node(c)
		}
		e.raw("]")
	}
	if n.ModifiedIndex != 0 {
		field(`"modifiedIndex":`)
		e.rawBytes(strconv.AppendUint(e.scratch[:0], n.ModifiedIndex, 10))
	}
	if n.CreatedIndex != 0 {
		field(`"createdIndex":`)
		e.rawBytes(strconv.AppendUint(e.scratch[:0], n.CreatedIndex, 10))
	}
	if sep == "{" {
		e.raw("{")
	}
	e.raw("}")
}

// str writes s as a JSON string, escaped as encoding/json escapes it (store.AppendJSONString).
func (e *eventEncoder) str(s string) {
	e.scratch = store.AppendJSONString(e.scratch[:0], s)
	e.rawBytes(e.scratch)
}
