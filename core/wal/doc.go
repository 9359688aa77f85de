// Package wal is raftlab's durable log: a write-ahead log of Raft entries and hard states in
// CRC-checked, length-prefixed records spread over size-bounded segment files, plus snapshot
// files, all written through a small file-system seam (FS) so the simulator can supply a disk
// that loses unsynced writes (see package memfs).
//
// Durability contract: Save only buffers; Sync makes every earlier Save durable with one fsync
// (group commit). After any failed write or fsync the WAL refuses all further work with an error
// wrapping ErrFailed, so nothing is ever reported durable that might not be.
//
// Recovery contract: no synced record is ever lost in silence. A crash leaves the last segment
// with any subset of the sectors written since its last fsync (disks write back in any order), so
// a torn record of the last segment (the file ends inside it, or a sector of it was never written:
// zeros from its start or from a sector boundary inside it to the end of that sector, whatever
// follows) is cut off durably with everything after it, and reported in Recovered.TornTail and the
// wal.torn-tail-cut mark (torn.go). Any other damage (a bad CRC or length anywhere in the log, the
// last record included when it is complete and holds no unwritten sector, a missing segment, a
// broken segment chain, damage in any segment but the last) is refused with an error wrapping
// ErrCorrupt that names the file and byte offset.
//
// On disk, in the WAL directory:
//
//   - Segments "<seq>-<first index>.wal" (16 hex digits each, so the sorted listing is replay
//     order). A segment is created complete (temp file, fsync, rename, directory fsync) with a
//     prologue: a segment header (sequence, first index, CRC of the previous segment's last
//     record), the metadata, the hard state and the retained snapshot markers, so replay can start
//     at any segment. Segments are cut only right after an fsync, so only the last one can be torn.
//     On a real disk the last segment keeps written zeros ahead of its records ("room", room.go),
//     so that a Sync is an fdatasync of data alone; a segment is cut to its records when the next
//     one starts.
//   - Records: uint32 length n, uint32 ^n, uint32 CRC-32C of type and payload, type byte,
//     msgpack payload. The complemented length tells a damaged length from a torn one.
//   - Snapshots "<term>-<index>.snap": magic, CRC-32C, length, msgpack body. A snapshot counts
//     only once its marker record is in the log. The log is kept back to the previous snapshot,
//     so a damaged newest snapshot falls back to the previous one; older segments and snapshot
//     files are deleted by Release, which SaveSnapshot calls, or the host on a goroutine of its
//     own with Options.HostReleases (release.go); either way oldest segment first, each removal
//     made durable before the next.
package wal
