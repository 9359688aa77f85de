package memfs

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// file is an open handle on an inode.
type file struct {
	fs       *FS
	name     string
	ino      *inode
	pos      int64
	readable bool
	writable bool
	append   bool
	closed   bool
}

// check fails if the handle is closed or was not opened for the access op needs.
func (f *file) check(op string, write bool) error {
	switch {
	case f.closed:
		return pathErr(op, f.name, os.ErrClosed)
	case write && !f.writable, !write && !f.readable:
		return pathErr(op, f.name, syscall.EBADF)
	}
	return nil
}

// Read reads from the current offset.
func (f *file) Read(p []byte) (int, error) {
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	n, err := f.readAt(p, f.pos)
	f.pos += int64(n)
	if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

// ReadAt reads len(p) bytes at off; it returns io.EOF when fewer are available.
func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("readat", f.name, syscall.EINVAL)
	}
	return f.readAt(p, off)
}

func (f *file) readAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Write writes at the current offset (at the end with O_APPEND). If the disk is full it writes nothing.
func (f *file) Write(p []byte) (int, error) {
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	if err := f.fs.mutate("write", f.name); err != nil {
		return 0, err
	}
	if f.append {
		f.pos = int64(len(f.ino.data))
	}
	if err := f.fs.reserve("write", f.name, f.pos+int64(len(p))-int64(len(f.ino.data))); err != nil {
		return 0, err
	}
	f.ino.writeAt(p, f.pos)
	f.pos += int64(len(p))
	return len(p), nil
}

// Reserve sets aside room for the file to grow to size bytes, so that the writes filling it do not
// reallocate. It changes neither the file's size nor its content (nor what a crash keeps), counts
// as no operation for StopAfter and does nothing on a closed handle.
func (f *file) Reserve(size int64) {
	if f.closed || size <= 0 {
		return
	}
	f.ino.reserveCapacity(int(size))
}

// Close releases the handle.
func (f *file) Close() error {
	if f.closed {
		return pathErr("close", f.name, os.ErrClosed)
	}
	f.closed = true
	for i, o := range f.fs.open {
		if o == f {
			f.fs.open = append(f.fs.open[:i], f.fs.open[i+1:]...)
			break
		}
	}
	return nil
}

// Sync makes the file's content durable, unless FailSync injected an error.
func (f *file) Sync() error {
	if f.closed {
		return pathErr("sync", f.name, os.ErrClosed)
	}
	if err := f.fs.mutate("sync", f.name); err != nil {
		return err
	}
	if f.fs.syncErr != nil {
		return pathErr("sync", f.name, f.fs.syncErr)
	}
	f.fs.syncs++
	f.ino.sync()
	return nil
}

// Truncate sets the file's size; the change is durable only after Sync.
func (f *file) Truncate(size int64) error {
	if err := f.check("truncate", true); err != nil {
		return err
	}
	if size < 0 {
		return pathErr("truncate", f.name, syscall.EINVAL)
	}
	if err := f.fs.mutate("truncate", f.name); err != nil {
		return err
	}
	if err := f.fs.reserve("truncate", f.name, size-int64(len(f.ino.data))); err != nil {
		return err
	}
	f.ino.truncate(size)
	return nil
}

// Seek sets the offset for the next Read or Write.
func (f *file) Seek(offset int64, whence int) (int64, error) {
	if f.closed {
		return 0, pathErr("seek", f.name, os.ErrClosed)
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.pos
	case io.SeekEnd:
		base = int64(len(f.ino.data))
	default:
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	if base+offset < 0 {
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	f.pos = base + offset
	return f.pos, nil
}
