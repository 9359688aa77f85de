package wal

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
)

// startSegment durably creates segment seq, whose first entry will be firstIndex, and makes it the
// current one. Its prologue (segment header chained to the previous CRC, metadata, hard state,
// retained snapshot markers) lets replay begin at this segment once older ones are released.
// The file appears under its final name only complete and fsynced.
func (w *WAL) startSegment(seq, firstIndex uint64) error {
	prologue := w.framePrologue(segmentHeader{Seq: seq, FirstIndex: firstIndex, PrevCRC: w.lastCRC})
	seg := segmentFile{seq: seq, firstIndex: firstIndex, name: segmentName(seq, firstIndex)}
	if err := writeFileDurably(w.fs, w.dir, seg.name, [][]byte{prologue}, w.opts.NoSync, w.expectedSegmentSize(),
		filePoints{w.opts.Faults, faultpoint.WALSegmentBeforeRename, faultpoint.WALSegmentBeforeDirSync}); err != nil {
		return err
	}
	if !w.opts.NoSync {
		w.stats.Syncs += 2
	}
	path := filepath.Join(w.dir, seg.name)
	f, err := w.fs.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := f.Seek(0, 2); err != nil {
		f.Close()
		return fmt.Errorf("seek %s: %w", path, err)
	}
	if w.file != nil {
		if err := w.file.Close(); err != nil {
			f.Close()
			return fmt.Errorf("close %s: %w", w.currentPath(), err)
		}
	}
	w.file, w.fileSize, w.prologueSize, w.unsynced = f, int64(len(prologue)), int64(len(prologue)), false
	w.fileEnd = w.fileSize
	w.setAheadFile(f, w.fileSize, w.fileEnd)
	w.segments = append(w.segments, seg)
	w.stats.Segments = len(w.segments)
	return nil
}

// maxSegmentReserve bounds the room reserved for a new segment: bigger segments grow as they fill.
const maxSegmentReserve = 1 << 20

// expectedSegmentSize is what a segment is expected to reach: the segment size and the last batch
// that crosses it (usually a few hundred bytes; 1/8 of the size covers nearly all of them).
func (w *WAL) expectedSegmentSize() int64 {
	return min(w.opts.SegmentSize+w.opts.SegmentSize/8, maxSegmentReserve)
}

// framePrologue frames a new segment's prologue records, advancing the CRC chain.
func (w *WAL) framePrologue(hdr segmentHeader) []byte {
	// Framed, the header takes at most 37 bytes, the hard state 41, the metadata 18 and its bytes,
	// each marker 32.
	b := make([]byte, 0, 96+len(w.metadata)+32*len(w.markers))
	start := len(b)
	b = appendSegmentHeaderPayload(openFrame(b, recordSegmentHeader), hdr)
	w.closeFrame(b, start)
	start = len(b)
	b = appendMetadataPayload(openFrame(b, recordMetadata), w.metadata)
	w.closeFrame(b, start)
	if hs := w.hardState; !hs.IsEmpty() {
		start = len(b)
		b = appendHardStatePayload(openFrame(b, recordHardState), wireHardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit})
		w.closeFrame(b, start)
	}
	for _, m := range w.markers {
		start = len(b)
		b = appendSnapshotMarkerPayload(openFrame(b, recordSnapshot), m)
		w.closeFrame(b, start)
	}
	return b
}

// cut starts the next segment after the current one was fsynced.
func (w *WAL) cut() error {
	last := w.segments[len(w.segments)-1]
	w.opts.Marks.Hit(mark.WALSegmentCut)
	if err := w.dropRoom(); err != nil {
		return w.fail(err)
	}
	if err := w.startSegment(last.seq+1, w.lastIndex+1); err != nil {
		return w.fail(fmt.Errorf("start segment %d: %w", last.seq+1, err))
	}
	return nil
}
