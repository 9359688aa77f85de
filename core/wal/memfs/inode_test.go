package memfs

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// modelInode is the obvious implementation the inode must agree with: a full copy of the synced
// bytes taken at every sync, and every unsynced write kept on its own.
type modelInode struct {
	data, synced []byte
	writes       []pendingModel
	truncated    bool
}

type pendingModel struct {
	off  int64
	data []byte
}

func grownTo(b []byte, size int64) []byte {
	if size <= int64(len(b)) {
		return b[:size]
	}
	return append(bytes.Clone(b), make([]byte, size-int64(len(b)))...)
}

func (m *modelInode) writeAt(p []byte, off int64) {
	if end := off + int64(len(p)); end > int64(len(m.data)) {
		m.data = grownTo(m.data, end)
	}
	copy(m.data[off:], p)
	m.writes = append(m.writes, pendingModel{off: off, data: bytes.Clone(p)})
}

func (m *modelInode) sync() {
	m.synced, m.writes, m.truncated = bytes.Clone(m.data), nil, false
}

func (m *modelInode) crash(keep int) {
	kept := bytes.Clone(m.synced)
	if !m.truncated {
		for _, w := range m.writes {
			if keep == 0 {
				break
			}
			part := w.data[:min(keep, len(w.data))]
			keep -= len(part)
			if end := w.off + int64(len(part)); end > int64(len(kept)) {
				kept = grownTo(kept, end)
			}
			copy(kept[w.off:], part)
		}
	}
	m.data = kept
	m.sync()
}

func TestInodeAgreesWithCopyingModel(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var n inode
		var m modelInode
		for step := range 60 {
			op := rng.IntN(20)
			switch {
			case op < 10: // mostly appends, sometimes overwrites inside the file
				p := make([]byte, 1+rng.IntN(9))
				for i := range p {
					p[i] = byte(rng.IntN(256))
				}
				off := int64(len(m.data))
				if op < 3 {
					off = int64(rng.IntN(len(m.data) + 3))
				}
				n.writeAt(p, off)
				m.writeAt(p, off)
			case op < 13:
				n.sync()
				m.sync()
			case op < 15:
				size := int64(rng.IntN(len(m.data) + 5))
				n.truncate(size)
				m.data = grownTo(m.data, size)
				m.truncated = true
			case op == 15 && rng.IntN(2) == 0:
				// A reservation changes nothing a reader or a crash can see.
				n.reserveCapacity(rng.IntN(2 * (len(m.data) + 8)))
			case op < 16 && len(m.data) > 0:
				off := rng.IntN(len(m.data))
				n.data[off] ^= 0xff
				if n.shadow != nil && off < len(n.shadow) {
					n.shadow[off] ^= 0xff
				}
				m.data[off] ^= 0xff
				if off < len(m.synced) {
					m.synced[off] ^= 0xff
				}
			case op >= 16:
				total := 0
				for _, w := range m.writes {
					total += len(w.data)
				}
				keep := rng.IntN(total + 1)
				var offered int
				n.crash(func(t int) int { offered = t; return keep })
				m.crash(keep)
				if !m.truncated && len(m.writes) > 0 {
					require.Equal(t, total, offered, "seed %d step %d", seed, step)
				}
			}
			require.Equal(t, string(m.data), string(n.data), "seed %d step %d", seed, step)
			require.Equal(t, string(m.synced), string(n.synced()), "seed %d step %d", seed, step)
		}
	}
}

func TestAppendAndSyncDoNotCopyTheFile(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "")
	chunk := bytes.Repeat([]byte("x"), 512)
	for range 4096 { // a 2 MiB file with amortized room to grow
		_, err := f.Write(chunk)
		require.NoError(t, err)
		require.NoError(t, f.Sync())
	}
	// Bytes, not allocation counts: the race detector adds small allocations of its own, while a
	// clone of this file would cost 2 MiB per append.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 100
	for range runs {
		_, err := f.Write(chunk)
		require.NoError(t, err)
		require.NoError(t, f.Sync())
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	require.Less(t, perRun, uint64(64<<10), "an append and a sync must not clone the file (%d bytes per append)", perRun)
}

func TestOverwriteOfSyncedBytesIsLostOnCrash(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "abcdef")
	require.NoError(t, f.Sync())
	require.NoError(t, fs.SyncDir("/"))
	_, err := f.Seek(2, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte("XY"))
	require.NoError(t, err)
	require.Equal(t, "abXYef", readAll(t, fs, "/a"))
	require.NoError(t, fs.Corrupt("/a", 0))
	fs.Crash()
	require.Equal(t, string([]byte{'a' ^ 0xff})+"bcdef", readAll(t, fs, "/a"))
}

func BenchmarkAppendSync(b *testing.B) {
	fs := New()
	f, err := fs.OpenFile("/a", 0x42, 0o600) // O_RDWR|O_CREATE
	require.NoError(b, err)
	chunk := bytes.Repeat([]byte("x"), 256)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Write(chunk); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// An append-only file grows by doubling: writing 1 MiB in 100-byte appends copies the content a
// bounded number of times, log2 of its size over minCapacity (append's 1.25x growth would take ~30).
func TestAppendsGrowTheFileByDoubling(t *testing.T) {
	var n inode
	chunk := bytes.Repeat([]byte("x"), 100)
	grows := 0
	for n.syncedLen = 0; len(n.data) < 1<<20; n.sync() {
		before := cap(n.data)
		n.writeAt(chunk, int64(len(n.data)))
		if cap(n.data) != before {
			grows++
		}
	}
	require.LessOrEqual(t, grows, 6, "a 64 KiB buffer doubled past 1 MiB is 6 growths")
	require.Equal(t, bytes.Repeat([]byte("x"), len(n.data)), n.data)
}

// A file written into reserved room is never reallocated: its appends and syncs allocate nothing
// for the content (the unsynced-write log reuses its buffer after the first sync).
func TestReservedRoomIsFilledWithoutReallocating(t *testing.T) {
	fs := New()
	f := create(t, fs, "/a", "")
	f.Reserve(100 << 10)
	chunk := bytes.Repeat([]byte("x"), 100)
	_, err := f.Write(chunk)
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	buffer := &f.ino.data[0]
	written := len(chunk)
	appendAndSync := func() {
		written += len(chunk)
		_, err := f.Write(chunk)
		require.NoError(t, err)
		require.NoError(t, f.Sync())
	}
	require.Zero(t, testing.AllocsPerRun(900, appendAndSync))
	require.Same(t, buffer, &f.ino.data[0], "the reserved buffer was kept")
	require.Equal(t, written, len(readAll(t, fs, "/a")))
	require.Equal(t, 100<<10, cap(f.ino.data))
}
