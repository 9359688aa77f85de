// Package wal is raftlab's durable log: a write-ahead log of Raft entries and hard states in
// CRC-checked, length-prefixed records spread over size-bounded segment files, plus snapshot
// files, all written through a small file-system seam (FS) so the simulator can supply a disk
// that loses unsynced writes (see package memfs).
//
// Durability contract: Save only buffers; Sync makes every earlier Save durable with one fsync
// (group commit). After any failed write or fsync the WAL refuses all further work with an error
// wrapping ErrFailed, so nothing is ever reported durable that might not be.
//
// Recovery contract: a torn last record of the last segment (a crash in the middle of a write)
// is cut off and reported in Recovered.TornTail; any other damage (a bad CRC or length in the
// middle of the log, a missing segment, a broken segment chain) is refused with an error wrapping
// ErrCorrupt that names the file and byte offset.
package wal
