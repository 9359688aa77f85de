package wal

import (
	"encoding/binary"

	"github.com/raftlab/raftlab/core/raft"
)

// Fast decoding of the canonical entries and hard-state payloads (the forms msgpack_append.go
// writes). Anything else, including every malformed payload, makes these return ok=false and the
// caller lets the codec decide, so what the WAL accepts and the errors it reports are the codec's.

// msgpackReader walks a payload; a failed read leaves ok false.
type msgpackReader struct {
	p   []byte
	off int
	ok  bool
}

func (r *msgpackReader) byte() byte {
	if r.off >= len(r.p) {
		r.ok = false
		return 0
	}
	b := r.p[r.off]
	r.off++
	return b
}

func (r *msgpackReader) take(n int) []byte {
	if n < 0 || n > len(r.p)-r.off {
		r.ok = false
		return nil
	}
	b := r.p[r.off : r.off+n]
	r.off += n
	return b
}

// uint reads an unsigned integer of any msgpack width.
func (r *msgpackReader) uint() uint64 {
	switch b := r.byte(); {
	case b <= 0x7f:
		return uint64(b)
	case b == mpUint8:
		if p := r.take(1); p != nil {
			return uint64(p[0])
		}
	case b == mpUint16:
		if p := r.take(2); p != nil {
			return uint64(binary.BigEndian.Uint16(p))
		}
	case b == mpUint32:
		if p := r.take(4); p != nil {
			return uint64(binary.BigEndian.Uint32(p))
		}
	case b == mpUint64:
		if p := r.take(8); p != nil {
			return binary.BigEndian.Uint64(p)
		}
	default:
		r.ok = false
	}
	return 0
}

// arrayLen reads an array header.
func (r *msgpackReader) arrayLen() int {
	switch b := r.byte(); {
	case b&0xf0 == mpFixArr:
		return int(b & 0x0f)
	case b == mpArr16:
		if p := r.take(2); p != nil {
			return int(binary.BigEndian.Uint16(p))
		}
	case b == mpArr32:
		if p := r.take(4); p != nil {
			return int(binary.BigEndian.Uint32(p))
		}
	default:
		r.ok = false
	}
	return 0
}

// bin reads a binary string (nil for msgpack nil), aliasing the payload.
func (r *msgpackReader) bin() []byte {
	n := 0
	switch r.byte() {
	case mpNil:
		return nil
	case mpBin8:
		if p := r.take(1); p != nil {
			n = int(p[0])
		}
	case mpBin16:
		if p := r.take(2); p != nil {
			n = int(binary.BigEndian.Uint16(p))
		}
	case mpBin32:
		if p := r.take(4); p != nil {
			n = int(binary.BigEndian.Uint32(p))
		}
	default:
		r.ok = false
	}
	if !r.ok {
		return nil
	}
	return r.take(n)
}

// parseEntriesPayload appends the entries of an entries payload in canonical form to dst. Their
// data aliases p, each capped at its own length so that appending to one cannot overwrite the next.
// On ok=false dst's own entries are returned unchanged.
func parseEntriesPayload(dst []raft.Entry, p []byte) ([]raft.Entry, bool) {
	r := msgpackReader{p: p, ok: true}
	n := r.arrayLen()
	// Every entry takes at least 5 bytes: a longer count is malformed, left to the codec.
	if !r.ok || n > (len(p)-r.off)/5 {
		return dst, false
	}
	kept := len(dst)
	for range n {
		if r.arrayLen() != 4 || !r.ok {
			return dst[:kept], false
		}
		var e raft.Entry
		e.Term = r.uint()
		e.Index = r.uint()
		typ := r.uint()
		if typ > 0xff {
			return dst[:kept], false
		}
		e.Type = raft.EntryType(typ)
		if data := r.bin(); data != nil {
			e.Data = data[:len(data):len(data)]
		}
		if !r.ok {
			return dst[:kept], false
		}
		dst = append(dst, e)
	}
	if r.off != len(p) {
		return dst[:kept], false
	}
	return dst, true
}

// parseHardStatePayload decodes a hard-state payload in canonical form.
func parseHardStatePayload(p []byte) (raft.HardState, bool) {
	r := msgpackReader{p: p, ok: true}
	if r.arrayLen() != 3 || !r.ok {
		return raft.HardState{}, false
	}
	hs := raft.HardState{Term: r.uint(), Vote: r.uint(), Commit: r.uint()}
	if !r.ok || r.off != len(p) {
		return raft.HardState{}, false
	}
	return hs, true
}

// parseSegmentHeaderPayload decodes a segment-header payload in canonical form.
func parseSegmentHeaderPayload(p []byte) (segmentHeader, bool) {
	r := msgpackReader{p: p, ok: true}
	if r.arrayLen() != 3 || !r.ok {
		return segmentHeader{}, false
	}
	h := segmentHeader{Seq: r.uint(), FirstIndex: r.uint()}
	crc := r.uint()
	if !r.ok || r.off != len(p) || crc > 0xffffffff {
		return segmentHeader{}, false
	}
	h.PrevCRC = uint32(crc)
	return h, true
}

// parseSnapshotMarkerPayload decodes a snapshot-marker payload in canonical form.
func parseSnapshotMarkerPayload(p []byte) (snapshotMarker, bool) {
	r := msgpackReader{p: p, ok: true}
	if r.arrayLen() != 2 || !r.ok {
		return snapshotMarker{}, false
	}
	m := snapshotMarker{Term: r.uint(), Index: r.uint()}
	if !r.ok || r.off != len(p) {
		return snapshotMarker{}, false
	}
	return m, true
}

// parseMetadataPayload decodes a metadata payload written as a non-empty binary string, aliasing p.
func parseMetadataPayload(p []byte) ([]byte, bool) {
	if len(p) == 0 || p[0] == mpNil {
		return nil, false
	}
	r := msgpackReader{p: p, ok: true}
	b := r.bin()
	if !r.ok || r.off != len(p) || len(b) == 0 {
		return nil, false
	}
	return b[:len(b):len(b)], true
}
