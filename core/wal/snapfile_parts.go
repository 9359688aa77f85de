package wal

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/raftlab/raftlab/core/raft"
)

// snapshotFields is the length of wireSnapshot's array: term, index, voters, learners, data.
const snapshotFields = 5

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
	b = appendMsgpackArrayHeader(b, snapshotFields)
	b = appendMsgpackUint(b, snap.Metadata.Term)
	b = appendMsgpackUint(b, snap.Metadata.Index)
	b = appendMsgpackUints(b, snap.Metadata.ConfState.Voters)
	b = appendMsgpackUints(b, snap.Metadata.ConfState.Learners)
	return appendMsgpackBinHeader(b, snap.Data)
}

// appendMsgpackUints appends vs as an array of unsigned integers (nil as msgpack nil).
func appendMsgpackUints(b []byte, vs []uint64) []byte {
	if vs == nil {
		return append(b, mpNil)
	}
	b = appendMsgpackArrayHeader(b, len(vs))
	for _, v := range vs {
		b = appendMsgpackUint(b, v)
	}
	return b
}

// parseSnapshotBody decodes a snapshot file's body in the canonical form appendSnapshotBodyPrefix
// writes; its data aliases body. ok is false for anything else (the codec then decides).
func parseSnapshotBody(body []byte) (raft.Snapshot, bool) {
	r := msgpackReader{p: body, ok: true}
	if r.arrayLen() != snapshotFields {
		return raft.Snapshot{}, false
	}
	var s raft.Snapshot
	s.Metadata.Term = r.uint()
	s.Metadata.Index = r.uint()
	s.Metadata.ConfState.Voters = r.uints()
	s.Metadata.ConfState.Learners = r.uints()
	s.Data = r.bin()
	if !r.ok || r.off != len(body) {
		return raft.Snapshot{}, false
	}
	return s, true
}

// uints reads an array of unsigned integers (nil for msgpack nil, an empty slice for an empty
// array, as the codec decodes them).
func (r *msgpackReader) uints() []uint64 {
	if r.off < len(r.p) && r.p[r.off] == mpNil {
		r.off++
		return nil
	}
	n := r.arrayLen()
	if !r.ok || n > len(r.p)-r.off {
		r.ok = false
		return nil
	}
	vs := make([]uint64, n)
	for i := range vs {
		vs[i] = r.uint()
	}
	return vs
}
