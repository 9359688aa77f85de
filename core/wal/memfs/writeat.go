package memfs

import (
	"errors"
	"syscall"
)

// EnableWriteAt makes the files opened from now on write at an offset (WriteAt) as a real disk's
// do, so that the WAL keeps room in them (wal: zeros written ahead of the last segment's records)
// and runs the room's code in the simulator. Off by default: a file system without it keeps
// behaving, and drawing, exactly as before.
func (fs *FS) EnableWriteAt() { fs.writeAt = true }

// fileAt is a handle of a file system with EnableWriteAt: a file that also writes at offsets.
type fileAt struct{ *file }

// errWriteAtAppend is WriteAt's error on a handle opened with O_APPEND, as os.File's.
var errWriteAtAppend = errors.New("invalid use of WriteAt on file opened with O_APPEND")

// WriteAt writes p at off without moving the handle's offset, growing the file with zeros when
// off is past its end, like pwrite. The write is unsynced like any other: a crash drops it or tears
// it (CrashTorn, CrashSectors). If the disk is full it writes nothing.
func (f fileAt) WriteAt(p []byte, off int64) (int, error) {
	if err := f.check("writeat", true); err != nil {
		return 0, err
	}
	switch {
	case f.append:
		return 0, pathErr("writeat", f.name, errWriteAtAppend)
	case off < 0:
		return 0, pathErr("writeat", f.name, syscall.EINVAL)
	}
	if err := f.fs.mutate("writeat", f.name); err != nil {
		return 0, err
	}
	if err := f.fs.reserve("writeat", f.name, off+int64(len(p))-int64(len(f.ino.data))); err != nil {
		return 0, err
	}
	f.ino.writeAt(p, off)
	return len(p), nil
}
