//go:build !linux

package wal

import "os"

// fdatasync is fsync where the system has no fdatasync.
func fdatasync(f *os.File) error { return f.Sync() }

// SyncRange does nothing where the system cannot write back a range alone: the next Sync writes
// the room made ahead with the records.
func (f osFile) SyncRange(off, n int64) error { return nil }
