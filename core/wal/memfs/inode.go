package memfs

// pendingWrite is one write made since the last Sync of its file: len bytes at off, whose content
// is kept at start in the inode's pendingBytes.
type pendingWrite struct {
	off   int64
	start int
	len   int
}

// inode is a file's content: what readers see now (data) and what a crash would keep (the synced
// image).
//
// The synced image costs nothing while the file only grows past it: it is then data[:syncedLen],
// shared with data. Only a write or truncate that reaches into that prefix copies it aside (shadow)
// first. So an append-only file (a WAL segment) is never copied: a write appends with amortized
// growth and a Sync moves syncedLen.
type inode struct {
	data []byte
	// syncedLen is the length of the synced image while shadow is nil.
	syncedLen int
	// shadow, when not nil, is the synced image, copied before data diverged from it.
	shadow []byte
	// pending are the writes since the last Sync, in order, with their bytes in pendingBytes (one
	// buffer reused across syncs, so recording a write does not allocate).
	pending      []pendingWrite
	pendingBytes []byte
	// truncated records a Truncate since the last Sync; a crash then keeps no torn prefix.
	truncated bool
}

// synced is the image a crash would keep.
func (n *inode) synced() []byte {
	if n.shadow != nil {
		return n.shadow
	}
	return n.data[:n.syncedLen]
}

// protectSynced copies the synced image aside before data changes below end.
func (n *inode) protectSynced(below int64) {
	if n.shadow == nil && below < int64(n.syncedLen) {
		n.shadow = append(make([]byte, 0, n.syncedLen), n.data[:n.syncedLen]...)
	}
}

// resize sets the length of data, growing with zeros (amortized) or shrinking in place.
func (n *inode) resize(size int64) {
	if size <= int64(len(n.data)) {
		n.data = n.data[:size]
		return
	}
	n.data = append(n.data, make([]byte, size-int64(len(n.data)))...)
}

// reserve makes room for extra more bytes of data, doubling the capacity when it grows (append's
// own growth is only about 1.25x for large slices, which copies a growing WAL segment many times).
func (n *inode) reserve(extra int) {
	need := len(n.data) + extra
	if need <= cap(n.data) {
		return
	}
	grown := make([]byte, len(n.data), max(need, 2*cap(n.data), minCapacity))
	copy(grown, n.data)
	n.data = grown
}

// minCapacity is the smallest buffer a file that is appended to without a reservation gets, so that
// it is not reallocated at every small append while it is young.
const minCapacity = 64 << 10

// reserveCapacity makes room for the file to grow to size bytes without reallocating. Neither the
// content nor the synced image changes (a shared synced image is copied along with data).
func (n *inode) reserveCapacity(size int) {
	if size <= cap(n.data) {
		return
	}
	grown := make([]byte, len(n.data), size)
	copy(grown, n.data)
	n.data = grown
}

// writeAt stores p at off, growing the file with zeros as needed, and remembers the write as unsynced.
func (n *inode) writeAt(p []byte, off int64) {
	n.protectSynced(off)
	end := off + int64(len(p))
	switch {
	case off == int64(len(n.data)):
		n.reserve(len(p))
		n.data = append(n.data, p...) // the common append: no zeroing, one copy
	case end > int64(len(n.data)):
		n.resize(end)
		copy(n.data[off:], p)
	default:
		copy(n.data[off:], p)
	}
	n.pending = append(n.pending, pendingWrite{off: off, start: len(n.pendingBytes), len: len(p)})
	n.pendingBytes = append(n.pendingBytes, p...)
}

// truncate sets the file's size, cutting or extending with zeros.
func (n *inode) truncate(size int64) {
	n.protectSynced(size)
	n.resize(size)
	n.truncated = true
}

// sync makes the current content the synced image.
func (n *inode) sync() {
	n.shadow = nil
	n.syncedLen = len(n.data)
	n.pending = n.pending[:0]
	n.pendingBytes = n.pendingBytes[:0]
	n.truncated = false
}

// crash reverts the inode to its synced content. If torn is not nil and the unsynced changes were
// only writes, it keeps torn(total) bytes of those writes, applied in order (the last one kept
// possibly cut short), as a disk that wrote a prefix of the queued data would.
func (n *inode) crash(torn func(n int) int) {
	if n.shadow != nil {
		n.data = n.shadow
	} else {
		n.data = n.data[:n.syncedLen]
	}
	n.shadow = nil
	if torn != nil && !n.truncated && len(n.pending) > 0 {
		total := len(n.pendingBytes)
		budget := min(max(torn(total), 0), total)
		for _, w := range n.pending {
			if budget == 0 {
				break
			}
			part := n.pendingBytes[w.start : w.start+min(budget, w.len)]
			budget -= len(part)
			end := w.off + int64(len(part))
			if end > int64(len(n.data)) {
				n.resize(end)
			}
			copy(n.data[w.off:], part)
		}
	}
	n.sync()
}
