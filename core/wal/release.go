package wal

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/raftlab/raftlab/core/mark"
)

// Release: once a snapshot is logged, the segments whose entries all precede the previous snapshot
// and the snapshot files older than it are no longer needed (SaveSnapshot). Deleting them is not
// free on a real disk: unlinking a 64 MiB segment frees its blocks (ext4, with the discards of a
// `discard` mount) and took 17–26 ms here, with a directory fsync after it, and the fdatasyncs of
// every process writing to the same file system slowed to 10–16 ms meanwhile. Done in
// SaveSnapshot, that held the persister, and with it every write of the member, for as long. So a
// host may have the deletions done on a goroutine of its own (Options.HostReleases): SaveSnapshot
// then only queues them, the WAL forgets the queued segments at once, and the host calls Release,
// which may run while the WAL's other methods do when the file system is safe for concurrent use
// (OSFS is; memfs is not, and the simulator calls Release in the step).
//
// Release keeps the order SaveSnapshot's deletions had: segments oldest first, each removal made
// durable (directory fsync) before the next, so that a crash at any point leaves a contiguous run
// of segments that replay reads as it reads one whose release never started (the files of a
// snapshot whose release is still queued are such a run). A deletion that fails stays queued, and
// nothing after it is deleted, until a later Release succeeds.

// errDirSync marks a release's failed directory fsync: SaveSnapshot fails the WAL on it, as on
// any other failed fsync of its own.
var errDirSync = errors.New("fsync dir")

// releaseQueue is what SaveSnapshot hands to Release.
type releaseQueue struct {
	// running is held by Release while it deletes, so that two calls never interleave.
	running sync.Mutex
	mu      sync.Mutex
	// segments are the names of the segments to delete, oldest first (mu).
	segments []string
	// snapsBefore: snapshot files of a lower index are to be deleted; snapsDone is the bound up to
	// which they were (mu).
	snapsBefore, snapsDone uint64
}

// queueRelease drops the snapshot markers before the previous snapshot and queues the files they
// leave unneeded, as release deletes them.
func (w *WAL) queueRelease() {
	if len(w.markers) < 2 {
		return
	}
	w.markers = w.markers[len(w.markers)-2:]
	keepFrom := w.markers[0].Index + 1
	q := &w.release
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(w.segments) > 1 && w.segments[1].firstIndex <= keepFrom {
		q.segments = append(q.segments, w.segments[0].name)
		w.segments = w.segments[1:]
	}
	w.stats.Segments = len(w.segments)
	q.snapsBefore = max(q.snapsBefore, w.markers[0].Index)
}

// ReleaseWanted reports whether files wait for Release. It may be called from any goroutine.
func (w *WAL) ReleaseWanted() bool {
	q := &w.release
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.segments) > 0 || q.snapsBefore > q.snapsDone
}

// Release deletes the files SaveSnapshot queued (see above). With Options.HostReleases the host
// calls it, from any goroutine when the file system allows (not while Close runs); without it,
// SaveSnapshot does. Files already gone count as deleted.
func (w *WAL) Release() error {
	q := &w.release
	q.running.Lock()
	defer q.running.Unlock()
	for {
		q.mu.Lock()
		if len(q.segments) == 0 {
			q.mu.Unlock()
			break
		}
		name := q.segments[0]
		q.mu.Unlock()
		if err := w.fs.Remove(filepath.Join(w.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("wal: release %s: %w", name, err)
		}
		if !w.opts.NoSync {
			if err := w.fs.SyncDir(w.dir); err != nil {
				return fmt.Errorf("wal: release %s: %w %s: %w", name, errDirSync, w.dir, err)
			}
		}
		w.opts.Marks.Hit(mark.WALSegmentReleased)
		q.mu.Lock()
		q.segments = q.segments[1:]
		q.mu.Unlock()
	}
	q.mu.Lock()
	before, done := q.snapsBefore, q.snapsDone
	q.mu.Unlock()
	if before <= done {
		return nil
	}
	if err := w.releaseSnapshotFiles(before); err != nil {
		return err
	}
	q.mu.Lock()
	q.snapsDone = max(q.snapsDone, before)
	q.mu.Unlock()
	return nil
}

// releaseSnapshotFiles deletes the snapshot files of an index below before.
func (w *WAL) releaseSnapshotFiles(before uint64) error {
	_, snaps, _, err := listDir(w.fs, w.dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range snaps {
		if s.index < before {
			if err := w.fs.Remove(filepath.Join(w.dir, s.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if !w.opts.NoSync {
		if err := w.fs.SyncDir(w.dir); err != nil {
			errs = append(errs, fmt.Errorf("%w %s: %w", errDirSync, w.dir, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("wal: release old files: %w", err)
	}
	return nil
}
