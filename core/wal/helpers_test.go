package wal_test

import (
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/require"
)

const testDir = "/data/wal"

var testMetadata = []byte("cluster=7 node=1 peers=1,2,3")

// entries makes entries lo..hi of term with distinct data.
func entries(term, lo, hi uint64) []raft.Entry {
	var out []raft.Entry
	for i := lo; i <= hi; i++ {
		out = append(out, raft.Entry{Term: term, Index: i, Data: fmt.Appendf(nil, "t%d-i%d", term, i)})
	}
	return out
}

func createWAL(t *testing.T, fs wal.FS, opts wal.Options) *wal.WAL {
	t.Helper()
	w, err := wal.Create(fs, testDir, testMetadata, opts)
	require.NoError(t, err)
	return w
}

func reopen(t *testing.T, fs wal.FS, opts wal.Options) (*wal.WAL, *wal.Recovered) {
	t.Helper()
	w, rec, err := wal.Open(fs, testDir, opts)
	require.NoError(t, err)
	require.Equal(t, testMetadata, rec.Metadata)
	return w, rec
}

// normalize makes nil and empty Data compare equal.
func normalize(ents []raft.Entry) []raft.Entry {
	out := make([]raft.Entry, len(ents))
	for i, e := range ents {
		if len(e.Data) == 0 {
			e.Data = nil
		}
		out[i] = e
	}
	return out
}

func requireEntries(t *testing.T, want, got []raft.Entry) {
	t.Helper()
	require.Equal(t, normalize(want), normalize(got))
}
