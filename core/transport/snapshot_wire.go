package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/raftlab/raftlab/core/raft"
)

// snapshotStreamFlag, set in the hello's version, opens a snapshot stream instead of a message
// stream (see the package documentation). An acceptor that does not know it refuses the stream
// with a version mismatch.
const snapshotStreamFlag = 1 << 31

// snapshotChunkBytes is the largest chunk a sender writes; the receiver's frame limit (and the
// sender's own) lower it.
const snapshotChunkBytes = 1 << 20

// chunkHeaderLen is a chunk's length and CRC-32C, both uint32 big-endian.
const chunkHeaderLen = 8

// castagnoli is the CRC-32C table of the chunk checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrSnapshotCorrupt: a snapshot stream's chunk failed its checksum, or the stream does not hold
// what its header announced.
var ErrSnapshotCorrupt = errors.New("transport: corrupt snapshot stream")

// snapshotHeader is the start of a snapshot stream: one frame holding m with its snapshot's data
// left out, then the data's length.
func snapshotHeader(m *raft.Message) ([]byte, error) {
	head := *m
	snap := *m.Snapshot
	snap.Data = nil
	head.Snapshot = &snap
	out, err := appendFrame(nil, []raft.Message{head})
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint64(out, uint64(len(m.Snapshot.Data))), nil
}

// readSnapshotHeader reads the header of a snapshot stream from member from to member to: the
// MsgSnap without its data, and the data's length.
func readSnapshotHeader(r io.Reader, maxFrame int, from, to uint64) (raft.Message, uint64, error) {
	msgs, err := DecodeFrame(r, maxFrame)
	if err != nil {
		return raft.Message{}, 0, fmt.Errorf("read snapshot header: %w", unexpectedEOF(err))
	}
	if len(msgs) != 1 {
		return raft.Message{}, 0, fmt.Errorf("%w: the header holds %d messages, want 1", ErrSnapshotCorrupt, len(msgs))
	}
	m := msgs[0]
	switch {
	case m.Type != raft.MsgSnap || m.Snapshot == nil:
		return raft.Message{}, 0, fmt.Errorf("%w: the header holds a %v, want a MsgSnap with a snapshot", ErrSnapshotCorrupt, m.Type)
	case m.From != from || m.To != to:
		return raft.Message{}, 0, fmt.Errorf("%w: message from %x to %x on the snapshot stream from member %x to member %x",
			ErrMalformedFrame, m.From, m.To, from, to)
	case len(m.Snapshot.Data) != 0:
		return raft.Message{}, 0, fmt.Errorf("%w: the header carries snapshot data", ErrSnapshotCorrupt)
	}
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return raft.Message{}, 0, fmt.Errorf("read snapshot size: %w", unexpectedEOF(err))
	}
	return m, binary.BigEndian.Uint64(size[:]), nil
}

// chunkHeader is the header of one chunk of snapshot data.
func chunkHeader(chunk []byte) [chunkHeaderLen]byte {
	var h [chunkHeaderLen]byte
	binary.BigEndian.PutUint32(h[:], uint32(len(chunk)))
	binary.BigEndian.PutUint32(h[4:], crc32.Checksum(chunk, castagnoli))
	return h
}

// copyChunks copies size bytes of chunked snapshot data from r to w, checking every chunk's length
// against maxChunk and its checksum, through one buffer of its own (never more, whatever the
// lengths announced). next is called before each chunk header is read (to set a deadline).
func copyChunks(w io.Writer, r io.Reader, size uint64, maxChunk int, next func()) error {
	buf := make([]byte, min(maxChunk, readChunk))
	for left := size; left > 0; {
		next()
		var h [chunkHeaderLen]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return fmt.Errorf("read chunk header (%d of %d bytes to go): %w", left, size, unexpectedEOF(err))
		}
		n, want := uint64(binary.BigEndian.Uint32(h[:])), binary.BigEndian.Uint32(h[4:])
		if n == 0 || n > uint64(maxChunk) || n > left {
			return fmt.Errorf("%w: chunk of %d bytes (limit %d, %d bytes to go)", ErrSnapshotCorrupt, n, maxChunk, left)
		}
		var crc uint32
		for read := uint64(0); read < n; {
			part := buf[:min(uint64(len(buf)), n-read)]
			if _, err := io.ReadFull(r, part); err != nil {
				return fmt.Errorf("read chunk: %w", unexpectedEOF(err))
			}
			crc = crc32.Update(crc, castagnoli, part)
			if _, err := w.Write(part); err != nil {
				return fmt.Errorf("spool chunk: %w", err)
			}
			read += uint64(len(part))
		}
		if crc != want {
			return fmt.Errorf("%w: chunk checksum %08x, want %08x (%d bytes to go)", ErrSnapshotCorrupt, crc, want, left)
		}
		left -= n
	}
	return nil
}
