package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The member makes its WAL's room ahead on a goroutine of its own (makeRoom), so the persister
// does not extend it on the write path: over megabytes of log it extends it itself at most once,
// for the first batch, before makeRoom first ran.
func TestPersisterFindsTheWALRoomMadeAhead(t *testing.T) {
	// The real disk's files (the test cluster's usual one fails on demand and keeps no room).
	c := newTestClusterWith(t, 1, func(cfg *Config) { cfg.FS = wal.OSFS() })
	c.leader()
	value := strings.Repeat("v", 2048)
	for i := range 2500 { // about 5.5 MB of log: five 1 MiB room steps and more
		rep, err := c.set(0, "/room/"+strconv.Itoa(i%100), value)
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	s := c.servers[0]
	c.stop(0) // the persister and makeRoom have ended: the WAL's counters hold still
	st := s.w.Stats()
	assert.LessOrEqual(t, st.RoomInline, int64(1), "the persister extended the room itself %d times", st.RoomInline)
	assert.Positive(t, st.Syncs)
	assert.GreaterOrEqual(t, st.Bytes, int64(5<<20), "the log crossed five room steps")
}
