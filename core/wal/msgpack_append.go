package wal

import (
	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
)

// The field layouts of every record payload (entries, hard state, segment header, metadata,
// snapshot marker), written with core/internal/msgp's primitives. The bytes are exactly what the
// codec writes for []wireEntry, wireHardState, segmentHeader, []byte and snapshotMarker with the
// WAL's handle (TestHandEncodingMatchesCodec and TestHandEncodedRecordsMatchCodec check it), so the
// on-disk format is unchanged. Snapshot files are written by snapfile_parts.go, in the same way.

// Field counts of the positional arrays.
const (
	entryFields         = 4
	hardStateFields     = 3
	segmentHeaderFields = 3
	snapshotFields      = 2
)

// appendEntriesPayload appends ents as the payload of an entries record ([]wireEntry).
func appendEntriesPayload(b []byte, ents []raft.Entry) []byte {
	if ents == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, len(ents))
	for i := range ents {
		e := &ents[i]
		b = append(b, msgp.FixArray|entryFields)
		b = msgp.AppendUint(b, e.Term)
		b = msgp.AppendUint(b, e.Index)
		b = msgp.AppendUint(b, uint64(uint8(e.Type)))
		b = msgp.AppendBin(b, e.Data)
	}
	return b
}

// appendHardStatePayload appends hs as the payload of a hard-state record (wireHardState).
func appendHardStatePayload(b []byte, hs wireHardState) []byte {
	b = append(b, msgp.FixArray|hardStateFields)
	b = msgp.AppendUint(b, hs.Term)
	b = msgp.AppendUint(b, hs.Vote)
	return msgp.AppendUint(b, hs.Commit)
}

// appendSegmentHeaderPayload appends h as the payload of a segment-header record.
func appendSegmentHeaderPayload(b []byte, h segmentHeader) []byte {
	b = append(b, msgp.FixArray|segmentHeaderFields)
	b = msgp.AppendUint(b, h.Seq)
	b = msgp.AppendUint(b, h.FirstIndex)
	return msgp.AppendUint(b, uint64(h.PrevCRC))
}

// appendMetadataPayload appends the metadata as the payload of a metadata record ([]byte).
func appendMetadataPayload(b, metadata []byte) []byte { return msgp.AppendBin(b, metadata) }

// appendSnapshotMarkerPayload appends m as the payload of a snapshot record.
func appendSnapshotMarkerPayload(b []byte, m snapshotMarker) []byte {
	b = append(b, msgp.FixArray|snapshotFields)
	b = msgp.AppendUint(b, m.Term)
	return msgp.AppendUint(b, m.Index)
}
