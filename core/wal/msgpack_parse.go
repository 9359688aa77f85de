package wal

import (
	"math"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
)

// Fast decoding of the canonical payloads (the layouts msgpack_append.go writes), with
// core/internal/msgp's reader. Anything else, including every malformed payload, makes these return
// ok=false and the caller lets the codec decide, so what the WAL accepts and the errors it reports
// are the codec's.

// minEntryBytes is the smallest encoded entry: a header and four one-byte fields.
const minEntryBytes = 1 + entryFields

// parseEntriesPayload appends the entries of an entries payload in canonical form to dst. Their
// data aliases p, each capped at its own length so that appending to one cannot overwrite the next.
// On ok=false dst's own entries are returned unchanged.
func parseEntriesPayload(dst []raft.Entry, p []byte) ([]raft.Entry, bool) {
	r := msgp.NewReader(p)
	n := r.ArrayLen()
	// A longer count is malformed, left to the codec.
	if r.Err() != nil || n > r.Len()/minEntryBytes {
		return dst, false
	}
	kept := len(dst)
	for range n {
		if r.ArrayLen() != entryFields {
			return dst[:kept], false
		}
		var e raft.Entry
		e.Term = r.Uint()
		e.Index = r.Uint()
		typ := r.Uint()
		if typ > math.MaxUint8 {
			return dst[:kept], false
		}
		e.Type = raft.EntryType(typ)
		if !r.Nil() {
			e.Data = r.Bin()
		}
		if r.Err() != nil {
			return dst[:kept], false
		}
		dst = append(dst, e)
	}
	if !r.Done() {
		return dst[:kept], false
	}
	return dst, true
}

// parseHardStatePayload decodes a hard-state payload in canonical form.
func parseHardStatePayload(p []byte) (raft.HardState, bool) {
	r := msgp.NewReader(p)
	if r.ArrayLen() != hardStateFields {
		return raft.HardState{}, false
	}
	hs := raft.HardState{Term: r.Uint(), Vote: r.Uint(), Commit: r.Uint()}
	if !r.Done() {
		return raft.HardState{}, false
	}
	return hs, true
}

// parseSegmentHeaderPayload decodes a segment-header payload in canonical form.
func parseSegmentHeaderPayload(p []byte) (segmentHeader, bool) {
	r := msgp.NewReader(p)
	if r.ArrayLen() != segmentHeaderFields {
		return segmentHeader{}, false
	}
	h := segmentHeader{Seq: r.Uint(), FirstIndex: r.Uint()}
	crc := r.Uint()
	if !r.Done() || crc > math.MaxUint32 {
		return segmentHeader{}, false
	}
	h.PrevCRC = uint32(crc)
	return h, true
}

// parseSnapshotMarkerPayload decodes a snapshot-marker payload in canonical form.
func parseSnapshotMarkerPayload(p []byte) (snapshotMarker, bool) {
	r := msgp.NewReader(p)
	if r.ArrayLen() != snapshotFields {
		return snapshotMarker{}, false
	}
	m := snapshotMarker{Term: r.Uint(), Index: r.Uint()}
	if !r.Done() {
		return snapshotMarker{}, false
	}
	return m, true
}

// parseMetadataPayload decodes a metadata payload written as a non-empty binary string, aliasing p.
func parseMetadataPayload(p []byte) ([]byte, bool) {
	r := msgp.NewReader(p)
	b := r.Bin()
	if !r.Done() || len(b) == 0 {
		return nil, false
	}
	return b, true
}
