package wal

// Write-back as written: a snapshot file is large (13 MB for the benchmark's 10,000 keys and
// 20,000 remembered results), and written whole and then fsynced it put all of it on the disk's
// queue at once, where the WAL fdatasyncs of every member sharing the disk waited behind it: on a
// warm 3-member cluster at 256 clients they slowed from under a millisecond to 5–12 ms, on all
// members at once, each time a member saved a snapshot. So on a file that can write back a range
// (the real disk's), writeFileDurably writes a large file a chunk at a time and has each chunk
// written back (sync_file_range) before it writes the next: the disk then has at most one chunk of
// it queued, and the fsync that follows has only the metadata and the disk's cache left to flush.
// The bytes, the fsyncs and the crash behaviour are those of a write and an fsync.

// writeBackChunk is how much of a file is written before it is written back.
const writeBackChunk = 256 << 10

// writeBackAsWritten writes parts to f in order: on a file that can write back a range and unless
// noSync, a chunk at a time, each written back before the next (see above); else as they are.
func writeBackAsWritten(f File, parts [][]byte, noSync bool) error {
	rs, ok := f.(rangeSyncer)
	if !ok || noSync {
		for _, p := range parts {
			if _, err := f.Write(p); err != nil {
				return err
			}
		}
		return nil
	}
	var off, pending int64 // bytes written, and of them not yet written back
	for _, p := range parts {
		for len(p) > 0 {
			n := min(len(p), writeBackChunk-int(pending))
			if _, err := f.Write(p[:n]); err != nil {
				return err
			}
			p, off, pending = p[n:], off+int64(n), pending+int64(n)
			if pending == writeBackChunk {
				if err := rs.SyncRange(off-pending, pending); err != nil {
					return err
				}
				pending = 0
			}
		}
	}
	return nil
}
