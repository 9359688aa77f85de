package wal

import "errors"

// sectorSize is the unit a disk writes whole: a crash may leave any sector of the unsynced writes
// unwritten, but never half of one.
const sectorSize = 512

// isTornTail decides whether the bad record at buf[off:], buf being the whole last segment, is the
// remains of writes that a crash interrupted, which recovery cuts off with everything after it.
//
// After a power loss a disk holds any subset of the sectors written since the last fsync, not a
// prefix of them: the page cache writes pages back in no set order and the drive's volatile cache
// reorders sector writes. A sector that never reached the disk (or reached it before the record
// was written into it) reads as zeros where the record should be, to the sector's end: the WAL
// writes a record in one write, and only past the segment's synced end or into its room, both
// zeros. So a record is torn when:
//
//   - the file ends inside it (a short record: the file was not extended to its end), or
//   - from its start, or from a sector boundary inside it, to the end of that sector (or of the
//     file) all is zeros: a sector it was never written into, whatever follows (every byte after an
//     unsynced one was unsynced too). When the length fields are the damage, the record's extent
//     is unknown and only they are looked at.
//
// A complete record whose checksum fails and holds no such sector is corruption, even at the very
// end of the log: it may have been synced and acknowledged. So is any damage before the last
// segment, whose records were all synced before the next segment began. (A synced record that is
// damaged and also legitimately holds zeros over a whole sector, or from its start to the end of
// its sector, cannot be told from a torn one; it is cut like etcd's WAL decoder cuts such a record.)
func isTornTail(buf []byte, off, size int, err error) bool {
	switch {
	case errors.Is(err, errShortRecord):
		return true
	case errors.Is(err, errBadLength):
		return hasUnwrittenSector(buf, off, off+8)
	case errors.Is(err, errBadCRC):
		return hasUnwrittenSector(buf, off, off+size)
	}
	return false
}

// hasUnwrittenSector reports whether, from off or from a sector boundary (a multiple of sectorSize,
// buf being a whole file) before end, buf holds zeros up to the next sector boundary or its end.
func hasUnwrittenSector(buf []byte, off, end int) bool {
	end = min(end, len(buf))
	for lo := off; lo < end; lo = (lo/sectorSize + 1) * sectorSize {
		if allZeros(buf[lo:min((lo/sectorSize+1)*sectorSize, len(buf))]) {
			return true
		}
	}
	return false
}

// allZeros reports whether b holds only zero bytes.
func allZeros(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
