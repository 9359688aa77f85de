package memfs

import (
	"errors"
	"fmt"
	"os"
	"sort"
)

// Crash simulates a power loss: every open file is closed, every directory goes back to its last
// SyncDir'ed entries and every file to its last synced bytes.
func (fs *FS) Crash() { fs.CrashTorn(nil) }

// CrashTorn is Crash, except that a file with unsynced writes keeps torn(n) of its n unsynced
// bytes (clamped to [0, n]), applied in write order, so a seeded generator decides how much of an
// interrupted write reached the platter. A file truncated since its last Sync keeps nothing
// unsynced. Files are visited in path order, so the calls to torn are deterministic.
func (fs *FS) CrashTorn(torn func(n int) int) {
	fs.crashWith(func(ino *inode) { ino.crash(torn) })
}

// CrashSectors is Crash for a disk that writes dirty data back in any order: the page cache
// flushes pages in no set order and the drive's volatile cache reorders sector writes, so after a
// power loss any subset of the sectors (SectorSize bytes, each written whole) that a file's
// unsynced writes touched may have reached the platter (the model of "All File Systems Are Not
// Created Equal", OSDI 2014). For each file with unsynced writes, the seeded pick(n), which
// chooses one of n outcomes (clamped to [0, n)), decides:
//
//   - first the file's size: one of the sizes it had, synced or after each unsynced write in
//     order (the size is a metadata update, journaled in order, not a sector of data);
//   - then, for each touched sector in ascending order, which of its contents survives: 0 is the
//     durable one (the old bytes, or zeros past the synced end of the file: a never-written sector
//     of an extension reads as zeros, as on XFS or ext4 data=writeback), k the content it had
//     after the k-th unsynced write that touched it (a page written back early and not again).
//
// Bytes past the chosen size are gone. A file truncated since its last Sync keeps only its synced
// bytes, as with CrashTorn. Files are visited in path order, so the calls to pick are deterministic.
func (fs *FS) CrashSectors(pick func(n int) int) {
	fs.crashWith(func(ino *inode) { ino.crashSectors(pick) })
}

// crashWith closes every open file, restores the durable namespace and reverts each durable file
// once with crash.
func (fs *FS) crashWith(crash func(*inode)) {
	for _, f := range fs.open {
		f.closed = true
	}
	fs.open = nil
	paths := make([]string, 0, len(fs.durable))
	for p := range fs.durable {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	names := make(map[string]*inode, len(paths))
	crashed := map[*inode]bool{}
	for _, p := range paths {
		ino := fs.durable[p]
		if !crashed[ino] {
			crashed[ino] = true
			crash(ino)
		}
		names[p] = ino
	}
	fs.names = names
	fs.opsLeft = -1
}

// ErrStopped is returned by every mutating operation refused after StopAfter's budget ran out.
var ErrStopped = errors.New("memfs: disk stopped (simulated process death)")

// StopAfter lets only the next n mutating operations (creating or truncating opens, writes,
// truncates, syncs, renames, removes, directory syncs) run; later ones fail with ErrStopped and
// change nothing, as if the process had died right there. Follow it with Crash to test every
// point of a multi-step operation. StopAfter(-1) lifts the limit; Crash also lifts it.
func (fs *FS) StopAfter(n int) { fs.opsLeft = n }

// FailSync makes every later File.Sync and SyncDir fail with err (for example syscall.EIO),
// without making anything durable. FailSync(nil) heals the disk.
func (fs *FS) FailSync(err error) { fs.syncErr = err }

// SetCapacity limits the total size of all files to bytes; a write or truncate that would exceed it
// fails with an error wrapping syscall.ENOSPC and writes nothing. A negative capacity means unlimited.
func (fs *FS) SetCapacity(bytes int64) { fs.capacity = bytes }

// Corrupt flips every bit of the byte at offset in name, both in what readers see and on the
// durable image, as silent media corruption would.
func (fs *FS) Corrupt(name string, offset int64) error {
	name = clean(name)
	ino, ok := fs.names[name]
	if !ok {
		return pathErr("corrupt", name, os.ErrNotExist)
	}
	if offset < 0 || offset >= int64(len(ino.data)) {
		return fmt.Errorf("memfs: corrupt %s at %d: offset outside the file of %d bytes", name, offset, len(ino.data))
	}
	// While the synced image shares data, one flip changes both.
	ino.data[offset] ^= 0xff
	if ino.shadow != nil && offset < int64(len(ino.shadow)) {
		ino.shadow[offset] ^= 0xff
	}
	return nil
}

// UnsyncedWrites reports whether a crash now would find unsynced writes to tear: a durable file
// written, and not truncated, since its last Sync (CrashTorn and CrashSectors draw only for those).
func (fs *FS) UnsyncedWrites() bool {
	for _, ino := range fs.durable {
		if len(ino.pending) > 0 && !ino.truncated {
			return true
		}
	}
	return false
}
