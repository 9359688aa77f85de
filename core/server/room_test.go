package server

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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

// roomFailingFS is the real disk whose files keep the WAL's room (they write at an offset) and
// refuse those writes while fail is set: a disk that is full for the room made ahead.
type roomFailingFS struct {
	wal.FS
	fail *atomic.Bool
}

func (f roomFailingFS) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return roomFailingFile{File: file, fail: f.fail}, nil
}

type roomFailingFile struct {
	wal.File
	fail *atomic.Bool
}

func (f roomFailingFile) WriteAt(p []byte, off int64) (int, error) {
	if f.fail.Load() {
		return 0, syscall.ENOSPC
	}
	return f.File.(io.WriterAt).WriteAt(p, off)
}

// countingHandler counts the log records whose message contains one of its words.
type countingHandler struct {
	slog.Handler
	counts map[string]*atomic.Int64
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	for word, n := range h.counts {
		if strings.Contains(r.Message, word) {
			n.Add(1)
		}
	}
	return nil
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h countingHandler) WithGroup(string) slog.Handler            { return h }

// While the room made ahead cannot be written (a full disk), writes go on (the persister extends
// the room itself, and that too may fail for real: here only the writes ahead do), and the failure
// is logged once when it starts and once when it ends, not at every batch.
func TestRoomAheadFailureIsLoggedOnceAndWritesGoOn(t *testing.T) {
	var fail atomic.Bool
	counts := map[string]*atomic.Int64{"room ahead failed": {}, "room ahead works again": {}}
	c := newTestClusterWith(t, 1, func(cfg *Config) {
		cfg.FS = roomFailingFS{FS: wal.OSFS(), fail: &fail}
		cfg.Logger = slog.New(countingHandler{counts: counts})
	})
	c.leader()
	value := strings.Repeat("v", 2048)
	write := func(from, to int) {
		for i := from; i < to; i++ {
			rep, err := c.set(0, "/room/"+strconv.Itoa(i%100), value)
			require.NoError(t, err)
			require.NoError(t, rep.Err)
		}
	}
	write(0, 200)
	fail.Store(true) // far from the persister's own extensions: four steps are made ahead
	s := c.servers[0]
	write(200, 900) // 1.4 MB more: past the first step, every batch wants room made ahead, and fails
	require.Eventually(t, func() bool { return counts["room ahead failed"].Load() > 0 }, 10*time.Second, time.Millisecond,
		"the room ahead runs short and its writes fail")
	fail.Store(false)
	write(900, 2500)
	c.stop(0)
	assert.Equal(t, int64(1), counts["room ahead failed"].Load(), "the failure is logged once")
	assert.Equal(t, int64(1), counts["room ahead works again"].Load(), "and its end once")
	assert.GreaterOrEqual(t, s.w.Stats().Bytes, int64(5<<20))
}
