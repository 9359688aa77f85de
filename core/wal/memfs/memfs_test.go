package memfs

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func create(t *testing.T, fs *FS, name string, content string) *file {
	t.Helper()
	f, err := fs.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	require.NoError(t, err)
	if content != "" {
		_, err = f.Write([]byte(content))
		require.NoError(t, err)
	}
	return f.(*file)
}

func readAll(t *testing.T, fs *FS, name string) string {
	t.Helper()
	f, err := fs.OpenFile(name, os.O_RDONLY, 0)
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

func TestCrashKeepsOnlySyncedData(t *testing.T) {
	fs := New()
	require.NoError(t, fs.MkdirAll("/d", 0o700))
	f := create(t, fs, "/d/a", "durable")
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/d"))
	_, err := f.Write([]byte("-lost"))
	require.NoError(t, err)
	require.Equal(t, "durable-lost", readAll(t, fs, "/d/a"))

	fs.Crash()
	require.Equal(t, "durable", readAll(t, fs, "/d/a"))
	_, err = f.Write([]byte("x"))
	require.ErrorIs(t, err, os.ErrClosed, "handles opened before the crash are dead")
}

func TestCrashTornPrefix(t *testing.T) {
	for keep := 0; keep <= 6; keep++ {
		fs := New()
		f := create(t, fs, "/a", "ab")
		require.NoError(t, f.Sync())
		require.NoError(t, fs.SyncDir("/"))
		_, err := f.Write([]byte("cde"))
		require.NoError(t, err)
		_, err = f.Write([]byte("fg"))
		require.NoError(t, err)
		var offered int
		fs.CrashTorn(func(n int) int { offered = n; return keep })
		require.Equal(t, 5, offered, "torn sees every unsynced byte")
		want := "abcdefg"[:2+min(keep, 5)]
		require.Equal(t, want, readAll(t, fs, "/a"))
	}
}

func TestCrashDropsUnsyncedDirectoryChanges(t *testing.T) {
	fs := New()
	require.NoError(t, fs.MkdirAll("/d", 0o700))
	old := create(t, fs, "/d/old", "o")
	require.NoError(t, old.Sync())
	gone := create(t, fs, "/d/gone", "g")
	require.NoError(t, gone.Sync())
	require.NoError(t, fs.SyncDir("/d"))

	fresh := create(t, fs, "/d/fresh", "f")
	require.NoError(t, fresh.Sync())
	require.NoError(t, fs.Rename("/d/old", "/d/new"))
	require.NoError(t, fs.Remove("/d/gone"))
	names, err := fs.ReadDir("/d")
	require.NoError(t, err)
	require.Equal(t, []string{"fresh", "new"}, names)

	fs.Crash()
	names, err = fs.ReadDir("/d")
	require.NoError(t, err)
	require.Equal(t, []string{"gone", "old"}, names)
	require.Equal(t, "g", readAll(t, fs, "/d/gone"))

	// After SyncDir the same changes survive.
	require.NoError(t, fs.Rename("/d/old", "/d/new"))
	require.NoError(t, fs.SyncDir("/d"))
	fs.Crash()
	names, err = fs.ReadDir("/d")
	require.NoError(t, err)
	require.Equal(t, []string{"gone", "new"}, names)
}

func TestFailSync(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "x")
	fs.FailSync(syscall.EIO)
	require.ErrorIs(t, f.Sync(), syscall.EIO)
	require.ErrorIs(t, fs.SyncDir("/"), syscall.EIO)
	fs.Crash()
	_, err := fs.Stat("/a")
	require.ErrorIs(t, err, os.ErrNotExist, "a failed sync made nothing durable")
	fs.FailSync(nil)
	g := create(t, fs, "/b", "y")
	require.NoError(t, g.Sync())
}

func TestCapacity(t *testing.T) {
	fs := New()
	fs.SetCapacity(4)
	f := create(t, fs, "/a", "abc")
	n, err := f.Write([]byte("de"))
	require.Equal(t, 0, n)
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.Equal(t, "abc", readAll(t, fs, "/a"), "a failed write writes nothing")
	require.ErrorIs(t, f.Truncate(10), syscall.ENOSPC)
	_, err = f.Write([]byte("d"))
	require.NoError(t, err)
	fs.SetCapacity(-1)
	_, err = f.Write([]byte("more"))
	require.NoError(t, err)
}

func TestCorrupt(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "abc")
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/"))
	require.NoError(t, fs.Corrupt("/a", 1))
	got := readAll(t, fs, "/a")
	require.Equal(t, byte('b')^0xff, got[1])
	fs.Crash()
	require.Equal(t, got, readAll(t, fs, "/a"), "corruption is on the durable image too")
	require.Error(t, fs.Corrupt("/a", 3))
	require.ErrorIs(t, fs.Corrupt("/missing", 0), os.ErrNotExist)
}

func TestOpenFlagsAndSeek(t *testing.T) {
	fs := New()
	_, err := fs.OpenFile("/nodir/a", os.O_CREATE|os.O_WRONLY, 0o600)
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = fs.OpenFile("/a", os.O_RDONLY, 0)
	require.ErrorIs(t, err, os.ErrNotExist)
	f := create(t, fs, "/a", "hello")
	_, err = fs.OpenFile("/a", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	require.ErrorIs(t, err, os.ErrExist)

	pos, err := f.Seek(1, io.SeekStart)
	require.NoError(t, err)
	require.Equal(t, int64(1), pos)
	_, err = f.Write([]byte("EL"))
	require.NoError(t, err)
	buf := make([]byte, 3)
	n, err := f.ReadAt(buf, 3)
	require.Equal(t, 2, n)
	require.True(t, errors.Is(err, io.EOF))
	require.Equal(t, "lo", string(buf[:n]))

	ro, err := fs.OpenFile("/a", os.O_RDONLY, 0)
	require.NoError(t, err)
	_, err = ro.Write([]byte("x"))
	require.ErrorIs(t, err, syscall.EBADF)

	ap, err := fs.OpenFile("/a", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = ap.Write([]byte("!"))
	require.NoError(t, err)
	require.Equal(t, "hELlo!", readAll(t, fs, "/a"))
	tr, err := fs.OpenFile("/a", os.O_WRONLY|os.O_TRUNC, 0)
	require.NoError(t, err)
	size, err := fs.Stat("/a")
	require.NoError(t, err)
	require.Zero(t, size)
	require.NoError(t, tr.Close())
	require.ErrorIs(t, tr.Close(), os.ErrClosed)
	require.Empty(t, readAll(t, fs, "/a"))
}

func TestCrashTornAfterTruncateKeepsOnlySynced(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "abcdef")
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/"))
	require.NoError(t, f.Truncate(2))
	_, err := f.Write([]byte("XY"))
	require.NoError(t, err)
	fs.CrashTorn(func(n int) int { return n })
	require.Equal(t, "abcdef", readAll(t, fs, "/a"))
}

func TestAccessModes(t *testing.T) {
	fs := New()
	create(t, fs, "/a", "x")
	wo, err := fs.OpenFile("/a", os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = wo.Read(make([]byte, 1))
	require.ErrorIs(t, err, syscall.EBADF)
	ro, err := fs.OpenFile("/a", os.O_RDONLY, 0)
	require.NoError(t, err)
	require.ErrorIs(t, ro.Truncate(0), syscall.EBADF)
	n, err := ro.Read(make([]byte, 4))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = ro.Read(make([]byte, 4))
	require.ErrorIs(t, err, io.EOF)
}

func TestStopAfter(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "")
	fs.StopAfter(2)
	_, err := f.Write([]byte("one"))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	_, err = f.Write([]byte("two"))
	require.ErrorIs(t, err, ErrStopped)
	require.ErrorIs(t, fs.SyncDir("/"), ErrStopped)
	require.ErrorIs(t, fs.Rename("/a", "/b"), ErrStopped)
	require.Equal(t, "one", readAll(t, fs, "/a"), "refused operations change nothing")
	fs.Crash()
	_, err = fs.Stat("/a")
	require.ErrorIs(t, err, os.ErrNotExist, "the create was never made durable by SyncDir")
	_, err = fs.OpenFile("/b", os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err, "Crash lifts the limit")
}
