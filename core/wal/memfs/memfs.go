package memfs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/raftlab/raftlab/core/wal"
)

// FS is an in-memory wal.FS. The zero value is not usable; call New.
type FS struct {
	dirs map[string]bool
	// names is the namespace readers see now; durable is the namespace a crash would leave.
	names   map[string]*inode
	durable map[string]*inode
	open    []*file

	syncErr  error
	capacity int64
	syncs    int
	// opsLeft is how many more mutating operations may run (StopAfter); negative is unlimited.
	opsLeft int
	// writeAt says files write at offsets too (EnableWriteAt).
	writeAt bool
}

var _ wal.FS = (*FS)(nil)

// New returns an empty file system that has only the root directories "/" and ".".
func New() *FS {
	return &FS{
		dirs:     map[string]bool{"/": true, ".": true},
		names:    map[string]*inode{},
		durable:  map[string]*inode{},
		capacity: -1,
		opsLeft:  -1,
	}
}

func clean(name string) string { return filepath.Clean(name) }

func pathErr(op, name string, err error) error { return &os.PathError{Op: op, Path: name, Err: err} }

// OpenFile opens or creates a file. It honours O_RDONLY/O_WRONLY/O_RDWR, O_CREATE, O_EXCL,
// O_TRUNC and O_APPEND. A created file's directory entry is durable only after SyncDir.
func (fs *FS) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	name = clean(name)
	if fs.dirs[name] {
		return nil, pathErr("open", name, syscall.EISDIR)
	}
	if !fs.dirs[filepath.Dir(name)] {
		return nil, pathErr("open", name, os.ErrNotExist)
	}
	if flag&(os.O_CREATE|os.O_TRUNC) != 0 {
		if err := fs.mutate("open", name); err != nil {
			return nil, err
		}
	}
	ino, exists := fs.names[name]
	switch {
	case exists && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, pathErr("open", name, os.ErrExist)
	case !exists && flag&os.O_CREATE == 0:
		return nil, pathErr("open", name, os.ErrNotExist)
	case !exists:
		ino = &inode{}
		fs.names[name] = ino
	}
	access := flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
	f := &file{
		fs:       fs,
		name:     name,
		ino:      ino,
		readable: access == os.O_RDONLY || access == os.O_RDWR,
		writable: access == os.O_WRONLY || access == os.O_RDWR,
		append:   flag&os.O_APPEND != 0,
	}
	if flag&os.O_TRUNC != 0 && f.writable && len(ino.data) > 0 {
		ino.truncate(0)
	}
	fs.open = append(fs.open, f)
	if fs.writeAt {
		return fileAt{f}, nil
	}
	return f, nil
}

// Remove deletes a file's directory entry; the removal is durable only after SyncDir.
func (fs *FS) Remove(name string) error {
	name = clean(name)
	if err := fs.mutate("remove", name); err != nil {
		return err
	}
	if _, ok := fs.names[name]; !ok {
		return pathErr("remove", name, os.ErrNotExist)
	}
	delete(fs.names, name)
	return nil
}

// Rename moves a file, replacing newpath; the change is durable only after SyncDir of both directories.
func (fs *FS) Rename(oldpath, newpath string) error {
	oldpath, newpath = clean(oldpath), clean(newpath)
	if err := fs.mutate("rename", oldpath); err != nil {
		return err
	}
	ino, ok := fs.names[oldpath]
	if !ok {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: os.ErrNotExist}
	}
	if !fs.dirs[filepath.Dir(newpath)] || fs.dirs[newpath] {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: os.ErrNotExist}
	}
	delete(fs.names, oldpath)
	fs.names[newpath] = ino
	return nil
}

// MkdirAll creates a directory and its parents. Directories are durable at once.
func (fs *FS) MkdirAll(path string, _ os.FileMode) error {
	path = clean(path)
	for p := path; !fs.dirs[p]; p = filepath.Dir(p) {
		if _, isFile := fs.names[p]; isFile {
			return pathErr("mkdir", p, syscall.ENOTDIR)
		}
		fs.dirs[p] = true
	}
	return nil
}

// ReadDir returns the sorted names of the files and directories directly inside dir.
func (fs *FS) ReadDir(dir string) ([]string, error) {
	dir = clean(dir)
	if !fs.dirs[dir] {
		return nil, pathErr("readdir", dir, os.ErrNotExist)
	}
	var names []string
	for p := range fs.names {
		if filepath.Dir(p) == dir {
			names = append(names, filepath.Base(p))
		}
	}
	for p := range fs.dirs {
		if p != dir && filepath.Dir(p) == dir {
			names = append(names, filepath.Base(p))
		}
	}
	sort.Strings(names)
	return names, nil
}

// Stat returns the current size of a file.
func (fs *FS) Stat(name string) (int64, error) {
	name = clean(name)
	ino, ok := fs.names[name]
	if !ok {
		if fs.dirs[name] {
			return 0, nil
		}
		return 0, pathErr("stat", name, os.ErrNotExist)
	}
	return int64(len(ino.data)), nil
}

// SyncDir makes every create, rename and remove of an entry in dir durable.
func (fs *FS) SyncDir(dir string) error {
	dir = clean(dir)
	if !fs.dirs[dir] {
		return pathErr("syncdir", dir, os.ErrNotExist)
	}
	if err := fs.mutate("syncdir", dir); err != nil {
		return err
	}
	if fs.syncErr != nil {
		return pathErr("syncdir", dir, fs.syncErr)
	}
	fs.syncs++
	for p := range fs.durable {
		if filepath.Dir(p) == dir {
			delete(fs.durable, p)
		}
	}
	for p, ino := range fs.names {
		if filepath.Dir(p) == dir {
			fs.durable[p] = ino
		}
	}
	return nil
}

// Syncs counts the successful File.Sync and SyncDir calls so far.
func (fs *FS) Syncs() int { return fs.syncs }

// mutate admits one mutating operation under the StopAfter budget.
func (fs *FS) mutate(op, name string) error {
	if fs.opsLeft == 0 {
		return pathErr(op, name, ErrStopped)
	}
	if fs.opsLeft > 0 {
		fs.opsLeft--
	}
	return nil
}

// usedBytes is the total size of the files in the current namespace.
func (fs *FS) usedBytes() int64 {
	var used int64
	for _, ino := range fs.names {
		used += int64(len(ino.data))
	}
	return used
}

// reserve checks that growing the disk by grow bytes stays within capacity.
func (fs *FS) reserve(op, name string, grow int64) error {
	if fs.capacity < 0 || grow <= 0 {
		return nil
	}
	if fs.usedBytes()+grow > fs.capacity {
		return pathErr(op, name, fmt.Errorf("memfs capacity %d bytes: %w", fs.capacity, syscall.ENOSPC))
	}
	return nil
}
