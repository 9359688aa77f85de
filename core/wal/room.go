package wal

import "fmt"

// Room: on a real disk, appending to a file changes its size, so every fsync of a growing segment
// also commits file-system metadata (a journal commit on ext4): about twice the CPU and three times
// the latency of an fdatasync that only writes data into blocks the file already has. So the WAL
// keeps written zeros ahead of the last segment's records, "room", and its records overwrite them:
// the file's size and blocks change only when the room is extended, once per DefaultRoom bytes of
// log. (Zeros written, not a hole or an fallocate'd extent: writing into those changes metadata too.)
// A host can have the room made ahead on a goroutine of its own (MakeRoom, room_ahead.go), so that
// the extensions leave the writer's path too.
//
// Recovery tells room from a torn write: with room in use, zeros that begin at a record boundary
// and run to the end of the file are the unused room, a clean end; zeros that begin inside a record
// are still a torn tail. Only the last segment has room: a segment is cut to its records before
// the next one starts, so replay finds every other segment whole.

// DefaultRoom is the step in which the room of the last segment grows (Options.Room zero).
const DefaultRoom = 1 << 20

// zeroFiller is implemented by files that can write at an offset without moving the file offset:
// the real disk's (OSFS). The WAL keeps room only in such files; the simulated disk appends.
type zeroFiller interface {
	WriteAt(p []byte, off int64) (int, error)
}

// roomStep is the room step in use, 0 when the WAL keeps no room (Options.Room negative).
func (o Options) roomStep() int64 {
	switch {
	case o.Room < 0:
		return 0
	case o.Room == 0:
		return DefaultRoom
	}
	return o.Room
}

// keepsRoom reports whether the WAL keeps room in file f: a real disk's file, room not turned off,
// and fsyncs on (room saves fsync work; without fsyncs it would only cost).
func (w *WAL) keepsRoom(f File) bool {
	_, ok := f.(zeroFiller)
	return ok && w.opts.roomStep() > 0 && !w.opts.NoSync
}

// extendRoom makes sure zeros follow the records written so far (w.fileSize bytes) by at least half
// a room step, writing zeros up to a multiple of the step. It does not sync: the Sync that follows
// commits the new size with the records.
func (w *WAL) extendRoom() error {
	step := w.opts.roomStep()
	if !w.keepsRoom(w.file) {
		return nil
	}
	w.fileEnd = max(w.fileEnd, w.ahead.end.Load()) // room made ahead (room_ahead.go)
	if w.fileEnd-w.fileSize >= step/2 {
		return nil
	}
	w.stats.RoomInline++
	zf := w.file.(zeroFiller)
	end := (w.fileSize + step/2 + step - 1) / step * step
	if len(w.zeros) == 0 {
		w.zeros = make([]byte, min(step, 1<<20))
	}
	for off := max(w.fileEnd, w.fileSize); off < end; {
		n := min(int64(len(w.zeros)), end-off)
		if _, err := zf.WriteAt(w.zeros[:n], off); err != nil {
			return w.fail(fmt.Errorf("extend room of %s: %w", w.currentPath(), err))
		}
		off += n
	}
	w.fileEnd = end
	w.raiseAheadEnd(end)
	return nil
}

// dropRoom cuts the current segment's file to its records before the next segment starts, and
// syncs the cut: replay refuses zeros after the records of any segment but the last.
func (w *WAL) dropRoom() error {
	// No more room is made ahead in this segment; MakeRoom may have made some beyond fileEnd.
	w.ahead.mu.Lock()
	w.ahead.file = nil
	w.fileEnd = max(w.fileEnd, w.ahead.end.Load())
	w.ahead.mu.Unlock()
	if w.fileEnd <= w.fileSize {
		return nil
	}
	if err := w.file.Truncate(w.fileSize); err != nil {
		return fmt.Errorf("cut the room of %s: %w", w.currentPath(), err)
	}
	if err := w.fsync(w.file); err != nil {
		return fmt.Errorf("fsync %s after cutting its room: %w", w.currentPath(), err)
	}
	w.fileEnd = w.fileSize
	return nil
}

// isRoom reports whether buf[off:] is unused room: zeros from a record boundary to the end.
func isRoom(buf []byte, off int) bool {
	return off < len(buf) && allZeros(buf[off:])
}
