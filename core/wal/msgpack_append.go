package wal

import (
	"encoding/binary"

	"github.com/raftlab/raftlab/core/raft"
)

// Hand-written msgpack for every record payload (entries, hard state, segment header, metadata,
// snapshot marker). The bytes are exactly what the codec writes for []wireEntry, wireHardState,
// segmentHeader, []byte and snapshotMarker with the WAL's handle (TestHandEncodingMatchesCodec and
// TestHandEncodedRecordsMatchCodec check it), so the on-disk format is unchanged. Snapshot files
// are still encoded by the codec.

const (
	mpNil    = 0xc0
	mpBin8   = 0xc4
	mpBin16  = 0xc5
	mpBin32  = 0xc6
	mpUint8  = 0xcc
	mpUint16 = 0xcd
	mpUint32 = 0xce
	mpUint64 = 0xcf
	mpArr16  = 0xdc
	mpArr32  = 0xdd
	mpFixArr = 0x90
)

// appendMsgpackUint appends v in the shortest unsigned msgpack form.
func appendMsgpackUint(b []byte, v uint64) []byte {
	switch {
	case v <= 0x7f:
		return append(b, byte(v))
	case v <= 0xff:
		return append(b, mpUint8, byte(v))
	case v <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, mpUint16), uint16(v))
	case v <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, mpUint32), uint32(v))
	default:
		return binary.BigEndian.AppendUint64(append(b, mpUint64), v)
	}
}

// appendMsgpackArrayHeader appends the header of an array of n elements.
func appendMsgpackArrayHeader(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, mpFixArr|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, mpArr16), uint16(n))
	default:
		return binary.BigEndian.AppendUint32(append(b, mpArr32), uint32(n))
	}
}

// appendMsgpackBin appends p as a msgpack binary string (nil as msgpack nil, as the codec does).
func appendMsgpackBin(b, p []byte) []byte {
	return append(appendMsgpackBinHeader(b, p), p...)
}

// appendMsgpackBinHeader appends the header of p as a msgpack binary string (all of it for nil).
func appendMsgpackBinHeader(b, p []byte) []byte {
	switch n := len(p); {
	case p == nil:
		return append(b, mpNil)
	case n <= 0xff:
		return append(b, mpBin8, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, mpBin16), uint16(n))
	default:
		return binary.BigEndian.AppendUint32(append(b, mpBin32), uint32(n))
	}
}

// appendEntriesPayload appends ents as the payload of an entries record ([]wireEntry).
func appendEntriesPayload(b []byte, ents []raft.Entry) []byte {
	if ents == nil {
		return append(b, mpNil)
	}
	b = appendMsgpackArrayHeader(b, len(ents))
	for i := range ents {
		e := &ents[i]
		b = append(b, mpFixArr|4)
		b = appendMsgpackUint(b, e.Term)
		b = appendMsgpackUint(b, e.Index)
		b = appendMsgpackUint(b, uint64(uint8(e.Type)))
		b = appendMsgpackBin(b, e.Data)
	}
	return b
}

// appendHardStatePayload appends hs as the payload of a hard-state record (wireHardState).
func appendHardStatePayload(b []byte, hs wireHardState) []byte {
	b = append(b, mpFixArr|3)
	b = appendMsgpackUint(b, hs.Term)
	b = appendMsgpackUint(b, hs.Vote)
	return appendMsgpackUint(b, hs.Commit)
}

// appendSegmentHeaderPayload appends h as the payload of a segment-header record.
func appendSegmentHeaderPayload(b []byte, h segmentHeader) []byte {
	b = append(b, mpFixArr|3)
	b = appendMsgpackUint(b, h.Seq)
	b = appendMsgpackUint(b, h.FirstIndex)
	return appendMsgpackUint(b, uint64(h.PrevCRC))
}

// appendSnapshotMarkerPayload appends m as the payload of a snapshot record.
func appendSnapshotMarkerPayload(b []byte, m snapshotMarker) []byte {
	b = append(b, mpFixArr|2)
	b = appendMsgpackUint(b, m.Term)
	return appendMsgpackUint(b, m.Index)
}
