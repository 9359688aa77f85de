package memfs

import (
	"maps"
	"slices"
)

// SectorSize is the unit the simulated disk writes whole: a sector holds one of the contents it
// was given, never a mix of two.
const SectorSize = 512

// crashSectors reverts the inode as a disk that wrote back any subset of its dirty sectors would
// leave it (CrashSectors). pick(n) chooses one of n outcomes; it is called for the size first, then
// for each sector the unsynced writes touched, in ascending order.
func (n *inode) crashSectors(pick func(n int) int) {
	if n.truncated || len(n.pending) == 0 {
		n.crash(nil)
		return
	}
	durable := n.synced()
	// The sizes the file had: synced, then after each write. The size is one metadata update
	// journaled in order, so the crash keeps one of them.
	sizes := []int64{int64(len(durable))}
	touches := map[int64]int{}
	for _, w := range n.pending {
		sizes = append(sizes, max(sizes[len(sizes)-1], w.off+int64(w.len)))
		if w.len == 0 {
			continue
		}
		for s := w.off / SectorSize; s <= (w.off+int64(w.len)-1)/SectorSize; s++ {
			touches[s]++
		}
	}
	kept := sizes[choose(pick, len(sizes))]
	sectors := slices.Sorted(maps.Keys(touches))
	// version[s] is how many of the writes touching sector s its surviving content has seen:
	// 0 is the durable content, touches[s] the newest.
	version := make(map[int64]int, len(sectors))
	for _, s := range sectors {
		version[s] = choose(pick, touches[s]+1)
	}

	image := make([]byte, kept)
	copy(image, durable)
	work := append(make([]byte, 0, sizes[len(sizes)-1]), durable...)
	seen := map[int64]int{}
	for _, w := range n.pending {
		end := w.off + int64(w.len)
		if w.len == 0 {
			continue
		}
		if end > int64(len(work)) {
			work = append(work, make([]byte, end-int64(len(work)))...)
		}
		copy(work[w.off:end], n.pendingBytes[w.start:w.start+w.len])
		for s := w.off / SectorSize; s <= (end-1)/SectorSize; s++ {
			seen[s]++
			if seen[s] != version[s] {
				continue
			}
			lo := s * SectorSize
			if lo >= kept {
				continue
			}
			hi := min(lo+SectorSize, kept)
			// A version written before the file reached hi reads as zeros past its end then.
			copy(image[lo:hi], zeroPadded(work, lo, hi))
		}
	}
	n.data, n.shadow = image, nil
	n.sync()
}

// zeroPadded is b[lo:hi], b's missing bytes past its end read as zeros.
func zeroPadded(b []byte, lo, hi int64) []byte {
	out := make([]byte, hi-lo)
	if lo < int64(len(b)) {
		copy(out, b[lo:min(hi, int64(len(b)))])
	}
	return out
}

// choose is pick(n) clamped to [0, n).
func choose(pick func(n int) int, n int) int {
	return min(max(pick(n), 0), n-1)
}
