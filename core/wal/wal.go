package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
)

// DefaultSegmentSize is the segment size used when Options.SegmentSize is zero.
const DefaultSegmentSize = 64 << 20

// flushThreshold is how many buffered bytes Save lets pile up before it writes them to the file
// (without fsync).
const flushThreshold = 1 << 20

// Options configures a WAL.
type Options struct {
	// SegmentSize is the size after which Sync starts a new segment (default 64 MiB). A segment
	// can exceed it by what was saved since the previous Sync: segments are cut only after an fsync,
	// so every segment but the last is complete and durable.
	SegmentSize int64
	// NoSync skips every fsync. For tests and benchmarks only: nothing is durable.
	NoSync bool
	// Marks counts the rare paths taken (torn-tail repair, segment cuts, ...) for the lab; nil in
	// production.
	Marks *mark.Set
	// Faults are the simulator's fault points (nil in production).
	Faults *faultpoint.Set
	// Room is the step in which zeros are kept written ahead of the last segment's records on a
	// real disk (see room.go): 0 means DefaultRoom, a negative value keeps no room.
	Room int64
	// HostReleases makes SaveSnapshot only queue the files it no longer needs: the host deletes
	// them with Release, on a goroutine of its own (see release.go).
	HostReleases bool
}

func (o Options) withDefaults() Options {
	if o.SegmentSize <= 0 {
		o.SegmentSize = DefaultSegmentSize
	}
	return o
}

// Stats counts the WAL's work since Create or Open.
type Stats struct {
	// Records and Bytes count the records framed by Save, SaveSnapshot and segment prologues.
	Records int64
	Bytes   int64
	// Syncs counts fsyncs of segment files (one per Sync that had something to sync or a cut).
	Syncs int64
	// Segments is the number of live segment files.
	Segments int
	// Snapshots counts SaveSnapshot calls that succeeded.
	Snapshots int64
	// RoomInline counts the room extensions Save or Sync made on their own path, because the
	// room made ahead (MakeRoom) ran short.
	RoomInline int64
}

// Recovered is everything Open read back: enough to rebuild raft's in-memory storage.
type Recovered struct {
	Metadata  []byte
	HardState raft.HardState
	// Snapshot is the newest valid snapshot the log covers, empty if none.
	Snapshot raft.Snapshot
	// Entries are the entries after the snapshot, conflicting later appends having replaced earlier ones.
	// They are the caller's own; the data of entries read from one segment shares one buffer, each
	// entry's capped at its own length.
	Entries []raft.Entry
	// TornTail says a torn last record (an interrupted write) was found and cut off.
	TornTail bool
}

// WAL is an open write-ahead log. It is not safe for concurrent use, but for PrepareSnapshot,
// MakeRoom, RoomWanted, Release and ReleaseWanted.
type WAL struct {
	fs   FS
	dir  string
	opts Options
	h    *codec.MsgpackHandle

	metadata  []byte
	hardState raft.HardState
	lastIndex uint64
	// markers are the snapshots the log still relies on, oldest first.
	markers []snapshotMarker

	segments []segmentFile
	file     File
	// fileSize is the size of the current segment including buffered bytes; prologueSize is the
	// part of it written when the segment was started (0 for a segment reopened by Open).
	fileSize     int64
	prologueSize int64
	// fileEnd is the size of the current segment's file: fileSize or, with room, beyond it.
	fileEnd int64
	// zeros is the source of the room's zeros, allocated at the first extension.
	zeros   []byte
	buf     []byte
	lastCRC uint32
	// unsynced says bytes were written or buffered since the last fsync.
	unsynced bool

	failed error
	closed bool
	stats  Stats

	// prepared are the snapshot files PrepareSnapshot wrote that SaveSnapshot has not logged yet.
	preparedMu sync.Mutex
	prepared   map[snapshotMarker]bool

	// ahead is what MakeRoom, on another goroutine, shares with the writer (see room_ahead.go).
	ahead roomAhead
	// release is what SaveSnapshot queued for Release (see release.go).
	release releaseQueue
}

func newWAL(fs FS, dir string, opts Options) *WAL {
	return &WAL{fs: fs, dir: dir, opts: opts.withDefaults(), h: newHandle()}
}

// Create makes a new WAL in dir (created if needed) whose every segment carries metadata.
// The first segment is durable when Create returns.
func Create(fs FS, dir string, metadata []byte, opts Options) (*WAL, error) {
	if Exists(fs, dir) {
		return nil, fmt.Errorf("%w: %s", ErrExist, dir)
	}
	if err := fs.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("wal: create dir %s: %w", dir, err)
	}
	if !opts.NoSync {
		if err := fs.SyncDir(filepath.Dir(dir)); err != nil {
			return nil, fmt.Errorf("wal: fsync parent of %s: %w", dir, err)
		}
	}
	w := newWAL(fs, dir, opts)
	w.metadata = append([]byte{}, metadata...)
	if err := w.startSegment(0, 1); err != nil {
		return nil, fmt.Errorf("wal: create %s: %w", dir, err)
	}
	return w, nil
}

// Open replays the WAL in dir and returns it ready to append after the recovered log. A torn tail
// is cut off (and reported); any other damage is refused with ErrCorrupt. A dir that is missing or
// holds no segment is ErrNotExist.
func Open(fs FS, dir string, opts Options) (*WAL, *Recovered, error) {
	segs, snaps, temps, err := listDir(fs, dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: %w", ErrNotExist, err)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(segs) == 0 {
		return nil, nil, fmt.Errorf("%w: %s", ErrNotExist, dir)
	}
	for _, name := range temps {
		if err := fs.Remove(filepath.Join(dir, name)); err != nil {
			return nil, nil, fmt.Errorf("wal: remove leftover %s: %w", name, err)
		}
	}
	w := newWAL(fs, dir, opts)
	rep, err := replaySegments(fs, w.h, dir, segs)
	if err != nil {
		return nil, nil, err
	}
	st := rep.state
	opts.Marks.HitIf(rep.tornTail, mark.WALTornTailCut)
	opts.Marks.HitIf(st.truncations > 0, mark.WALReplayTruncated)
	opts.Marks.HitIf(st.replacements > 0, mark.WALReplaySnapshotReplacedLog)
	if !st.hasMetadata {
		return nil, nil, fmt.Errorf("%w: %s: no metadata record", ErrCorrupt, filepath.Join(dir, segs[0].name))
	}
	snap, err := chooseSnapshot(fs, dir, st, snaps)
	if err != nil {
		return nil, nil, err
	}
	rec := &Recovered{
		Metadata:  st.metadata,
		HardState: st.hardState,
		Snapshot:  snap,
		Entries:   st.entriesAfter(snap.Metadata.Index),
	}
	w.metadata, w.hardState, w.lastIndex = st.metadata, st.hardState, st.next-1
	w.markers, w.segments, w.lastCRC = st.markers, segs, rep.lastCRC
	if err := w.openTail(rep); err != nil {
		return nil, nil, err
	}
	rec.TornTail = rep.tornTail
	return w, rec, nil
}

// openTail opens the last segment for appending, durably cutting off a torn tail first. Zeros
// from a record boundary to the end are the segment's room, not a torn tail, when the WAL keeps
// room in that file.
func (w *WAL) openTail(rep *replayed) error {
	path := filepath.Join(w.dir, w.segments[len(w.segments)-1].name)
	f, err := w.fs.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s: %w", path, err)
	}
	if rep.tornTail && rep.zeroTail && w.keepsRoom(f) {
		rep.tornTail = false
	}
	if rep.tornTail {
		if err := f.Truncate(rep.validEnd); err != nil {
			f.Close()
			return fmt.Errorf("wal: cut torn tail of %s at %d: %w", path, rep.validEnd, err)
		}
		if err := w.fsync(f); err != nil {
			f.Close()
			return fmt.Errorf("wal: fsync %s after cutting its torn tail: %w", path, err)
		}
	}
	if _, err := f.Seek(rep.validEnd, 0); err != nil {
		f.Close()
		return fmt.Errorf("wal: seek %s: %w", path, err)
	}
	w.file, w.fileSize, w.fileEnd = f, rep.validEnd, rep.fileLen
	if rep.tornTail {
		w.fileEnd = rep.validEnd
	}
	w.setAheadFile(f, w.fileSize, w.fileEnd)
	w.stats.Segments = len(w.segments)
	return nil
}

// Save buffers a hard state (skipped if empty or unchanged) and entries. It does not fsync: call
// Sync to make them durable. Entries must be contiguous and must not leave a gap after the log.
func (w *WAL) Save(hs raft.HardState, ents []raft.Entry) error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.checkEntries(ents); err != nil {
		return err
	}
	for len(ents) > 0 {
		n, size := 0, 0
		for n < len(ents) && (n == 0 || size+len(ents[n].Data)+32 <= maxBatchPayload) {
			size += len(ents[n].Data) + 32
			n++
		}
		start := w.openRecord(recordEntries)
		w.buf = appendEntriesPayload(w.buf, ents[:n])
		w.closeRecord(start)
		w.lastIndex = ents[n-1].Index
		ents = ents[n:]
	}
	if !hs.IsEmpty() && hs != w.hardState {
		start := w.openRecord(recordHardState)
		w.buf = appendHardStatePayload(w.buf, wireHardState{Term: hs.Term, Vote: hs.Vote, Commit: hs.Commit})
		w.closeRecord(start)
		w.hardState = hs
	}
	if len(w.buf) >= flushThreshold {
		return w.flush()
	}
	return nil
}

func (w *WAL) checkEntries(ents []raft.Entry) error {
	for i, e := range ents {
		if len(e.Data)+64 > maxRecordLen {
			return fmt.Errorf("%w: entry %d has %d bytes, more than a record holds", ErrInvalid, e.Index, len(e.Data))
		}
		if i > 0 && e.Index != ents[i-1].Index+1 {
			return fmt.Errorf("%w: entry %d follows entry %d", ErrInvalid, e.Index, ents[i-1].Index)
		}
	}
	if len(ents) > 0 && (ents[0].Index == 0 || ents[0].Index > w.lastIndex+1) {
		return fmt.Errorf("%w: entry %d would leave a gap after the last entry %d", ErrInvalid, ents[0].Index, w.lastIndex)
	}
	return nil
}

// Sync writes everything saved and fsyncs it: many Saves, one Sync (group commit). Afterwards it
// starts a new segment if the current one has reached the segment size.
func (w *WAL) Sync() error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	if w.unsynced {
		if err := w.opts.Faults.Hit(faultpoint.WALBeforeSync); err != nil {
			return w.fail(fmt.Errorf("fsync %s: %w", w.currentPath(), err))
		}
		if err := w.fsync(w.file); err != nil {
			w.opts.Marks.Hit(mark.WALSyncFailed)
			return w.fail(fmt.Errorf("fsync %s: %w", w.currentPath(), err))
		}
		w.unsynced = false
	}
	if w.fileSize >= w.opts.SegmentSize && w.fileSize > w.prologueSize {
		return w.cut()
	}
	return nil
}

// Close makes everything saved durable and closes the current segment. A failed WAL only closes.
func (w *WAL) Close() error {
	if w.closed {
		return ErrClosed
	}
	var err error
	if w.failed == nil {
		err = w.Sync()
	} else {
		err = w.failed
	}
	w.closed = true
	w.setAheadFile(nil, 0, 0)
	if w.file != nil {
		if cerr := w.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("wal: close %s: %w", w.currentPath(), cerr)
		}
	}
	return err
}

// Stats returns the counters.
func (w *WAL) Stats() Stats { return w.stats }

func (w *WAL) usable() error {
	if w.closed {
		return ErrClosed
	}
	return w.failed
}

// fail makes the WAL unusable: err (wrapped in ErrFailed) is returned by every later call.
func (w *WAL) fail(err error) error {
	if !errors.Is(err, ErrFailed) {
		err = fmt.Errorf("%w: %w", ErrFailed, err)
	}
	w.failed = err
	return err
}

func (w *WAL) fsync(f File) error {
	if w.opts.NoSync {
		return nil
	}
	w.stats.Syncs++
	return f.Sync()
}

func (w *WAL) currentPath() string {
	return filepath.Join(w.dir, w.segments[len(w.segments)-1].name)
}

// closeFrame completes the frame opened at buf[start:] (running to the end of buf) and advances
// the CRC chain.
func (w *WAL) closeFrame(buf []byte, start int) {
	w.lastCRC = closeFrame(buf[start:])
	w.stats.Records++
	w.stats.Bytes += int64(len(buf) - start)
}

// openRecord opens a frame in the write buffer of the current segment; the caller appends the
// payload to w.buf and calls closeRecord with the returned start.
func (w *WAL) openRecord(typ recordType) int {
	start := len(w.buf)
	w.buf = openFrame(w.buf, typ)
	return start
}

// closeRecord completes the record opened at start in the write buffer.
func (w *WAL) closeRecord(start int) {
	w.closeFrame(w.buf, start)
	w.fileSize += int64(len(w.buf) - start)
	w.unsynced = true
}

// flush writes the buffer to the current segment (no fsync). A failed write fails the WAL: the
// file may now hold a partial record, which only recovery may repair.
func (w *WAL) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if w.fileSize > w.fileEnd {
		w.fileEnd = max(w.fileEnd, w.ahead.end.Load()) // zeros MakeRoom wrote meanwhile
	}
	if w.fileSize > w.fileEnd {
		// The records go past the zeros known to be written: no MakeRoom write may be in flight
		// while they are written (room_ahead.go).
		w.ahead.mu.Lock()
		defer w.ahead.mu.Unlock()
		w.fileEnd = max(w.fileEnd, w.ahead.end.Load())
	}
	n, err := w.file.Write(w.buf)
	if err == nil && n != len(w.buf) {
		err = fmt.Errorf("short write of %d of %d bytes", n, len(w.buf))
	}
	if err != nil {
		return w.fail(fmt.Errorf("write %s: %w", w.currentPath(), err))
	}
	w.buf = w.buf[:0]
	w.fileEnd = max(w.fileEnd, w.fileSize)
	w.raiseAheadEnd(w.fileEnd)
	w.ahead.used.Store(w.fileSize)
	return w.extendRoom()
}
