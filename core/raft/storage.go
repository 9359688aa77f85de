package raft

import (
	"fmt"
	"sort"
)

// Storage is raft's read-only view of the durable log. The host writes to it (usually a
// MemoryStorage mirrored from its write-ahead log) after it has persisted a Ready.
type Storage interface {
	// InitialState returns the saved HardState and ConfState.
	InitialState() (HardState, ConfState, error)
	// Entries returns the entries in [lo, hi), limited to maxSize bytes but at least one entry.
	Entries(lo, hi, maxSize uint64) ([]Entry, error)
	// Term returns the term of entry i, which must be in [FirstIndex()-1, LastIndex()].
	Term(i uint64) (uint64, error)
	// LastIndex returns the index of the last entry in the log.
	LastIndex() (uint64, error)
	// FirstIndex returns the index of the first entry that is still available (older ones are
	// compacted into the snapshot).
	FirstIndex() (uint64, error)
	// Snapshot returns the most recent snapshot.
	Snapshot() (Snapshot, error)
}

// MemoryStorage is the reference in-memory Storage. ents[0] is a dummy entry holding the index
// and term of the last compacted entry (the snapshot point). It is not safe for concurrent use.
type MemoryStorage struct {
	hardState HardState
	snapshot  Snapshot
	ents      []Entry
}

// NewMemoryStorage returns an empty storage.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{ents: make([]Entry, 1)}
}

// InitialState implements Storage.
func (ms *MemoryStorage) InitialState() (HardState, ConfState, error) {
	return ms.hardState, cloneConfState(ms.snapshot.Metadata.ConfState), nil
}

// SetHardState saves the current HardState.
func (ms *MemoryStorage) SetHardState(st HardState) error {
	ms.hardState = st
	return nil
}

func (ms *MemoryStorage) offset() uint64 { return ms.ents[0].Index }

func (ms *MemoryStorage) lastIndex() uint64 { return ms.ents[0].Index + uint64(len(ms.ents)) - 1 }

// Entries implements Storage.
func (ms *MemoryStorage) Entries(lo, hi, maxSize uint64) ([]Entry, error) {
	offset := ms.offset()
	if lo <= offset {
		return nil, ErrCompacted
	}
	if hi > ms.lastIndex()+1 {
		return nil, fmt.Errorf("entries [%d, %d) beyond last index %d: %w", lo, hi, ms.lastIndex(), ErrUnavailable)
	}
	if lo >= hi {
		return nil, nil
	}
	ents := ms.ents[lo-offset : hi-offset]
	return limitSize(ents, maxSize), nil
}

// Term implements Storage.
func (ms *MemoryStorage) Term(i uint64) (uint64, error) {
	offset := ms.offset()
	if i < offset {
		return 0, ErrCompacted
	}
	if i-offset >= uint64(len(ms.ents)) {
		return 0, ErrUnavailable
	}
	return ms.ents[i-offset].Term, nil
}

// LastIndex implements Storage.
func (ms *MemoryStorage) LastIndex() (uint64, error) { return ms.lastIndex(), nil }

// FirstIndex implements Storage.
func (ms *MemoryStorage) FirstIndex() (uint64, error) { return ms.offset() + 1, nil }

// Snapshot implements Storage.
func (ms *MemoryStorage) Snapshot() (Snapshot, error) { return ms.snapshot, nil }

// ApplySnapshot replaces the storage's contents with the snapshot. An older snapshot is refused
// with ErrSnapOutOfDate.
func (ms *MemoryStorage) ApplySnapshot(snap Snapshot) error {
	if snap.Metadata.Index <= ms.snapshot.Metadata.Index {
		return ErrSnapOutOfDate
	}
	ms.snapshot = snap
	ms.ents = []Entry{{Term: snap.Metadata.Term, Index: snap.Metadata.Index}}
	return nil
}

// CreateSnapshot records a snapshot of the state machine at applied index i (which must be in the
// log) with membership cs (nil keeps the previous one) and data, and returns it. Call Compact
// afterwards to drop the entries it covers.
func (ms *MemoryStorage) CreateSnapshot(i uint64, cs *ConfState, data []byte) (Snapshot, error) {
	if i <= ms.snapshot.Metadata.Index {
		return Snapshot{}, ErrSnapOutOfDate
	}
	if i > ms.lastIndex() {
		return Snapshot{}, fmt.Errorf("snapshot index %d beyond last index %d: %w", i, ms.lastIndex(), ErrUnavailable)
	}
	ms.snapshot.Metadata.Index = i
	ms.snapshot.Metadata.Term = ms.ents[i-ms.offset()].Term
	if cs != nil {
		ms.snapshot.Metadata.ConfState = cloneConfState(*cs)
	}
	ms.snapshot.Data = data
	return ms.snapshot, nil
}

// Compact discards all entries before compactIndex; compactIndex itself becomes the dummy entry.
// It must not be beyond the last index.
func (ms *MemoryStorage) Compact(compactIndex uint64) error {
	offset := ms.offset()
	if compactIndex <= offset {
		return ErrCompacted
	}
	if compactIndex > ms.lastIndex() {
		return fmt.Errorf("compact %d beyond last index %d: %w", compactIndex, ms.lastIndex(), ErrUnavailable)
	}
	i := compactIndex - offset
	ents := make([]Entry, 1, uint64(len(ms.ents))-i)
	ents[0] = Entry{Index: ms.ents[i].Index, Term: ms.ents[i].Term}
	ms.ents = append(ents, ms.ents[i+1:]...)
	return nil
}

// Append adds entries to the log. Entries that are already compacted are skipped; an entry that
// conflicts with a stored one replaces it and everything after it. A gap is refused.
func (ms *MemoryStorage) Append(entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	first := ms.offset() + 1
	last := entries[len(entries)-1].Index
	if last < first {
		return nil
	}
	if first > entries[0].Index {
		entries = entries[first-entries[0].Index:]
	}
	at := entries[0].Index - ms.offset()
	switch {
	case uint64(len(ms.ents)) > at:
		ms.ents = append(ms.ents[:at:at], entries...)
	case uint64(len(ms.ents)) == at:
		ms.ents = append(ms.ents, entries...)
	default:
		return fmt.Errorf("append at %d leaves a gap after last index %d: %w", entries[0].Index, ms.lastIndex(), ErrUnavailable)
	}
	return nil
}

// limitSize returns the longest prefix of ents whose total payload size is at most maxSize, but
// always at least one entry.
func limitSize(ents []Entry, maxSize uint64) []Entry {
	if len(ents) == 0 || maxSize == noLimit {
		return ents
	}
	size := entrySize(ents[0])
	n := 1
	for ; n < len(ents); n++ {
		size += entrySize(ents[n])
		if size > maxSize {
			break
		}
	}
	return ents[:n]
}

// entrySize is the size an entry counts for batching and uncommitted-size limits.
func entrySize(e Entry) uint64 { return uint64(len(e.Data)) + 24 }

func cloneConfState(cs ConfState) ConfState {
	return ConfState{Voters: cloneIDs(cs.Voters), Learners: cloneIDs(cs.Learners)}
}

func cloneIDs(ids []uint64) []uint64 {
	if len(ids) == 0 {
		return nil
	}
	out := append([]uint64(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
