package wal

import "errors"

// sectorSize is the unit a disk writes whole: a crash may leave any sector of an interrupted write
// unwritten, but never half of one.
const sectorSize = 512

// isTornTail decides whether the bad record at buf[off:], buf being the whole last segment, is the
// remains of a write that a crash interrupted, which recovery cuts off. Only an incomplete record
// qualifies, one whose end never reached the disk:
//
//   - the file ends inside it (a short record: the file was not extended to its end), or
//   - the file ends in zeroes that start at the record or at a sector boundary inside it: sectors
//     allocated for the write (or preallocated) that were never written.
//
// A complete record whose checksum fails is corruption, even at the very end of the log: it may
// have been synced and acknowledged. So is a damaged length field followed by written bytes.
// (A record that legitimately ends in zero bytes from a sector boundary on, and is also damaged
// elsewhere, cannot be told from a torn one; it is cut like etcd cuts such a record.)
func isTornTail(buf []byte, off, size int, err error) bool {
	switch {
	case errors.Is(err, errShortRecord):
		return true
	case errors.Is(err, errBadLength):
		// The length fields themselves were never (wholly) written.
		return unwrittenFrom(buf, off, off+8)
	case errors.Is(err, errBadCRC):
		return unwrittenFrom(buf, off, off+size)
	}
	return false
}

// unwrittenFrom reports whether buf ends in zeroes that begin at off, or at a sector boundary
// (a multiple of sectorSize) after off and before end.
func unwrittenFrom(buf []byte, off, end int) bool {
	z := len(buf)
	for z > off && buf[z-1] == 0 {
		z--
	}
	if z == off {
		return true
	}
	boundary := (z + sectorSize - 1) / sectorSize * sectorSize
	return boundary < end && boundary < len(buf)
}
