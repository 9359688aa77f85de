package memfs

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

type writerAt interface {
	WriteAt(p []byte, off int64) (int, error)
}

// openAt opens name on a file system with EnableWriteAt, with content synced.
func openAt(t *testing.T, content string) (*FS, writerAt) {
	t.Helper()
	fs := New()
	fs.EnableWriteAt()
	f, err := fs.OpenFile("/a", os.O_CREATE|os.O_RDWR, 0o600)
	require.NoError(t, err)
	_, err = f.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/"))
	wa, ok := f.(writerAt)
	require.True(t, ok, "files of a file system with EnableWriteAt write at offsets")
	return fs, wa
}

func TestWriteAtIsOffByDefault(t *testing.T) {
	f := create(t, New(), "/a", "x")
	_, ok := any(f).(writerAt)
	require.False(t, ok, "without EnableWriteAt the WAL must see an appending file, as before")
}

func TestWriteAtWritesWithoutMovingTheOffset(t *testing.T) {
	fs, wa := openAt(t, "abcdef")
	n, err := wa.WriteAt([]byte("XY"), 2)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, "abXYef", readAll(t, fs, "/a"))
	f := wa.(fileAt)
	_, err = f.Write([]byte("-end"))
	require.NoError(t, err)
	require.Equal(t, "abXYef-end", readAll(t, fs, "/a"), "Write goes on at the handle's offset, the end")
}

func TestWriteAtPastTheEndGrowsTheFileWithZeros(t *testing.T) {
	fs, wa := openAt(t, "ab")
	_, err := wa.WriteAt([]byte("Z"), 5)
	require.NoError(t, err)
	require.Equal(t, "ab\x00\x00\x00Z", readAll(t, fs, "/a"))
	size, err := fs.Stat("/a")
	require.NoError(t, err)
	require.EqualValues(t, 6, size)
}

func TestWriteAtIsLostByACrashUnlessSynced(t *testing.T) {
	fs, wa := openAt(t, "abcd")
	_, err := wa.WriteAt([]byte("XY"), 1)
	require.NoError(t, err)
	_, err = wa.WriteAt([]byte("tail"), 8)
	require.NoError(t, err)
	fs.Crash()
	require.Equal(t, "abcd", readAll(t, fs, "/a"))

	fs, wa = openAt(t, "abcd")
	_, err = wa.WriteAt([]byte("XY"), 1)
	require.NoError(t, err)
	require.NoError(t, wa.(fileAt).Sync())
	fs.Crash()
	require.Equal(t, "aXYd", readAll(t, fs, "/a"))
}

func TestWriteAtIsTornLikeAnyWrite(t *testing.T) {
	// Room then records: zeros written past the end, then records over their start, as the WAL does.
	for keep, want := range []string{"ab", "ab\x00", "ab\x00\x00", "ab\x00\x00\x00", "abR\x00\x00", "abRS\x00"} {
		fs, wa := openAt(t, "ab")
		_, err := wa.WriteAt([]byte{0, 0, 0}, 2)
		require.NoError(t, err)
		_, err = wa.WriteAt([]byte("RS"), 2)
		require.NoError(t, err)
		fs.CrashTorn(func(n int) int {
			require.Equal(t, 5, n)
			return keep
		})
		require.Equal(t, want, readAll(t, fs, "/a"), "keep %d", keep)
	}
}

func TestWriteAtSectorsAreKeptInAnySubset(t *testing.T) {
	fs, wa := openAt(t, "")
	room := make([]byte, 2*SectorSize)
	_, err := wa.WriteAt(room, 0)
	require.NoError(t, err)
	_, err = wa.WriteAt([]byte(strings.Repeat("r", 2*SectorSize)), 0)
	require.NoError(t, err)
	// The size after both writes, sector 0 never written, sector 1 at its newest version.
	picks := []int{2, 0, 2}
	fs.CrashSectors(func(n int) int {
		p := picks[0]
		picks = picks[1:]
		return min(p, n-1)
	})
	got := readAll(t, fs, "/a")
	require.Equal(t, strings.Repeat("\x00", SectorSize)+strings.Repeat("r", SectorSize), got)
}

func TestWriteAtRefusals(t *testing.T) {
	fs, wa := openAt(t, "ab")
	_, err := wa.WriteAt([]byte("x"), -1)
	require.ErrorIs(t, err, syscall.EINVAL)

	fs.SetCapacity(3)
	_, err = wa.WriteAt([]byte("xyz"), 2)
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.Equal(t, "ab", readAll(t, fs, "/a"), "a full disk writes nothing")

	fs.StopAfter(0)
	_, err = wa.WriteAt([]byte("x"), 0)
	require.ErrorIs(t, err, ErrStopped)
	fs.StopAfter(-1)

	f, err := fs.OpenFile("/a", os.O_RDWR|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.(writerAt).WriteAt([]byte("x"), 0)
	require.ErrorContains(t, err, "O_APPEND")
	require.NoError(t, f.Close())

	require.NoError(t, wa.(fileAt).Close())
	_, err = wa.WriteAt([]byte("x"), 0)
	require.ErrorIs(t, err, os.ErrClosed)

	r, err := fs.OpenFile("/a", os.O_RDONLY, 0)
	require.NoError(t, err)
	_, err = r.(writerAt).WriteAt([]byte("x"), 0)
	require.ErrorIs(t, err, syscall.EBADF)
}
