package memfs

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// picks answers a CrashSectors generator from a script and records what it was asked.
type picks struct {
	answers []int
	asked   []int
}

func (p *picks) pick(n int) int {
	p.asked = append(p.asked, n)
	if len(p.answers) == 0 {
		return 0
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a
}

// syncedFile creates name with content, synced with its directory entry.
func syncedFile(t *testing.T, fs *FS, name, content string) *file {
	t.Helper()
	f := create(t, fs, name, content)
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/"))
	return f
}

func write(t *testing.T, f *file, s string) {
	t.Helper()
	_, err := f.Write([]byte(s))
	require.NoError(t, err)
}

func TestCrashSectorsKeepsAnySubsetOfTheUnsyncedSectors(t *testing.T) {
	a, b := strings.Repeat("a", 1000), strings.Repeat("b", 2048)
	sectorOf := func(s string, lo, hi int) string { return s[lo:min(hi, len(s))] }
	zeros := func(n int) string { return string(make([]byte, n)) }
	cases := []struct {
		name    string
		answers []int // the size, then sectors 1..5 (0 = never written, 1 = written)
		want    string
	}{
		{"every sector and the size", []int{1, 1, 1, 1, 1, 1}, a + b},
		{"no sector, the size: zeros of the extension", []int{1, 0, 0, 0, 0, 0}, a + zeros(2048)},
		{"no sector, no size", []int{0, 0, 0, 0, 0, 0}, a},
		{"odd sectors only", []int{1, 1, 0, 1, 0, 1},
			a + b[:24] + zeros(512) + sectorOf(b, 536, 1048) + zeros(512) + sectorOf(b, 1560, 2048)},
		{"sectors written, size lost: the file keeps its synced length", []int{0, 1, 1, 1, 1, 1}, a},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := New()
			f := syncedFile(t, fs, "/a", a)
			write(t, f, b) // bytes 1000..3047: sectors 1 to 5
			p := &picks{answers: c.answers}
			fs.CrashSectors(p.pick)
			require.Equal(t, []int{2, 2, 2, 2, 2, 2}, p.asked, "the size (synced or after the write), then each touched sector")
			got := readAll(t, fs, "/a")
			require.Equal(t, len(c.want), len(got))
			require.Equal(t, c.want, got)
		})
	}
}

func TestCrashSectorsLostOverwriteReadsTheOldBytes(t *testing.T) {
	fs := New()
	f := syncedFile(t, fs, "/a", strings.Repeat("x", 1024))
	_, err := f.Seek(0, 0)
	require.NoError(t, err)
	write(t, f, strings.Repeat("y", 1024))
	p := &picks{answers: []int{0, 1, 0}}
	fs.CrashSectors(p.pick)
	require.Equal(t, []int{2, 2, 2}, p.asked)
	require.Equal(t, strings.Repeat("y", 512)+strings.Repeat("x", 512), readAll(t, fs, "/a"))
}

func TestCrashSectorsMayKeepAnEarlierVersionOfASector(t *testing.T) {
	for version, want := range []string{"ab", "abcd\x00\x00", "abcdef"} {
		fs := New()
		f := syncedFile(t, fs, "/a", "ab")
		write(t, f, "cd")
		write(t, f, "ef")
		// The size: synced, after the first write, after the second (kept); then sector 0, touched twice.
		p := &picks{answers: []int{2, version}}
		fs.CrashSectors(p.pick)
		require.Equal(t, []int{3, 3}, p.asked)
		if version == 0 {
			want = "ab\x00\x00\x00\x00"
		}
		require.Equal(t, want, readAll(t, fs, "/a"), "version %d", version)
	}
}

func TestCrashSectorsClampsTheGenerator(t *testing.T) {
	fs := New()
	f := syncedFile(t, fs, "/a", "ab")
	write(t, f, "cd")
	fs.CrashSectors(func(n int) int { return n + 7 })
	require.Equal(t, "abcd", readAll(t, fs, "/a"))
	write(t, openRW(t, fs, "/a"), "ef")
	fs.CrashSectors(func(int) int { return -3 })
	require.Equal(t, "abcd", readAll(t, fs, "/a"))
}

func openRW(t *testing.T, fs *FS, name string) *file {
	t.Helper()
	f := create(t, fs, name, "")
	_, err := f.Seek(0, 2)
	require.NoError(t, err)
	return f
}

func TestCrashSectorsAfterTruncateKeepsOnlySynced(t *testing.T) {
	fs := New()
	f := syncedFile(t, fs, "/a", "abcdef")
	require.NoError(t, f.Truncate(2))
	write(t, f, "XY")
	p := &picks{}
	fs.CrashSectors(func(n int) int { return p.pick(n) + n - 1 })
	require.Empty(t, p.asked, "a truncated file keeps nothing unsynced: nothing to draw")
	require.Equal(t, "abcdef", readAll(t, fs, "/a"))
}

func TestCrashSectorsOfSyncedFilesDrawsNothing(t *testing.T) {
	fs := New()
	syncedFile(t, fs, "/a", "abc")
	p := &picks{}
	fs.CrashSectors(p.pick)
	require.Empty(t, p.asked)
	require.Equal(t, "abc", readAll(t, fs, "/a"))
}

func TestCrashSectorsIgnoresEmptyWrites(t *testing.T) {
	fs := New()
	f := syncedFile(t, fs, "/a", strings.Repeat("a", 600))
	write(t, f, "")
	p := &picks{}
	fs.CrashSectors(p.pick)
	require.Equal(t, []int{2}, p.asked, "only the size: an empty write touches no sector")
	require.Equal(t, strings.Repeat("a", 600), readAll(t, fs, "/a"))
}

func TestUnsyncedWrites(t *testing.T) {
	fs := New()
	f := syncedFile(t, fs, "/a", "abc")
	require.False(t, fs.UnsyncedWrites())
	write(t, f, "d")
	require.True(t, fs.UnsyncedWrites())
	require.NoError(t, f.Truncate(1))
	require.False(t, fs.UnsyncedWrites(), "a truncated file keeps nothing unsynced")
	require.NoError(t, f.Sync())
	write(t, f, "e")
	require.True(t, fs.UnsyncedWrites())
	fs.Crash()
	require.False(t, fs.UnsyncedWrites())
}

// TestCrashSectorsExtremes: over random appends, overwrites and syncs, a crash that keeps the
// newest version of every sector and the last size leaves what readers saw, and one that keeps
// no sector and the synced size leaves the synced image.
func TestCrashSectorsExtremes(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		for _, newest := range []bool{true, false} {
			var n inode
			for range 1 + rng.IntN(12) {
				p := make([]byte, 1+rng.IntN(1500))
				for i := range p {
					p[i] = byte(1 + rng.IntN(255))
				}
				off := int64(len(n.data))
				if rng.IntN(3) == 0 {
					off = int64(rng.IntN(len(n.data) + 1))
				}
				n.writeAt(p, off)
				if rng.IntN(4) == 0 {
					n.sync()
				}
			}
			want := string(n.synced())
			if newest {
				want = string(n.data)
			}
			n.crashSectors(func(k int) int {
				if newest {
					return k - 1
				}
				return 0
			})
			require.Equal(t, want, string(n.data), "seed %d newest %v", seed, newest)
			require.Equal(t, want, string(n.synced()), "the crash leaves a synced file")
		}
	}
}
