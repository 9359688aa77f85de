package server

import (
	"time"

	"github.com/raftlab/raftlab/core/node"
)

// encodedSnapshot is a snapshot job's result, on its way back to the loop.
type encodedSnapshot struct {
	job  *node.SnapshotJob
	data []byte
	err  error
}

// encodeSnapshot encodes a snapshot the node froze (tens to hundreds of milliseconds for a large
// key space) and writes its file (wal.PrepareSnapshot: tens of milliseconds more, two fsyncs) on
// its own goroutine, so that the loop goes on applying and acknowledging writes and the persister
// writing entries, and hands the result to the loop; the persister then only logs the snapshot.
// The encoding yields as it goes (Config.SnapshotYield): on a member with two processors it held
// one for tens of milliseconds at a stretch, and the writes queued behind it.
// It ends without handing it over once the loop has ended; Stop waits for it before the WAL closes.
func (s *Server) encodeSnapshot(job *node.SnapshotJob) {
	defer s.encoding.Done()
	start := time.Now()
	data, err := job.EncodeYielding(s.cfg.SnapshotYield)
	s.disk.snapMarshals.Observe(time.Since(start))
	if err == nil {
		if perr := s.w.PrepareSnapshot(job.Snapshot(data)); perr != nil {
			// The persister writes the file itself, and fails the member if it cannot.
			s.log.Warn("writing the snapshot's file ahead failed", "index", job.Index(), "err", perr)
		} else {
			s.disk.snapSaves.Observe(time.Since(start))
		}
	}
	select {
	case s.encoded <- encodedSnapshot{job: job, data: data, err: err}:
	case <-s.loopDone:
	}
}
