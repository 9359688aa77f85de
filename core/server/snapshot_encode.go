package server

import "github.com/raftlab/raftlab/core/node"

// encodedSnapshot is a snapshot job's result, on its way back to the loop.
type encodedSnapshot struct {
	job  *node.SnapshotJob
	data []byte
	err  error
}

// encodeSnapshot encodes a snapshot the node froze (tens to hundreds of milliseconds for a large
// key space) on its own goroutine, so that the loop goes on applying and acknowledging writes, and
// hands the result to the loop. It ends without handing it over once the loop has.
func (s *Server) encodeSnapshot(job *node.SnapshotJob) {
	data, err := job.Encode()
	select {
	case s.encoded <- encodedSnapshot{job: job, data: data, err: err}:
	case <-s.loopDone:
	}
}
