package wal

import (
	"io"
	"os"
)

// FS is the file-system seam the WAL writes through. OSFS is the real disk; memfs.New is a
// deterministic simulated disk that can lose unsynced writes and inject faults.
type FS interface {
	// OpenFile opens name with os.O_* flags, like os.OpenFile.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// Remove deletes a file.
	Remove(name string) error
	// Rename atomically replaces newpath with oldpath.
	Rename(oldpath, newpath string) error
	// MkdirAll creates a directory and any missing parents.
	MkdirAll(path string, perm os.FileMode) error
	// ReadDir returns the names (not paths) of the entries in dir, sorted.
	ReadDir(dir string) ([]string, error)
	// Stat returns the size of a file.
	Stat(name string) (size int64, err error)
	// SyncDir makes the directory's entries (creates, renames, removes) durable.
	SyncDir(dir string) error
}

// File is an open file of an FS.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Closer
	// Sync makes every earlier write to the file durable.
	Sync() error
	// Truncate changes the size of the file.
	Truncate(size int64) error
	// Seek sets the offset of the next Read or Write, like os.File.Seek.
	Seek(offset int64, whence int) (int64, error)
}

// capacityReserver is implemented by files that can set aside room to grow to size bytes without
// changing their size or content (memfs files: their content is one buffer). The WAL reserves what
// a new segment is expected to reach; other files ignore the hint.
type capacityReserver interface {
	Reserve(size int64)
}
