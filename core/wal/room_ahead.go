package wal

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Room made ahead: extending the room on the writer's path costs the batch that crosses a step an
// fsync of a whole step of zeros and a journal commit; on a busy 3-member cluster on one disk that
// was a 5–15 ms fsync every megabyte of log, on every member at once (they write the same log), and
// the commonest stall in the write path. So a host may call MakeRoom from a goroutine of its own
// (the WAL spawns none): it writes the next steps of zeros and flushes them itself, while the
// writer goes on, and the writer then finds its room already made. The writer still extends the
// room itself (Stats.RoomInline) whenever the room made ahead runs short.
//
// The two write disjoint ranges: MakeRoom writes only at or beyond roomAhead.end, under mu, and
// the writer writes records without mu only below fileEnd, which never exceeds end; a write of
// records that goes beyond fileEnd takes mu first (no MakeRoom write is then in flight) and raises
// end past them. The writer also takes mu whenever the current file stops being the last segment's
// or closes (the cut drops that segment's room, Close, a failure), and clears roomAhead.file, so
// that MakeRoom never writes zeros after the records of a segment that is no longer the last one:
// replay would refuse those.

// aheadSteps is how many room steps MakeRoom keeps ahead of the records.
const aheadSteps = 4

// roomAhead is what MakeRoom shares with the writer.
type roomAhead struct {
	mu sync.Mutex
	// file is the last segment's file while room can be made ahead in it, else nil (mu).
	file File
	// used is the end of the records the writer has written; end is how far the file is known to
	// be zeros or records. Both only grow while file stays the same.
	used, end atomic.Int64
	// zeros is MakeRoom's source of zeros (mu).
	zeros []byte
}

// rangeSyncer is implemented by files that can start and wait for the write-back of a range
// without an fsync of the whole file (the real disk's, on Linux).
type rangeSyncer interface {
	SyncRange(off, n int64) error
}

// setAheadFile makes f the file room is made ahead in (nil: none), its records ending at used
// and its zeros at end. The writer calls it whenever the current file changes.
func (w *WAL) setAheadFile(f File, used, end int64) {
	w.ahead.mu.Lock()
	defer w.ahead.mu.Unlock()
	w.ahead.file = nil
	if f != nil && w.keepsRoom(f) {
		w.ahead.file = f
	}
	w.ahead.used.Store(used)
	w.ahead.end.Store(end)
}

// raiseAheadEnd notes that the file holds records or zeros up to end.
func (w *WAL) raiseAheadEnd(end int64) {
	for {
		cur := w.ahead.end.Load()
		if cur >= end || w.ahead.end.CompareAndSwap(cur, end) {
			return
		}
	}
}

// RoomWanted reports whether MakeRoom has a step to write: the last segment keeps room and less
// than aheadSteps steps of it are left.
func (w *WAL) RoomWanted() bool {
	step := w.opts.roomStep()
	return step > 0 && w.ahead.end.Load()-w.ahead.used.Load() < aheadSteps*step
}

// MakeRoom writes zeros after the last segment's room up to the next multiple of the room step,
// and flushes them (see
// above); it reports whether it wrote one. It is safe to call from any goroutine, concurrently
// with every other method; it does nothing when the WAL keeps no room, is closed or failed, or
// has aheadSteps steps of room already. An error leaves the WAL as it was: the writer extends
// the room itself, as without MakeRoom.
func (w *WAL) MakeRoom() (bool, error) {
	step := w.opts.roomStep()
	if step <= 0 {
		return false, nil
	}
	w.ahead.mu.Lock()
	defer w.ahead.mu.Unlock()
	f := w.ahead.file
	end := w.ahead.end.Load()
	if f == nil || end-w.ahead.used.Load() >= aheadSteps*step {
		return false, nil
	}
	zf, ok := f.(zeroFiller)
	if !ok {
		return false, nil
	}
	next := (end/step + 1) * step // the file stays whole steps, as the writer keeps it
	w.ahead.zeros = zeroBuffer(w.ahead.zeros, step)
	for off := end; off < next; {
		n := min(int64(len(w.ahead.zeros)), next-off)
		if _, err := zf.WriteAt(w.ahead.zeros[:n], off); err != nil {
			return false, fmt.Errorf("wal: make room ahead at %d: %w", off, err)
		}
		off += n
	}
	if rs, ok := f.(rangeSyncer); ok && !w.opts.NoSync {
		if err := rs.SyncRange(end, next-end); err != nil {
			return false, fmt.Errorf("wal: flush room made ahead at %d: %w", end, err)
		}
	}
	w.raiseAheadEnd(next)
	return true, nil
}

// zeroBuffer is a buffer of zeros for writing a room step, at most 1 MiB, reusing b.
func zeroBuffer(b []byte, step int64) []byte {
	if len(b) == 0 {
		return make([]byte, min(step, 1<<20))
	}
	return b
}
