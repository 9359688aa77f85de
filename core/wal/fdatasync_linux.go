package wal

import (
	"os"
	"syscall"
)

// fdatasync flushes f's data and the metadata needed to read it.
func fdatasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}

// SyncRange writes back the file's dirty pages in [off, off+n) and waits for them
// (sync_file_range): the room made ahead is then on its way to the disk before the next fdatasync,
// which no longer has to write it. It commits no metadata and flushes no disk cache: the fdatasync
// that follows does.
func (f osFile) SyncRange(off, n int64) error {
	const flags = 1 | 2 | 4 // SYNC_FILE_RANGE_WAIT_BEFORE | _WRITE | _WAIT_AFTER
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, f.Fd(), uintptr(off), uintptr(n), flags, 0, 0)
		switch e {
		case 0:
			return nil
		case syscall.EINTR:
			continue
		}
		return &os.PathError{Op: "sync_file_range", Path: f.Name(), Err: e}
	}
}
