package server

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/raftlab/raftlab/core/wal"
)

// BackupOptions are etcdctl v2 backup's options.
type BackupOptions struct {
	// NodeID, when non-zero, is the backup's member ID (--node-id); otherwise a random one.
	NodeID uint64
	// KeepClusterID keeps the source's cluster ID (--keep-cluster-id); otherwise a random one.
	KeepClusterID bool
}

// BackupResult says what a backup holds.
type BackupResult struct {
	// From is the source member; To is the member the backup starts as.
	From, To Metadata
	// SnapshotIndex is the index of the snapshot copied (0 when there was none); LastIndex the last
	// entry copied and Commit the commit index recorded.
	SnapshotIndex, LastIndex, Commit uint64
}

// copyAttempts bounds how often Backup copies a live WAL directory whose listing changed meanwhile.
const copyAttempts = 20

// Backup writes a copy of the member in dataDir into backupDir as etcdctl v2's backup does: the
// newest snapshot and every entry and the hard state of the WAL, under a new member ID and (unless
// opts.KeepClusterID) a new cluster ID, so that the copy can never join the cluster it came from.
// Start it with --force-new-cluster to get a one-member cluster, then add members.
//
// The source may be in use by a running member: its WAL directory is copied until one copy saw
// the same files before and after (segments only grow, and snapshot files are written whole and
// renamed into place), then read back from the copy; a torn last record (a write under way) is cut
// off there. Everything the member had made durable before Backup started is in the backup.
func Backup(dataDir, backupDir string, opts BackupOptions) (BackupResult, error) {
	src, dst := WALDir(dataDir), WALDir(backupDir)
	if !HasWAL(dataDir) {
		return BackupResult{}, fmt.Errorf("%s holds no member data (no WAL in %s)", dataDir, src)
	}
	if HasWAL(backupDir) {
		return BackupResult{}, fmt.Errorf("backup dir %s already holds a member's data: %w", backupDir, wal.ErrExist)
	}
	tmp, err := os.MkdirTemp("", "kvd-backup-")
	if err != nil {
		return BackupResult{}, err
	}
	defer os.RemoveAll(tmp)
	if err := copyLiveDir(src, tmp); err != nil {
		return BackupResult{}, err
	}
	r, rec, err := wal.Open(wal.OSFS(), tmp, wal.Options{NoSync: true})
	if err != nil {
		return BackupResult{}, fmt.Errorf("read the WAL of %s: %w", dataDir, err)
	}
	_ = r.Close()
	from, err := DecodeMetadata(rec.Metadata)
	if err != nil {
		return BackupResult{}, fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	to, err := backupIdentity(from, opts)
	if err != nil {
		return BackupResult{}, err
	}
	if err := writeBackup(backupDir, to, rec); err != nil {
		return BackupResult{}, fmt.Errorf("write backup to %s: %w", dst, err)
	}
	res := BackupResult{From: from, To: to, SnapshotIndex: rec.Snapshot.Metadata.Index, LastIndex: rec.Snapshot.Metadata.Index, Commit: rec.HardState.Commit}
	if n := len(rec.Entries); n > 0 {
		res.LastIndex = rec.Entries[n-1].Index
	}
	return res, nil
}

// backupIdentity is the source's metadata under the backup's member and cluster IDs.
func backupIdentity(from Metadata, opts BackupOptions) (Metadata, error) {
	to := from
	to.InitialMembers = slices.Clone(from.InitialMembers)
	var err error
	to.MemberID = opts.NodeID
	if to.MemberID == 0 {
		if to.MemberID, err = randomID(); err != nil {
			return Metadata{}, err
		}
	}
	if !opts.KeepClusterID {
		if to.ClusterID, err = randomID(); err != nil {
			return Metadata{}, err
		}
	}
	return to, nil
}

func randomID() (uint64, error) {
	var b [8]byte
	for {
		if _, err := crand.Read(b[:]); err != nil {
			return 0, fmt.Errorf("draw a random ID: %w", err)
		}
		if id := binary.BigEndian.Uint64(b[:]); id != 0 {
			return id, nil
		}
	}
}

// writeBackup creates backupDir's member directory with a new WAL holding meta, the snapshot, the
// hard state and the entries of rec, all fsynced.
func writeBackup(backupDir string, meta Metadata, rec *wal.Recovered) error {
	if err := prepareDataDir(backupDir); err != nil {
		return err
	}
	md, err := EncodeMetadata(meta)
	if err != nil {
		return err
	}
	w, err := wal.Create(wal.OSFS(), WALDir(backupDir), md, wal.Options{})
	if err != nil {
		return err
	}
	if !rec.Snapshot.IsEmpty() {
		if err := w.SaveSnapshot(rec.Snapshot); err != nil {
			_ = w.Close()
			return err
		}
	}
	if err := w.Save(rec.HardState, rec.Entries); err != nil {
		_ = w.Close()
		return err
	}
	if err := w.Sync(); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

// copyLiveDir copies the regular files of src into dst until a copy saw the same file names before
// and after it.
func copyLiveDir(src, dst string) error {
	for range copyAttempts {
		before, err := fileNames(src)
		if err != nil {
			return err
		}
		err = copyFiles(src, dst, before)
		if errors.Is(err, os.ErrNotExist) {
			continue // a file was released meanwhile
		}
		if err != nil {
			return err
		}
		after, err := fileNames(src)
		if err != nil {
			return err
		}
		if slices.Equal(before, after) {
			return nil
		}
	}
	return fmt.Errorf("the WAL in %s kept changing files during %d copies; try again", src, copyAttempts)
}

func fileNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// copyFiles replaces dst's files with copies of names from src.
func copyFiles(src, dst string, names []string) error {
	old, err := fileNames(dst)
	if err != nil {
		return err
	}
	for _, name := range old {
		if err := os.Remove(filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	for _, name := range names {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return out.Close()
}
