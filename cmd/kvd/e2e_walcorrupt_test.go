package main

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/server"
)

// lastSegmentRecords returns the newest WAL segment of a member, its records (without the room
// after them) and their offsets.
func lastSegmentRecords(t *testing.T, m *member) (path string, data []byte, starts []int) {
	t.Helper()
	dir := server.WALDir(m.DataDir)
	names, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range names {
		if filepath.Ext(e.Name()) == ".wal" {
			path = filepath.Join(dir, e.Name())
		}
	}
	require.NotEmpty(t, path, "no segment in %s", dir)
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	// The records, without the room of zeros the WAL keeps after them (core/wal/room.go).
	off := 0
	for off < len(data) && binary.LittleEndian.Uint32(data[off:]) != 0 {
		starts = append(starts, off)
		off += 12 + int(binary.LittleEndian.Uint32(data[off:]))
	}
	return path, data[:off], starts
}

// TestKvdRefusesACorruptFinalWALRecordAndStartsAfterATornOne stops a member cleanly (every record
// synced), flips one byte of the last record of its WAL: kvd refuses to start and names the file
// and the record's offset (it used to cut the record as a torn write and start without it). With
// the last record cut short instead, as a crash mid-write leaves it, kvd starts and serves.
func TestKvdRefusesACorruptFinalWALRecordAndStartsAfterATornOne(t *testing.T) {
	c := startCluster(t, 1)
	m := c.members[0]
	for i := range 20 {
		code, _, body, err := curl(http.MethodPut, fmt.Sprintf("%s/v2/keys/k%d", m.ClientURL, i), url.Values{"value": {"v"}})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, body)
	}
	m.terminate(t)

	path, original, starts := lastSegmentRecords(t, m)
	last := starts[len(starts)-1]
	require.Greater(t, len(original)-last, 13, "the last record has a payload")
	damaged := append([]byte(nil), original...)
	damaged[len(damaged)-1] ^= 0x5a
	require.NoError(t, os.WriteFile(path, damaged, 0o600))

	m.start(t, c.staticArgs()...)
	select {
	case <-m.Exited():
	case <-time.After(30 * time.Second):
		t.Fatal("kvd started on a WAL whose synced last record is damaged")
	}
	require.Error(t, m.ExitErr(), "kvd exits with a failure status")
	require.Contains(t, m.RunLog(), fmt.Sprintf("%s at byte offset %d", path, last))

	// The same record cut short: the remains of an interrupted write.
	require.NoError(t, os.WriteFile(path, original[:last+7], 0o600))
	m.start(t, c.staticArgs()...)
	m.waitHealthy(t)
	require.Contains(t, m.RunLog(), "torn last record")
	var got keysAnswer
	require.NoError(t, getJSON(m.ClientURL+"/v2/keys/k0", &got))
	require.Equal(t, "v", got.Node.Value)
}
