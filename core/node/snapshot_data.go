package node

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// snapshotDataMagic opens a snapshot's data in format 2: then the length of the replicated state
// besides the store (snapshotMeta, msgpack) as a big-endian uint64, that state, and the store's own
// snapshot (store.Save) to the end. Both parts are written straight into the one buffer and the
// store's is read back in place, without a copy either way. Format 1 (snapshotData: one msgpack map
// holding the store as a byte string) is still read; it never starts with these bytes (a msgpack map
// does not start with 'r').
const snapshotDataMagic = "rlnode/2"

// snapshotHeaderLen is the magic and the length of the meta part.
const snapshotHeaderLen = len(snapshotDataMagic) + 8

// snapshotMeta is the replicated state a snapshot carries besides the store and raft's metadata.
type snapshotMeta struct {
	Members  []Member
	Learners []uint64
	Removed  []uint64
	Dedup    []dedupRecord
}

// snapshotMembers is snapshotMeta without its Dedup, which the encoder writes by hand: the codec
// writes both as maps with their keys sorted, so that these three follow Dedup.
type snapshotMembers struct {
	Members  []Member
	Learners []uint64
	Removed  []uint64
}

// snapshotData is format 1 of a snapshot's data, still read from snapshots taken before format 2.
type snapshotData struct {
	Store    []byte
	Members  []Member
	Learners []uint64
	Removed  []uint64
	Dedup    []dedupRecord
}

// dedupRecord is one remembered request result in snapshot form.
type dedupRecord struct {
	ID        uint64
	Event     []byte // JSON of *store.Event, empty when nil
	ErrJSON   []byte // JSON of *store.Error when the error was a store error
	ErrText   string // any other error's text
	EtcdIndex uint64
	// Past and EventDropped: the result is past the table's byte window (see dedupTable).
	Past         bool
	EventDropped bool
}

// encodeSnapshotData encodes the replicated state in format 2 now (see SnapshotJob.Encode).
func (n *Node) encodeSnapshotData() ([]byte, error) { return n.freezeSnapshot().Encode() }

// SnapshotJob is the replicated state frozen at one applied index, to be encoded into a snapshot's
// data (Encode) away from the node: the node hands it out in Output.Encode and takes the result
// back with SnapshotEncoded. It shares nothing the node changes afterwards (the store's frozen
// copy, the members copied, the dedup table's results, whose events are immutable), so Encode
// may run on any goroutine while the node goes on.
type SnapshotJob struct {
	index uint64
	term  uint64 // of the entry at index
	conf  raft.ConfState
	// forced: a snapshot every replica takes at this index (a member was added).
	forced bool
	// logBytes and dataBytes are the node's logBytes and dataBytes when it was frozen.
	logBytes  uint64
	dataBytes int64
	meta      snapshotMeta // without its Dedup, built by Encode from dedup
	dedup     []dedupEntry
	store     *store.Frozen
}

// dedupEntry is one remembered result as the job keeps it.
type dedupEntry struct {
	id uint64
	r  appliedResult
}

// Index is the applied index the job's state was frozen at.
func (j *SnapshotJob) Index() uint64 { return j.index }

// Snapshot is the snapshot the node makes of the job and its encoded data once handed back (the
// one its persist batch then carries): a host may write its file ahead (wal.PrepareSnapshot).
func (j *SnapshotJob) Snapshot(data []byte) raft.Snapshot {
	return raft.Snapshot{Data: data, Metadata: raft.SnapshotMetadata{Index: j.index, Term: j.term, ConfState: j.conf}}
}

// freezeSnapshot copies the replicated state for a snapshot at the applied index. Its cost is that
// of copying the store's tree (store.Freeze) and the dedup table's entries, not of encoding them.
func (n *Node) freezeSnapshot() *SnapshotJob {
	term, _ := n.storage.Term(n.applied) // the applied entry is in the log or is its snapshot's
	j := &SnapshotJob{
		index:     n.applied,
		term:      term,
		conf:      raft.ConfState{Voters: slices.Clone(n.conf.Voters), Learners: slices.Clone(n.conf.Learners)},
		forced:    n.forceSnap,
		logBytes:  n.logBytes,
		dataBytes: n.dataBytes(),
		meta:      snapshotMeta{Members: n.members.list(), Removed: n.members.removedIDs()},
		store:     n.store.Freeze(),
	}
	for _, id := range n.members.ids() {
		if n.members.learners[id] {
			j.meta.Learners = append(j.meta.Learners, id)
		}
	}
	j.dedup = n.dedup.entries()
	return j
}

// Encode encodes the job's state in format 2, into one buffer sized from what the state holds
// (the meta part's estimate and the store's DataBytes) so that neither part has to grow it (values
// that JSON escapes heavily can still make the store's part grow it), and cut to size when that
// overshot by much (the snapshot is kept for followers until the next one). Encoding a snapshot of
// N bytes thus allocates about N, plus the JSON of the dedup table's events (at most about
// DedupBytes) on the way (TestSnapshotCopiesAreBounded). The same job always gives the same bytes.
func (j *SnapshotJob) Encode() ([]byte, error) { return j.EncodeYielding(nil) }

// EncodeYielding is Encode calling yield, if not nil, every store.YieldEvery records and nodes it
// encodes (the same bytes): the server passes runtime.Gosched, so that the encoding, tens of
// milliseconds of CPU for a large key space, does not hold one of the member's processors while its
// writes queue (at 256 clients its p99.9 was lower in 7 of 9 paired rounds, by 11% on average).
func (j *SnapshotJob) EncodeYielding(yield func()) ([]byte, error) {
	buf := make([]byte, snapshotHeaderLen, snapshotHeaderLen+j.metaEstimate()+int(j.store.DataBytes())+64<<10)
	copy(buf, snapshotDataMagic)
	// The meta part is the codec's encoding of snapshotMeta, a map whose keys it sorts: Dedup
	// first, written by hand (appendDedupRecords) into the buffer's spare room, then the members'
	// fields as the codec writes them. Only if the estimate fell short does out move to a larger
	// array, which is then copied in.
	out := msgp.AppendStr(msgp.AppendMapHeader(buf[snapshotHeaderLen:snapshotHeaderLen], 4), "Dedup")
	out, err := appendDedupRecords(out, j.dedup, &store.Yielder{Yield: yield})
	if err != nil {
		return nil, err
	}
	var members []byte
	m := snapshotMembers{Members: j.meta.Members, Learners: j.meta.Learners, Removed: j.meta.Removed}
	if err := codec.NewEncoderBytes(&members, &codec.MsgpackHandle{WriteExt: true}).Encode(&m); err != nil {
		return nil, fmt.Errorf("node: encode snapshot: %w", err)
	}
	if len(members) == 0 || members[0] != msgp.FixMap|3 {
		return nil, errors.New("node: encode snapshot: the members part is not a map of three fields")
	}
	out = append(out, members[1:]...)
	if len(out) > 0 && cap(buf)-snapshotHeaderLen >= cap(out) && &buf[:snapshotHeaderLen+1][snapshotHeaderLen] == &out[0] {
		buf = buf[:snapshotHeaderLen+len(out)]
	} else {
		buf = append(buf, out...)
	}
	binary.BigEndian.PutUint64(buf[len(snapshotDataMagic):], uint64(len(out)))
	if yield != nil {
		yield() // between the meta part and the store's
	}
	if buf, err = j.store.AppendSnapshot(buf, yield); err != nil {
		return nil, fmt.Errorf("node: save store: %w", err)
	}
	if cap(buf)-len(buf) > len(buf)/2+1<<20 {
		buf = bytes.Clone(buf)
	}
	return buf, nil
}

// metaEstimate is about how many bytes the meta part (members and dedup records) takes.
func (j *SnapshotJob) metaEstimate() int {
	meta := j.meta
	estimate := 4096 + 16*len(meta.Removed) + 16*len(meta.Learners)
	for _, m := range meta.Members {
		estimate += 128 + len(m.Name)
		for _, u := range append(m.PeerURLs, m.ClientURLs...) {
			estimate += 8 + len(u)
		}
	}
	for _, e := range j.dedup {
		// The fields' names and numbers, and the event's JSON (an event's byte count allows for
		// its JSON names).
		estimate += 128 + resultBytes(e.r)
	}
	return estimate
}

// restoreSnapshotData replaces the replicated state with a snapshot's. On error nothing changes.
// toReplay is how many log entries the caller is about to apply on top (room is made for their IDs).
func (n *Node) restoreSnapshotData(data []byte, toReplay int) error {
	meta, storeData, err := decodeSnapshotData(data)
	if err != nil {
		return fmt.Errorf("node: corrupt snapshot: %w", err)
	}
	dd := newDedupTable(n.cfg.DedupWindow, n.cfg.DedupBytes, len(meta.Dedup)+toReplay)
	for _, rec := range meta.Dedup {
		r, err := rec.result()
		if err != nil {
			return err
		}
		dd.remember(rec.ID, r)
	}
	ms := newMembership()
	for _, m := range meta.Members {
		mm := cloneMember(m)
		ms.members[m.ID] = &mm
	}
	for _, id := range meta.Learners {
		ms.learners[id] = true
	}
	for _, id := range meta.Removed {
		ms.removed[id] = true
	}
	// Restore into the existing store (atomic: it checks the whole input first), so that watchers
	// registered before the snapshot survive and are told what they missed.
	if err := n.store.Recovery(storeData); err != nil {
		return fmt.Errorf("node: restore store from snapshot: %w", err)
	}
	n.dedup, n.members = dd, ms
	n.membershipVersion++
	return nil
}

// result is the remembered result rec holds.
func (rec *dedupRecord) result() (appliedResult, error) {
	r := appliedResult{EtcdIndex: rec.EtcdIndex, past: rec.Past, eventDropped: rec.EventDropped}
	if len(rec.Event) > 0 {
		r.Event = &store.Event{}
		if err := json.Unmarshal(rec.Event, r.Event); err != nil {
			return r, fmt.Errorf("node: corrupt snapshot dedup event: %w", err)
		}
	}
	switch {
	case len(rec.ErrJSON) > 0:
		se := &store.Error{}
		if err := json.Unmarshal(rec.ErrJSON, se); err != nil {
			return r, fmt.Errorf("node: corrupt snapshot dedup error: %w", err)
		}
		r.Err = se
	case rec.ErrText != "":
		r.Err = restoredError(rec.ErrText)
	}
	return r, nil
}

// restoredError maps a remembered error text back to the sentinel it came from.
func restoredError(text string) error {
	for _, e := range []error{ErrIDExists, ErrPeerURLExists, ErrIDNotFound, ErrIDRemoved, ErrNotLearner, ErrBadRequest} {
		if e.Error() == text {
			return e
		}
	}
	return fmt.Errorf("%s", text)
}

// decodeSnapshotData splits a snapshot's data into the state besides the store and the store's
// snapshot, which is a part of data (format 2) or of its format 1 decoding.
func decodeSnapshotData(data []byte) (snapshotMeta, []byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(snapshotDataMagic))
	if !ok {
		var sd snapshotData
		if err := decodeLegacySnapshotData(data, &sd); err != nil {
			return snapshotMeta{}, nil, err
		}
		return snapshotMeta{Members: sd.Members, Learners: sd.Learners, Removed: sd.Removed, Dedup: sd.Dedup}, sd.Store, nil
	}
	if len(rest) < 8 || binary.BigEndian.Uint64(rest) > uint64(len(rest)-8) {
		return snapshotMeta{}, nil, fmt.Errorf("bad length of the members and results (%d bytes follow)", len(rest))
	}
	size := int(binary.BigEndian.Uint64(rest))
	rest = rest[8:]
	var meta snapshotMeta
	h := &codec.MsgpackHandle{WriteExt: true}
	h.MaxInitLen = size
	if err := codec.NewDecoderBytes(rest[:size], h).Decode(&meta); err != nil {
		return snapshotMeta{}, nil, fmt.Errorf("decode members and results: %w", err)
	}
	return meta, rest[size:], nil
}

// decodeLegacySnapshotData decodes format 1 with a handle whose preallocation bound is the data's
// size. The node's shared handle reads a long byte string (the store) in 256 KiB steps, copying what
// it has at every step: quadratic, some 500 MiB of copying for a 16 MiB store. Nothing in data can
// be longer than data, so its size bounds one allocation safely.
func decodeLegacySnapshotData(data []byte, sd *snapshotData) error {
	h := &codec.MsgpackHandle{WriteExt: true}
	h.MaxInitLen = len(data)
	if err := codec.NewDecoderBytes(data, h).Decode(sd); err != nil {
		return fmt.Errorf("decode snapshot data: %w", err)
	}
	return nil
}
