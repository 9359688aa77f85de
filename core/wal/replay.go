package wal

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/hashicorp/go-msgpack/v2/codec"
)

// replayed is the outcome of reading every segment.
type replayed struct {
	state *logState
	// lastCRC is the CRC of the last valid record, which the next record chain continues from.
	lastCRC uint32
	// validEnd is the byte length of the last segment's valid prefix; tornTail says a torn
	// record followed it.
	validEnd int64
	tornTail bool
	// zeroTail says the torn tail is zeros from a record boundary to the end (the room of a WAL
	// that keeps room, see room.go); fileLen is the last segment's size.
	zeroTail bool
	fileLen  int64
}

func corruptAt(path string, off int, format string, args ...any) error {
	return fmt.Errorf("%w: %s at byte offset %d: %s", ErrCorrupt, path, off, fmt.Sprintf(format, args...))
}

// replaySegments reads the segments in order and rebuilds the log.
func replaySegments(fs FS, h *codec.MsgpackHandle, dir string, segs []segmentFile) (*replayed, error) {
	out := &replayed{state: newLogState(segs[0].firstIndex)}
	parser := &recordParser{h: h}
	for i, seg := range segs {
		path := filepath.Join(dir, seg.name)
		if i > 0 && seg.seq != segs[i-1].seq+1 {
			return nil, fmt.Errorf("%w: %s: segment %d follows segment %d, a segment is missing",
				ErrCorrupt, path, seg.seq, segs[i-1].seq)
		}
		buf, err := readFile(fs, path)
		if err != nil {
			return nil, fmt.Errorf("wal: read %s: %w", path, err)
		}
		last := i == len(segs)-1
		if err := replaySegment(parser, path, buf, seg, i == 0, last, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// replaySegment applies the records of one segment. buf must be the replay's own copy of the file:
// the recovered entries and metadata alias it.
func replaySegment(parser *recordParser, path string, buf []byte, seg segmentFile, first, last bool, out *replayed) error {
	off := 0
	for off < len(buf) {
		rec, size, err := parser.parse(buf[off:])
		if err != nil {
			if last && off > 0 && isTornTail(buf, off, size, err) {
				out.validEnd, out.tornTail, out.zeroTail, out.fileLen = int64(off), true, isRoom(buf, off), int64(len(buf))
				return nil
			}
			return corruptAt(path, off, "%v", err)
		}
		if off == 0 {
			if err := checkHeader(rec, seg, first, out.lastCRC); err != nil {
				return corruptAt(path, 0, "%v", err)
			}
		} else if err := applyRecord(out.state, rec); err != nil {
			return corruptAt(path, off, "%v", err)
		}
		out.lastCRC = rec.crc
		off += size
	}
	if off == 0 {
		return corruptAt(path, 0, "empty segment")
	}
	out.validEnd, out.fileLen = int64(off), int64(len(buf))
	return nil
}

func checkHeader(rec record, seg segmentFile, first bool, prevCRC uint32) error {
	switch {
	case rec.typ != recordSegmentHeader:
		return fmt.Errorf("segment starts with a %s record, not a segment header", rec.typ)
	case rec.header.Seq != seg.seq || rec.header.FirstIndex != seg.firstIndex:
		return fmt.Errorf("header says segment %d first index %d, the name says %d and %d",
			rec.header.Seq, rec.header.FirstIndex, seg.seq, seg.firstIndex)
	case !first && rec.header.PrevCRC != prevCRC:
		return fmt.Errorf("header chains to CRC %08x, the previous segment ends with %08x", rec.header.PrevCRC, prevCRC)
	}
	return nil
}

func applyRecord(s *logState, rec record) error {
	switch rec.typ {
	case recordSegmentHeader:
		return fmt.Errorf("segment header in the middle of a segment")
	case recordMetadata:
		if s.hasMetadata {
			if !bytes.Equal(s.metadata, rec.metadata) {
				return fmt.Errorf("metadata differs from the earlier metadata record")
			}
			return nil
		}
		// A copy: the record aliases the segment's bytes, which the metadata must not keep alive.
		s.metadata, s.hasMetadata = bytes.Clone(rec.metadata), true
	case recordEntries:
		return s.appendEntries(rec.entries)
	case recordHardState:
		s.hardState = rec.hardState
	case recordSnapshot:
		s.applySnapshot(rec.snapshot)
	}
	return nil
}
