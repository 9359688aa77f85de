package wal

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
)

// snapshotFileFields is the length of wireSnapshot's array: term, index, voters, learners, data.
const snapshotFileFields = 5

// snapshotFileParts returns snap's snapshot file as the parts to write in order: a small head (the
// file header and the body up to the data) and snap.Data itself. Writing them copies nothing, so
// saving a snapshot costs no memory beyond the snapshot. The bytes are the ones encodeSnapshotFile
// (the codec) writes (TestSnapshotFilePartsMatchTheCodec).
func snapshotFileParts(snap raft.Snapshot) [][]byte {
	prefix := appendSnapshotBodyPrefix(make([]byte, 0, 64), snap)
	crc := crc32.Update(crc32.Checksum(prefix, castagnoli), castagnoli, snap.Data)
	head := make([]byte, 0, snapshotHeaderLen+len(prefix))
	head = append(head, snapshotMagic...)
	head = binary.LittleEndian.AppendUint32(head, crc)
	head = binary.LittleEndian.AppendUint64(head, uint64(len(prefix)+len(snap.Data)))
	head = append(head, prefix...)
	return [][]byte{head, snap.Data}
}

// appendSnapshotBodyPrefix appends the msgpack of wireSnapshot up to the data's bytes: the array
// header, term, index, voters, learners and the data's binary header.
func appendSnapshotBodyPrefix(b []byte, snap raft.Snapshot) []byte {
	b = msgp.AppendArrayHeader(b, snapshotFileFields)
	b = msgp.AppendUint(b, snap.Metadata.Term)
	b = msgp.AppendUint(b, snap.Metadata.Index)
	b = msgp.AppendUints(b, snap.Metadata.ConfState.Voters)
	b = msgp.AppendUints(b, snap.Metadata.ConfState.Learners)
	return msgp.AppendBinHeader(b, snap.Data)
}

// parseSnapshotBody decodes a snapshot file's body in the canonical form appendSnapshotBodyPrefix
// writes; its data aliases body. ok is false for anything else (the codec then decides).
func parseSnapshotBody(body []byte) (raft.Snapshot, bool) {
	r := msgp.NewReader(body)
	if r.ArrayLen() != snapshotFileFields {
		return raft.Snapshot{}, false
	}
	var s raft.Snapshot
	s.Metadata.Term = r.Uint()
	s.Metadata.Index = r.Uint()
	s.Metadata.ConfState.Voters = readUintsOrNil(&r)
	s.Metadata.ConfState.Learners = readUintsOrNil(&r)
	if !r.Nil() {
		s.Data = r.Bin()
	}
	if !r.Done() {
		return raft.Snapshot{}, false
	}
	return s, true
}

// readUintsOrNil reads an array of unsigned integers: nil for msgpack nil, an empty slice for an
// empty array, as the codec decodes them.
func readUintsOrNil(r *msgp.Reader) []uint64 {
	if r.Nil() {
		return nil
	}
	n := r.ArrayLen()
	if n > r.Len() { // each element takes a byte at least
		r.Fail(errors.New("more configuration members than bytes"))
	}
	if r.Err() != nil {
		return nil
	}
	vs := make([]uint64, n)
	for i := range vs {
		vs[i] = r.Uint()
	}
	return vs
}
