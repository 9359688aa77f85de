package store

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// AppendSnapshot appends what Save returns to dst and returns the extended slice: the store frozen
// (Freeze), then written node by node and event by event straight into dst, by hand (the bytes
// encoding/json writes): no copy of the whole is ever built, so a caller that sizes dst well (the
// node sizes it from DataBytes) makes the snapshot's one and only copy.
func (s *Store) AppendSnapshot(dst []byte) ([]byte, error) {
	return s.Freeze().AppendSnapshot(dst, nil)
}

// appendSnapshot appends the snapshot of a frozen state: its index, both trees' roots and its
// history records, oldest first.
func appendSnapshot(dst []byte, index uint64, user, system *frozenNode, history []record, yield func()) ([]byte, error) {
	y := Yielder{Yield: yield}
	b := append(dst, `{"format":`...)
	b = AppendJSONString(b, snapshotFormat)
	b = append(b, `,"index":`...)
	b = strconv.AppendUint(b, index, 10)
	b = append(b, `,"user":[`...)
	b = appendTree(b, user, 1, true, &y)
	b = append(b, `],"internal":[`...)
	b = appendTree(b, system, 1, true, &y)
	b = append(b, `],"history":[`...)
	for i, rec := range history {
		y.Step()
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendSnapshotEvent(b, rec); err != nil {
			return dst, err
		}
	}
	return append(b, "]}"...), nil
}

// appendTree appends n's descendants in pre-order, children in key order, separated by commas (first
// says whether nothing was written before them); depth is that of n's children. y counts the nodes.
func appendTree(b []byte, n *frozenNode, depth int, first bool, y *Yielder) []byte {
	for _, c := range n.sortedChildren() {
		y.Step()
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendSnapshotNode(b, c, depth)
		b = appendTree(b, c, depth+1, false, y)
	}
	return b
}

// appendSnapshotNode appends n as the JSON of its snapshotNode.
func appendSnapshotNode(b []byte, n *frozenNode, depth int) []byte {
	b = append(b, `{"name":`...)
	b = AppendJSONString(b, n.name)
	b = append(b, `,"depth":`...)
	b = strconv.AppendInt(b, int64(depth), 10)
	if n.dir {
		b = append(b, `,"dir":true`...)
	}
	if n.value != "" {
		b = append(b, `,"value":`...)
		b = AppendJSONString(b, n.value)
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

// appendSnapshotEvent appends rec as the JSON of its snapshotEvent (encoding/json decides for an
// event AppendJSON has no form for).
func appendSnapshotEvent(b []byte, rec record) ([]byte, error) {
	start := len(b)
	b = append(b, `{"event":`...)
	b, ok := rec.event.AppendJSON(b)
	if !ok {
		ev, err := json.Marshal(rec.event)
		if err != nil {
			return b[:start], fmt.Errorf("store: encode snapshot event %d: %w", rec.event.Index(), err)
		}
		b = append(append(b[:start], `{"event":`...), ev...)
	}
	if rec.event.Refresh {
		b = append(b, `,"refresh":true`...)
	}
	if rec.internal {
		b = append(b, `,"internal":true`...)
	}
	return append(b, '}'), nil
}
