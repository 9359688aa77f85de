package wal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// writeBackRecorder is a file that can write back a range, recording its writes and write-backs.
type writeBackRecorder struct {
	File
	written    bytes.Buffer
	writeBacks [][2]int64 // offset, length
	// dirtyMax is the most bytes ever written and not yet written back.
	dirtyMax, backed int64
	failRange        error
}

func (f *writeBackRecorder) Write(p []byte) (int, error) {
	f.written.Write(p)
	f.dirtyMax = max(f.dirtyMax, int64(f.written.Len())-f.backed)
	return len(p), nil
}

func (f *writeBackRecorder) SyncRange(off, n int64) error {
	if f.failRange != nil {
		return f.failRange
	}
	f.writeBacks = append(f.writeBacks, [2]int64{off, n})
	f.backed = off + n
	return nil
}

// plainRecorder is a file that cannot write back a range (memfs's kind).
type plainRecorder struct {
	File
	written bytes.Buffer
}

func (f *plainRecorder) Write(p []byte) (int, error) { return f.written.Write(p) }

func TestWriteBackAsWrittenWritesTheSameBytesAChunkAtATime(t *testing.T) {
	part := func(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }
	tests := []struct {
		name  string
		parts [][]byte
	}{
		{"small", [][]byte{part(100, 'a'), part(50, 'b')}},
		{"exactly one chunk", [][]byte{part(writeBackChunk, 'a')}},
		{"parts across chunks", [][]byte{part(100, 'h'), part(3*writeBackChunk+17, 'b'), part(writeBackChunk-117, 'c'), part(5, 'd')}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := bytes.Join(tt.parts, nil)
			f := &writeBackRecorder{}
			require.NoError(t, writeBackAsWritten(f, tt.parts, false))
			assert.Equal(t, want, f.written.Bytes(), "the same bytes in the same order")
			assert.LessOrEqual(t, f.dirtyMax, int64(writeBackChunk), "never more than a chunk waits for write-back")
			full := int64(len(want)) / writeBackChunk
			require.Len(t, f.writeBacks, int(full), "every whole chunk is written back; the tail is left to the fsync")
			for i, wb := range f.writeBacks {
				assert.Equal(t, [2]int64{int64(i) * writeBackChunk, writeBackChunk}, wb)
			}

			noSync := &writeBackRecorder{}
			require.NoError(t, writeBackAsWritten(noSync, tt.parts, true))
			assert.Equal(t, want, noSync.written.Bytes())
			assert.Empty(t, noSync.writeBacks, "without fsyncs nothing is written back")

			plain := &plainRecorder{}
			require.NoError(t, writeBackAsWritten(plain, tt.parts, false))
			assert.Equal(t, want, plain.written.Bytes(), "a file that cannot write back a range is written as it is")
		})
	}
}

func TestWriteBackAsWrittenReturnsAWriteBackError(t *testing.T) {
	failed := errors.New("sync_file_range failed")
	f := &writeBackRecorder{failRange: failed}
	err := writeBackAsWritten(f, [][]byte{make([]byte, 2*writeBackChunk)}, false)
	require.ErrorIs(t, err, failed)
}

// TestLargeSnapshotFileOnARealDiskReadsBack: a snapshot several chunks long is written back chunk
// by chunk on a real disk and loads back whole.
func TestLargeSnapshotFileOnARealDiskReadsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	w, err := Create(OSFS(), dir, []byte("meta"), Options{})
	require.NoError(t, err)
	data := make([]byte, 5*writeBackChunk+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	snap := raft.Snapshot{Data: data, Metadata: raft.SnapshotMetadata{Term: 1, Index: 1, ConfState: raft.ConfState{Voters: []uint64{1}}}}
	require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 1}, []raft.Entry{{Term: 1, Index: 1, Data: []byte("x")}}))
	require.NoError(t, w.Sync())
	require.NoError(t, w.PrepareSnapshot(snap))
	require.NoError(t, w.SaveSnapshot(snap))
	require.NoError(t, w.Close())
	_, err = os.Stat(filepath.Join(dir, snapshotName(1, 1)+tempSuffix))
	require.ErrorIs(t, err, os.ErrNotExist, "the temp file was renamed")

	_, rec, err := Open(OSFS(), dir, Options{})
	require.NoError(t, err)
	require.Equal(t, snap.Metadata, rec.Snapshot.Metadata)
	require.True(t, bytes.Equal(data, rec.Snapshot.Data), "the snapshot's data read back whole")
}
