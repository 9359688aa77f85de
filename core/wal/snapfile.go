package wal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/raft"
)

// Snapshot file layout: magic, CRC-32C of the body, body length (uint64 LE), body (msgpack).
var snapshotMagic = []byte("RLSNAP1\n")

const snapshotHeaderLen = 8 + 4 + 8

func encodeSnapshotFile(h *codec.MsgpackHandle, snap raft.Snapshot) ([]byte, error) {
	body, err := encodePayload(h, wireSnapshot{
		Term: snap.Metadata.Term, Index: snap.Metadata.Index,
		Voters: snap.Metadata.ConfState.Voters, Learners: snap.Metadata.ConfState.Learners,
		Data: snap.Data,
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, snapshotHeaderLen+len(body))
	out = append(out, snapshotMagic...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(body, castagnoli))
	out = binary.LittleEndian.AppendUint64(out, uint64(len(body)))
	return append(out, body...), nil
}

func decodeSnapshotFile(b []byte) (raft.Snapshot, error) {
	if len(b) < snapshotHeaderLen || !bytes.Equal(b[:8], snapshotMagic) {
		return raft.Snapshot{}, fmt.Errorf("bad snapshot header")
	}
	body := b[snapshotHeaderLen:]
	if binary.LittleEndian.Uint64(b[12:]) != uint64(len(body)) {
		return raft.Snapshot{}, fmt.Errorf("snapshot length field says %d bytes, file has %d", binary.LittleEndian.Uint64(b[12:]), len(body))
	}
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[8:]) {
		return raft.Snapshot{}, fmt.Errorf("snapshot CRC mismatch")
	}
	if s, ok := parseSnapshotBody(body); ok {
		return s, nil // the data aliases b: loading a snapshot makes no copy of it
	}
	var w wireSnapshot
	if err := decodePayload(bodyHandle(len(body)), body, &w); err != nil {
		return raft.Snapshot{}, err
	}
	return raft.Snapshot{
		Metadata: raft.SnapshotMetadata{Index: w.Index, Term: w.Term,
			ConfState: raft.ConfState{Voters: w.Voters, Learners: w.Learners}},
		Data: w.Data,
	}, nil
}

// readFile reads a whole file.
func readFile(fs FS, name string) ([]byte, error) {
	size, err := fs.Stat(name)
	if err != nil {
		return nil, err
	}
	f, err := fs.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, size)
	if _, err := f.ReadAt(buf, 0); err != nil && !(err == io.EOF && size == 0) {
		return nil, err
	}
	return buf, nil
}

// writeFileDurably writes the parts of name, in order, through a temp file: write, fsync, rename,
// fsync the directory. When it returns nil the file is durable under its final name; otherwise it
// may be absent. expectedSize is how big the file is expected to grow (at least the parts' total),
// a hint for a file system that can reserve room.
func writeFileDurably(fs FS, dir, name string, parts [][]byte, noSync bool, expectedSize int64, points filePoints) error {
	final := filepath.Join(dir, name)
	tmp := final + tempSuffix
	f, err := fs.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	if r, ok := f.(capacityReserver); ok {
		total := int64(0)
		for _, p := range parts {
			total += int64(len(p))
		}
		r.Reserve(max(expectedSize, total))
	}
	if err := writeBackAsWritten(f, parts, noSync); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if !noSync {
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("fsync %s: %w", tmp, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := points.set.Hit(points.beforeRename); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	if err := fs.Rename(tmp, final); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	if noSync {
		return nil
	}
	if err := points.set.Hit(points.beforeDirSync); err != nil {
		return fmt.Errorf("fsync dir %s: %w", dir, err)
	}
	if err := fs.SyncDir(dir); err != nil {
		return fmt.Errorf("fsync dir %s: %w", dir, err)
	}
	return nil
}

// filePoints are the fault points between the steps of writing a file durably.
type filePoints struct {
	set                         *faultpoint.Set
	beforeRename, beforeDirSync faultpoint.Point
}

// bodyHandle is the WAL handle for decoding a CRC-checked body of size bytes. The shared handle
// allocates a long byte string in 4 KiB steps, copying what it has at every step (quadratic: a 1 MiB
// snapshot cost 128 MiB of copying, and a long chaos run spent half its time there). Here no string
// can be longer than the body, so the body's size is a safe bound for one allocation.
func bodyHandle(size int) *codec.MsgpackHandle {
	h := newHandle()
	h.MaxInitLen = max(h.MaxInitLen, size)
	return h
}
