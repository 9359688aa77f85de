package wal_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/require"
)

// TestUnwrittenSectors damages real segments the way a power loss does on a disk that writes its
// sectors back in any order (memfs.CrashSectors is the simulated one): a sector the last writes
// never reached reads as zeros from where they began in it to its end, while later sectors did
// reach the disk. In the last segment that is a torn tail, cut at the record that holds it; zeros
// that do not reach the end of their sector, other damage, and any damage before the last segment
// (all of it synced) are refused with ErrCorrupt naming the file and the record's offset.
func TestUnwrittenSectors(t *testing.T) {
	log := writeRealLog(t)
	first, middle, lastPath := log.segments[0], log.segments[1], log.segments[len(log.segments)-1]
	last, starts := readSegment(t, lastPath)
	// The last batch: its big entries record, then its hard-state record, which ends the file.
	entriesAt, hardStateAt := starts[len(starts)-3], starts[len(starts)-2]
	sectorIn := (entriesAt + 511) / 512 * 512 // the first sector boundary inside the entries record
	require.Less(t, sectorIn+512, hardStateAt, "the entries record holds a whole sector")
	lastSectorIn := (hardStateAt - 1) / 512 * 512
	require.Greater(t, lastSectorIn, entriesAt)
	require.Less(t, hardStateAt, lastSectorIn+512, "the hard-state record starts in the entries record's last sector")
	// toSectorEnd is the length from off to the end of its sector or of the last segment.
	toSectorEnd := func(off int) int { return min((off/512+1)*512, len(last)) - off }

	// cutState is what recovery holds with the last segment cut at off: the torn tail's outcome.
	cutState := func(off int) recoveredState {
		rec, err := openDamaged(t, log.dir, lastPath, last, cutAt(off))
		require.NoError(t, err)
		return stateOf(rec)
	}
	cases := []struct {
		name     string
		path     string
		off, len int // the bytes zeroed
		tornAt   int // the record cut; -1 when refused (naming the record that holds off)
	}{
		{name: "a whole sector inside the last entries record, later sectors written",
			path: lastPath, off: sectorIn, len: 512, tornAt: entriesAt},
		{name: "the entries record's start to the end of its sector (its length fields too)",
			path: lastPath, off: entriesAt, len: toSectorEnd(entriesAt), tornAt: entriesAt},
		{name: "the entries record's last sector, into the hard-state record",
			path: lastPath, off: lastSectorIn, len: toSectorEnd(lastSectorIn), tornAt: entriesAt},
		{name: "the hard-state record's start to the end of its sector",
			path: lastPath, off: hardStateAt, len: toSectorEnd(hardStateAt), tornAt: hardStateAt},
		{name: "zeros inside a sector that do not reach its end",
			path: lastPath, off: sectorIn + 100, len: 200, tornAt: -1},
		{name: "zeros from a sector boundary that stop short of the next one",
			path: lastPath, off: sectorIn, len: 511, tornAt: -1},
		{name: "a whole sector of the first segment",
			path: first, off: 512, len: 512, tornAt: -1},
		{name: "a whole sector of a middle segment",
			path: middle, off: 1024, len: 512, tornAt: -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			original, segStarts := readSegment(t, c.path)
			require.LessOrEqual(t, c.off+c.len, len(original))
			rec, err := openDamaged(t, log.dir, c.path, original, zeroes(c.off, c.len))
			if c.tornAt >= 0 {
				require.NoError(t, err)
				require.True(t, rec.TornTail)
				require.Equal(t, cutState(c.tornAt), stateOf(rec))
				return
			}
			require.ErrorIs(t, err, wal.ErrCorrupt)
			require.ErrorContains(t, err, fmt.Sprintf("%s at byte offset %d:", c.path, containing(segStarts, c.off)))
		})
	}
}

// TestHoleInTheUnsyncedWritesOfARealFile: on the real disk (wal.OSFS, with and without room), a
// log written in batches whose later ones were never fsynced before a power loss can come back
// with one of their sectors unwritten (zeros) between sectors that were. Recovery keeps every
// batch before the hole, cuts the record that holds it and everything after, durably, and the log
// takes appends again.
func TestHoleInTheUnsyncedWritesOfARealFile(t *testing.T) {
	for _, room := range []int64{-1, 0} {
		t.Run(fmt.Sprintf("room %d", room), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "wal")
			opts := wal.Options{Room: room, SegmentSize: 1 << 20}
			rng := rand.New(rand.NewPCG(5, 8))
			w, err := wal.Create(wal.OSFS(), dir, testMetadata, opts)
			require.NoError(t, err)
			var all []raft.Entry
			save := func(batches int) {
				for range batches {
					lo := uint64(len(all) + 1)
					ents := printableEntries(rng, 1, lo, lo+3)
					require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: lo + 3}, ents))
					require.NoError(t, w.Sync())
					all = append(all, ents...)
				}
			}
			save(5)
			synced := len(all)
			path := lastRealSegment(t, dir)
			before, err := os.ReadFile(path)
			require.NoError(t, err)
			syncedEnd := recordsEnd(before)
			// The later batches stand for writes that were not fsynced when the power went out.
			save(12)
			require.NoError(t, w.Close())
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			end := recordsEnd(data)
			hole := (syncedEnd+511)/512*512 + 512
			require.Less(t, hole+1024, end, "written sectors follow the hole")
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt(make([]byte, 512), int64(hole))
			require.NoError(t, err)
			require.NoError(t, f.Close())

			w, rec, err := wal.Open(wal.OSFS(), dir, opts)
			require.NoError(t, err)
			require.True(t, rec.TornTail)
			require.GreaterOrEqual(t, len(rec.Entries), synced, "every synced entry is kept")
			require.Less(t, len(rec.Entries), len(all), "the record with the hole and what follows are cut")
			requireEntries(t, all[:len(rec.Entries)], rec.Entries)

			kept := len(rec.Entries)
			next := printableEntries(rng, 2, uint64(kept+1), uint64(kept+2))
			require.NoError(t, w.Save(raft.HardState{Term: 2, Commit: uint64(kept + 2)}, next))
			require.NoError(t, w.Sync())
			require.NoError(t, w.Close())
			_, rec, err = wal.Open(wal.OSFS(), dir, opts)
			require.NoError(t, err)
			require.False(t, rec.TornTail)
			requireEntries(t, append(all[:kept:kept], next...), rec.Entries)
		})
	}
}
