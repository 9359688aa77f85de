package wal_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// goldenDir holds a WAL directory written by goldenScript when the format was fixed. Set
// RAFTLAB_UPDATE_GOLDEN=1 to rewrite it (only when the format is meant to change, which it is not).
const goldenDir = "testdata/golden"

// goldenLog is what goldenScript leaves in the log.
type goldenLog struct {
	hardState raft.HardState
	snapshot  raft.Snapshot
	entries   []raft.Entry
}

// goldenScript writes a WAL that uses every record type and payload form: several segments,
// entries of every type with nil, empty, short and bin16-sized data and integers of every width,
// hard states, a conflicting append that replaces the tail, and two snapshots (so segments and a
// snapshot file are released).
func goldenScript(t *testing.T, fs wal.FS) goldenLog {
	t.Helper()
	w, err := wal.Create(fs, testDir, testMetadata, wal.Options{SegmentSize: 1 << 10})
	require.NoError(t, err)
	var log goldenLog
	dataFor := func(i uint64) []byte {
		switch i % 5 {
		case 0:
			return nil
		case 1:
			return []byte{}
		case 2:
			return bytes.Repeat([]byte{byte(i)}, 300)
		}
		return []byte(filepath.Join("k", string(rune('a'+i%26))))
	}
	save := func(hs raft.HardState, term, lo, hi uint64) {
		var ents []raft.Entry
		for i := lo; i <= hi; i++ {
			ents = append(ents, raft.Entry{Term: term, Index: i, Type: raft.EntryType(i % 3), Data: dataFor(i)})
		}
		require.NoError(t, w.Save(hs, ents))
		if len(ents) > 0 {
			log.entries = append(log.entries[:lo-1-indexOffset(log)], ents...)
		}
		if !hs.IsEmpty() {
			log.hardState = hs
		}
	}
	save(raft.HardState{Term: 1, Vote: 1}, 1, 1, 10)
	require.NoError(t, w.Sync())
	save(raft.HardState{Term: 1, Vote: 1, Commit: 8}, 1, 11, 20)
	save(raft.HardState{}, 1, 21, 25)
	require.NoError(t, w.Sync())
	// A new leader replaces the uncommitted tail.
	save(raft.HardState{Term: 300, Vote: 70000, Commit: 20}, 300, 21, 40)
	require.NoError(t, w.Sync())
	snap := func(index uint64) {
		s := raft.Snapshot{
			Data:     bytes.Repeat([]byte("state"), int(index)),
			Metadata: raft.SnapshotMetadata{Index: index, Term: log.entries[index-1-indexOffset(log)].Term, ConfState: raft.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}}},
		}
		require.NoError(t, w.SaveSnapshot(s))
		log.snapshot = s
	}
	snap(15)
	save(raft.HardState{Term: 300, Vote: 70000, Commit: 1 << 33}, 1<<40, 41, 60)
	require.NoError(t, w.Sync())
	snap(45)
	log.entries = log.entries[45-indexOffset(log):]
	save(raft.HardState{Term: 1 << 40, Vote: 2, Commit: 1 << 33}, 1<<40, 61, 66)
	require.NoError(t, w.Close())
	return log
}

// indexOffset is the index before the first entry goldenScript still tracks.
func indexOffset(log goldenLog) uint64 {
	if len(log.entries) == 0 {
		return 0
	}
	return log.entries[0].Index - 1
}

// dumpDir returns every file in dir with its content.
func dumpDir(t *testing.T, fs wal.FS, dir string) map[string][]byte {
	t.Helper()
	names, err := fs.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, name := range names {
		out[name] = readFile(t, fs, filepath.Join(dir, name))
	}
	return out
}

func readGoldenDir(t *testing.T) map[string][]byte {
	t.Helper()
	names, err := os.ReadDir(goldenDir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range names {
		b, err := os.ReadFile(filepath.Join(goldenDir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = b
	}
	return out
}

func TestGoldenFilesAreWrittenByteForByte(t *testing.T) {
	fs := memfs.New()
	goldenScript(t, fs)
	got := dumpDir(t, fs, testDir)
	if os.Getenv("RAFTLAB_UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.RemoveAll(goldenDir))
		require.NoError(t, os.MkdirAll(goldenDir, 0o755))
		for name, b := range got {
			require.NoError(t, os.WriteFile(filepath.Join(goldenDir, name), b, 0o644))
		}
	}
	want := readGoldenDir(t)
	require.Greater(t, len(want), 3, "the golden WAL has several segments and a snapshot")
	require.Equal(t, len(want), len(got))
	for name, b := range want {
		require.Equal(t, b, got[name], "file %s differs from the golden one", name)
	}
}

func TestGoldenFilesReplay(t *testing.T) {
	want := goldenScript(t, memfs.New())
	fs := memfs.New()
	require.NoError(t, fs.MkdirAll(testDir, 0o700))
	for name, b := range readGoldenDir(t) {
		f, err := fs.OpenFile(filepath.Join(testDir, name), os.O_CREATE|os.O_WRONLY, 0o600)
		require.NoError(t, err)
		_, err = f.Write(b)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	w, rec := reopen(t, fs, wal.Options{})
	require.NoError(t, w.Close())
	require.False(t, rec.TornTail)
	require.Equal(t, want.hardState, rec.HardState)
	require.Equal(t, want.snapshot, rec.Snapshot)
	requireEntries(t, want.entries, rec.Entries)
}
