// Package memfs is a deterministic in-memory file system for the simulator and for tests of
// package wal. Every file keeps the bytes last made durable by Sync apart from the bytes written
// since; every directory keeps the entries last made durable by SyncDir apart from later creates,
// renames and removes. Crash throws away everything not durable (optionally keeping a torn prefix
// of the unsynced writes, the amount chosen by the caller's seeded generator: the file then ends
// inside the interrupted record, which package wal recovers as a torn write; or, with CrashSectors,
// keeping any subset of the unsynced 512-byte sectors, the lost ones reading as their old bytes or
// zeros, as a disk that reorders its writes would). Faults: FailSync,
// SetCapacity (ENOSPC) and Corrupt. A file's content is one buffer, which the Reserve method of
// its files (a hint the WAL gives for new segments) sizes ahead of the writes that fill it. There
// are no goroutines and no clock; an FS must be used from one goroutine at a time.
package memfs
