package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
)

// SaveSnapshot durably writes the snapshot file (CRC-checked, fsynced, directory fsynced), then
// logs a snapshot record and syncs the log. It then releases what no longer matters: the log is
// kept back to the previous snapshot (so a damaged newest snapshot can still fall back to it),
// older segments and older snapshot files are deleted (by Release: here, or by the host with
// Options.HostReleases, see release.go). Saving the newest snapshot again is a no-op;
// an older one is ErrInvalid.
func (w *WAL) SaveSnapshot(snap raft.Snapshot) error {
	if err := w.usable(); err != nil {
		return err
	}
	if snap.IsEmpty() {
		return fmt.Errorf("%w: empty snapshot", ErrInvalid)
	}
	m := snapshotMarker{Term: snap.Metadata.Term, Index: snap.Metadata.Index}
	if n := len(w.markers); n > 0 && m == w.markers[n-1] {
		return nil // already saved: SaveSnapshot is idempotent
	}
	if n := len(w.markers); n > 0 && m.Index <= w.markers[n-1].Index {
		return fmt.Errorf("%w: snapshot at %d is not newer than the snapshot at %d", ErrInvalid, m.Index, w.markers[n-1].Index)
	}
	if !w.takePrepared(m) {
		if err := w.writeSnapshotFile(snap); err != nil {
			return w.fail(fmt.Errorf("write snapshot: %w", err))
		}
	}
	if !w.opts.NoSync {
		w.stats.Syncs += 2
	}
	if err := w.opts.Faults.Hit(faultpoint.WALSnapshotBeforeMarker); err != nil {
		return w.fail(fmt.Errorf("log snapshot marker: %w", err))
	}
	start := w.openRecord(recordSnapshot)
	w.buf = appendSnapshotMarkerPayload(w.buf, m)
	w.closeRecord(start)
	w.markers = append(w.markers, m)
	w.lastIndex = max(w.lastIndex, m.Index)
	if err := w.Sync(); err != nil {
		return err
	}
	w.stats.Snapshots++
	w.opts.Marks.Hit(mark.WALSnapshotSaved)
	if err := w.opts.Faults.Hit(faultpoint.WALBeforeRelease); err != nil {
		return w.fail(fmt.Errorf("release: %w", err))
	}
	w.queueRelease()
	if w.opts.HostReleases {
		return nil
	}
	if err := w.Release(); err != nil {
		if errors.Is(err, errDirSync) {
			return w.fail(err)
		}
		return err
	}
	return nil
}

// PrepareSnapshot writes snap's file durably ahead of SaveSnapshot, which then only logs it. It
// may run on another goroutine than the WAL's other methods, and while they run, when the file
// system is safe for concurrent use (OSFS is; memfs is not): it only writes a file of its own into
// the directory. A host writes a large snapshot's file while the log goes on taking entries. A
// file prepared but never logged is ignored at recovery and removed once a newer snapshot is
// logged, like any snapshot file older than the log's. On error nothing is recorded and
// SaveSnapshot writes the file itself.
func (w *WAL) PrepareSnapshot(snap raft.Snapshot) error {
	if snap.IsEmpty() {
		return fmt.Errorf("%w: empty snapshot", ErrInvalid)
	}
	if err := w.writeSnapshotFile(snap); err != nil {
		return fmt.Errorf("wal: prepare snapshot: %w", err)
	}
	w.preparedMu.Lock()
	defer w.preparedMu.Unlock()
	if w.prepared == nil {
		w.prepared = make(map[snapshotMarker]bool)
	}
	w.prepared[snapshotMarker{Term: snap.Metadata.Term, Index: snap.Metadata.Index}] = true
	return nil
}

// takePrepared reports whether m's file was prepared, and forgets it (and any older one).
func (w *WAL) takePrepared(m snapshotMarker) bool {
	w.preparedMu.Lock()
	defer w.preparedMu.Unlock()
	ok := w.prepared[m]
	for p := range w.prepared {
		if p.Index <= m.Index {
			delete(w.prepared, p)
		}
	}
	return ok
}

// writeSnapshotFile writes snap's file durably (CRC-checked, fsynced, directory fsynced).
func (w *WAL) writeSnapshotFile(snap raft.Snapshot) error {
	m := snap.Metadata
	return writeFileDurably(w.fs, w.dir, snapshotName(m.Term, m.Index), snapshotFileParts(snap), w.opts.NoSync, 0,
		filePoints{w.opts.Faults, faultpoint.WALSnapshotBeforeRename, faultpoint.WALSnapshotBeforeDirSync})
}

// chooseSnapshot picks the newest snapshot that is logged, loads with a valid CRC and is covered
// by the log; with none logged, the log must start at index 1.
func chooseSnapshot(fs FS, dir string, st *logState, onDisk []snapshotFile) (raft.Snapshot, error) {
	markers := append([]snapshotMarker(nil), st.markers...)
	sort.Slice(markers, func(i, j int) bool { return markers[i].Index > markers[j].Index })
	var problems []string
	for _, m := range markers {
		name := snapshotName(m.Term, m.Index)
		if !st.covers(m.Index) {
			problems = append(problems, fmt.Sprintf("%s: the log (entries %d..%d) does not continue it", name, st.start, st.next-1))
			continue
		}
		snap, err := loadSnapshot(fs, filepath.Join(dir, name))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if snap.Metadata.Index != m.Index || snap.Metadata.Term != m.Term {
			problems = append(problems, fmt.Sprintf("%s: holds term %d index %d", name, snap.Metadata.Term, snap.Metadata.Index))
			continue
		}
		return snap, nil
	}
	if st.covers(0) {
		return raft.Snapshot{}, nil
	}
	if len(problems) == 0 {
		problems = append(problems, "no snapshot is logged")
	}
	return raft.Snapshot{}, fmt.Errorf("%w: %s: the log starts at entry %d and no usable snapshot precedes it (%d snapshot files on disk): %s",
		ErrCorrupt, dir, st.start, len(onDisk), strings.Join(problems, "; "))
}

func loadSnapshot(fs FS, path string) (raft.Snapshot, error) {
	b, err := readFile(fs, path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return raft.Snapshot{}, fmt.Errorf("%s: missing", path)
		}
		return raft.Snapshot{}, fmt.Errorf("%s: %w", path, err)
	}
	snap, err := decodeSnapshotFile(b)
	if err != nil {
		return raft.Snapshot{}, fmt.Errorf("%s: %w", path, err)
	}
	return snap, nil
}
