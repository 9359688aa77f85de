package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKvdStartsAfterAHoleInItsLastWALSegment stops a member, then zeros one whole sector in the
// middle of the records of its last WAL segment, written records after it: what a power loss
// leaves when the disk wrote back the sectors of the unsynced writes out of order and lost one.
// kvd must start (it used to refuse it as corruption), cutting the record with the hole and
// everything after it, and serve the keys written before.
func TestKvdStartsAfterAHoleInItsLastWALSegment(t *testing.T) {
	c := startCluster(t, 1)
	m := c.members[0]
	for i := range 40 {
		code, _, body, err := curl(http.MethodPut, fmt.Sprintf("%s/v2/keys/k%d", m.ClientURL, i),
			url.Values{"value": {strings.Repeat("v", 100)}})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, body)
	}
	m.terminate(t)

	path, records, starts := lastSegmentRecords(t, m)
	hole := (len(records)/2 + 511) / 512 * 512
	require.Greater(t, hole, starts[3], "the hole is past the segment's prologue")
	require.Less(t, hole+512+100, len(records), "written records follow the hole")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	copy(data[hole:hole+512], make([]byte, 512))
	require.NoError(t, os.WriteFile(path, data, 0o600))

	m.start(t, c.staticArgs()...)
	m.waitHealthy(t)
	require.Contains(t, m.RunLog(), "torn last record")
	var got keysAnswer
	require.NoError(t, getJSON(m.ClientURL+"/v2/keys/k0", &got))
	require.Equal(t, strings.Repeat("v", 100), got.Node.Value)
	code, _, _, err := curl(http.MethodGet, m.ClientURL+"/v2/keys/k39", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, code, "the write after the hole was cut with its record")
}
