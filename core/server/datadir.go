package server

import (
	"fmt"
	"os"
	"path/filepath"
)

// MemberDir, WALDir and SnapDir are the data dir layout, as etcd's: <data-dir>/member/{wal,snap}.
// The WAL keeps its snapshot files next to its segments; snap holds a snapshot being received from
// a peer while it arrives (the transport's spool).
func MemberDir(dataDir string) string { return filepath.Join(dataDir, "member") }

// WALDir is <data-dir>/member/wal.
func WALDir(dataDir string) string { return filepath.Join(MemberDir(dataDir), "wal") }

// SnapDir is <data-dir>/member/snap, where snapshots from peers are spooled.
func SnapDir(dataDir string) string { return filepath.Join(MemberDir(dataDir), "snap") }

// prepareDataDir creates the layout and proves that it can be written, so that a read-only or
// misplaced data dir fails at start with a clear error rather than at the first fsync.
func prepareDataDir(dataDir string) error {
	for _, dir := range []string{dataDir, MemberDir(dataDir), WALDir(dataDir), SnapDir(dataDir)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("cannot access data directory: %w", err)
		}
	}
	probe, err := os.CreateTemp(MemberDir(dataDir), ".probe-*")
	if err != nil {
		return fmt.Errorf("cannot access data directory %q: %w", dataDir, err)
	}
	name := probe.Name()
	werr := probe.Sync()
	cerr := probe.Close()
	rerr := os.Remove(name)
	for _, e := range []error{werr, cerr, rerr} {
		if e != nil {
			return fmt.Errorf("cannot access data directory %q: %w", dataDir, e)
		}
	}
	return nil
}
