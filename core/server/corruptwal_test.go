package server

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/wal"
)

// TestRestartRefusesCorruptWAL damages a byte in the middle of a real WAL segment: the member
// refuses to start and the error names the segment file and the byte offset of the bad record.
func TestRestartRefusesCorruptWAL(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	for i := range 50 {
		rep, err := c.set(0, "/k"+strconv.Itoa(i), "value-"+strconv.Itoa(i))
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	c.stop(0)

	dir := WALDir(filepath.Join(c.dir, c.members[0].Name+".etcd"))
	names, err := os.ReadDir(dir)
	require.NoError(t, err)
	var segment string
	for _, e := range names {
		if filepath.Ext(e.Name()) == ".wal" {
			segment = filepath.Join(dir, e.Name())
		}
	}
	require.NotEmpty(t, segment, "no segment in %s", dir)
	data, err := os.ReadFile(segment)
	require.NoError(t, err)
	at := len(data) / 3 // well inside the log: valid records follow, so this is no torn tail
	data[at] ^= 0xff
	require.NoError(t, os.WriteFile(segment, data, 0o600))

	cfg := c.config(0)
	defer func() { _ = cfg.PeerListener.Close() }()
	_, err = Start(cfg)
	require.ErrorIs(t, err, wal.ErrCorrupt)
	assert.Contains(t, err.Error(), segment, "the error names the damaged file")
	assert.Contains(t, err.Error(), "byte offset", "the error names the offset")
}
