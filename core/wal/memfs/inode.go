package memfs

import "bytes"

// pendingWrite is one write made since the last Sync of its file.
type pendingWrite struct {
	off  int64
	data []byte
}

// inode is a file's content: what a crash would keep (synced) and what readers see now (data).
type inode struct {
	data    []byte
	synced  []byte
	pending []pendingWrite
	// truncated records a Truncate since the last Sync; a crash then keeps no torn prefix.
	truncated bool
}

// writeAt stores p at off, growing the file with zeros as needed, and remembers the write as unsynced.
func (n *inode) writeAt(p []byte, off int64) {
	end := off + int64(len(p))
	if end > int64(len(n.data)) {
		grown := make([]byte, end)
		copy(grown, n.data)
		n.data = grown
	}
	copy(n.data[off:], p)
	n.pending = append(n.pending, pendingWrite{off: off, data: bytes.Clone(p)})
}

func (n *inode) truncate(size int64) {
	if size <= int64(len(n.data)) {
		n.data = n.data[:size:size]
	} else {
		grown := make([]byte, size)
		copy(grown, n.data)
		n.data = grown
	}
	n.truncated = true
}

func (n *inode) sync() {
	n.synced = bytes.Clone(n.data)
	n.pending = nil
	n.truncated = false
}

// crash reverts the inode to its synced content. If torn is not nil and the unsynced changes were
// only writes, it keeps torn(total) bytes of those writes, applied in order (the last one kept
// possibly cut short), as a disk that wrote a prefix of the queued data would.
func (n *inode) crash(torn func(n int) int) {
	kept := bytes.Clone(n.synced)
	if torn != nil && !n.truncated && len(n.pending) > 0 {
		total := 0
		for _, w := range n.pending {
			total += len(w.data)
		}
		budget := min(max(torn(total), 0), total)
		for _, w := range n.pending {
			if budget == 0 {
				break
			}
			part := w.data[:min(budget, len(w.data))]
			budget -= len(part)
			end := w.off + int64(len(part))
			if end > int64(len(kept)) {
				grown := make([]byte, end)
				copy(grown, kept)
				kept = grown
			}
			copy(kept[w.off:], part)
		}
	}
	n.data = kept
	n.sync()
}
