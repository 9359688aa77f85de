package raft

// unstable holds the entries and the snapshot that raft accepted but the host has not yet made
// durable. entries[i] has index offset+i.
type unstable struct {
	snapshot *Snapshot
	entries  []Entry
	offset   uint64
}

// maybeFirstIndex is the first index if a snapshot is pending.
func (u *unstable) maybeFirstIndex() (uint64, bool) {
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index + 1, true
	}
	return 0, false
}

// maybeLastIndex is the last index if there are unstable entries or a pending snapshot.
func (u *unstable) maybeLastIndex() (uint64, bool) {
	if l := len(u.entries); l != 0 {
		return u.offset + uint64(l) - 1, true
	}
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index, true
	}
	return 0, false
}

// maybeTerm is the term of entry i if the unstable part knows it.
func (u *unstable) maybeTerm(i uint64) (uint64, bool) {
	if i < u.offset {
		if u.snapshot != nil && u.snapshot.Metadata.Index == i {
			return u.snapshot.Metadata.Term, true
		}
		return 0, false
	}
	last, ok := u.maybeLastIndex()
	if !ok || i > last {
		return 0, false
	}
	return u.entries[i-u.offset].Term, true
}

// stableTo marks entries up to i (with term t) durable. A mismatch means the entries were replaced
// after the Ready was handed out; then nothing is marked.
func (u *unstable) stableTo(i, t uint64) {
	gt, ok := u.maybeTerm(i)
	if !ok || gt != t || i < u.offset {
		return
	}
	// The rest of the array stays: later entries go behind the ones handed out, never over them.
	u.entries = u.entries[i+1-u.offset:]
	u.offset = i + 1
}

// stableSnapTo marks the pending snapshot at index i durable.
func (u *unstable) stableSnapTo(i uint64) {
	if u.snapshot != nil && u.snapshot.Metadata.Index == i {
		u.snapshot = nil
	}
}

func (u *unstable) restore(s Snapshot) {
	u.offset = s.Metadata.Index + 1
	u.entries = nil
	u.snapshot = &s
}

// minUnstableRoom is the fewest entries a newly allocated unstable array has room for. Entries
// usually arrive a few at a time and leave (stableTo) as fast, so without spare room every append
// would allocate.
const minUnstableRoom = 64

// truncateAndAppend appends ents, replacing any unstable suffix they overlap. It never writes into
// a slice it handed out: it only appends behind the entries it holds, or starts a new array.
func (u *unstable) truncateAndAppend(ents []Entry) {
	after := ents[0].Index
	switch {
	case after == u.offset+uint64(len(u.entries)):
		if need := len(u.entries) + len(ents); need > cap(u.entries) {
			grown := make([]Entry, len(u.entries), max(2*need, minUnstableRoom))
			copy(grown, u.entries)
			u.entries = grown
		}
		u.entries = append(u.entries, ents...)
	case after <= u.offset:
		u.offset = after
		u.entries = append([]Entry(nil), ents...)
	default:
		kept := u.entries[:after-u.offset]
		u.entries = append(append(make([]Entry, 0, len(kept)+len(ents)), kept...), ents...)
	}
}
