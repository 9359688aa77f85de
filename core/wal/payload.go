package wal

import (
	"fmt"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/raft"
)

// The msgpack payloads. Arrays, not maps: smaller and faster, and the order is the format.

type segmentHeader struct {
	_struct    bool `codec:",toarray"` //nolint:unused // codec directive
	Seq        uint64
	FirstIndex uint64
	PrevCRC    uint32
}

type wireEntry struct {
	_struct bool `codec:",toarray"` //nolint:unused // codec directive
	Term    uint64
	Index   uint64
	Type    uint8
	Data    []byte
}

type wireHardState struct {
	_struct bool `codec:",toarray"` //nolint:unused // codec directive
	Term    uint64
	Vote    uint64
	Commit  uint64
}

// snapshotMarker says that the snapshot file of (Term, Index) was durable when it was logged.
type snapshotMarker struct {
	_struct bool `codec:",toarray"` //nolint:unused // codec directive
	Term    uint64
	Index   uint64
}

type wireSnapshot struct {
	_struct  bool `codec:",toarray"` //nolint:unused // codec directive
	Term     uint64
	Index    uint64
	Voters   []uint64
	Learners []uint64
	Data     []byte
}

// newHandle returns the msgpack handle of the WAL formats: binary strings, bounded preallocation.
func newHandle() *codec.MsgpackHandle {
	h := &codec.MsgpackHandle{WriteExt: true}
	h.MaxInitLen = 4096
	return h
}

func encodePayload(h *codec.MsgpackHandle, v any) ([]byte, error) {
	var b []byte
	if err := codec.NewEncoderBytes(&b, h).Encode(v); err != nil {
		return nil, fmt.Errorf("wal: encode %T: %w", v, err)
	}
	return b, nil
}

func decodePayload(h *codec.MsgpackHandle, payload []byte, v any) error {
	if err := codec.NewDecoderBytes(payload, h).Decode(v); err != nil {
		return fmt.Errorf("decode %T: %w", v, err)
	}
	return nil
}

func fromWireEntries(ws []wireEntry) []raft.Entry {
	out := make([]raft.Entry, len(ws))
	for i, w := range ws {
		out[i] = raft.Entry{Term: w.Term, Index: w.Index, Type: raft.EntryType(w.Type), Data: w.Data}
	}
	return out
}

// record is a decoded record: exactly one of the fields matching typ is set. Its byte slices and
// entries' data alias the buffer it was parsed from; its entries slice is the parser's scratch.
type record struct {
	typ       recordType
	crc       uint32
	header    segmentHeader
	metadata  []byte
	entries   []raft.Entry
	hardState raft.HardState
	snapshot  snapshotMarker
}

// recordParser decodes records, reusing one entries slice across them: a record's entries are
// valid until the next parse.
type recordParser struct {
	h       *codec.MsgpackHandle
	scratch []raft.Entry
}

// parse decodes the frame at the start of buf and its payload. It never panics. Canonical payloads
// (what the WAL writes) are decoded by hand, any other form by the codec, so what is accepted and
// the errors reported are the codec's.
func (p *recordParser) parse(buf []byte) (record, int, error) {
	raw, size, err := decodeFrame(buf)
	if err != nil {
		return record{}, size, err
	}
	rec := record{typ: raw.typ, crc: raw.crc}
	var ok bool
	switch raw.typ {
	case recordSegmentHeader:
		if rec.header, ok = parseSegmentHeaderPayload(raw.payload); !ok {
			var hdr segmentHeader
			err = decodePayload(p.h, raw.payload, &hdr)
			rec.header = hdr
		}
	case recordMetadata:
		if rec.metadata, ok = parseMetadataPayload(raw.payload); !ok {
			var md []byte
			err = decodePayload(p.h, raw.payload, &md)
			rec.metadata = md
		}
	case recordEntries:
		if p.scratch, ok = parseEntriesPayload(p.scratch[:0], raw.payload); ok {
			rec.entries = p.scratch
			break
		}
		var ws []wireEntry
		err = decodePayload(p.h, raw.payload, &ws)
		rec.entries = fromWireEntries(ws)
	case recordHardState:
		if hs, ok := parseHardStatePayload(raw.payload); ok {
			rec.hardState = hs
			break
		}
		var hs wireHardState
		err = decodePayload(p.h, raw.payload, &hs)
		rec.hardState = raft.HardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit}
	case recordSnapshot:
		if rec.snapshot, ok = parseSnapshotMarkerPayload(raw.payload); !ok {
			var m snapshotMarker
			err = decodePayload(p.h, raw.payload, &m)
			rec.snapshot = m
		}
	default:
		err = fmt.Errorf("unknown record type %d", raw.typ)
	}
	if err != nil {
		return record{}, size, fmt.Errorf("%s record with a valid CRC: %w", raw.typ, err)
	}
	return rec, size, nil
}
