package checker

import "github.com/raftlab/raftlab/core/raft"

// The simulator hands the monitor every node's whole log every second, and most of it is what the
// monitor saw the time before. logMemo remembers, per node, each entry as last observed: its term, the
// identity of its data (the address and length of the byte slice) and the data's hash. An entry found
// again with the same term and the very same bytes was already checked for log matching and, if it was
// committed then, for committed entries never changing; checking it again would find the same thing,
// so ObserveLog only hashes and checks entries that are new or replaced. (An entry whose bytes were
// overwritten in place would go unseen: Raft never does that, and this monitor checks Raft's
// invariants, not memory safety.)
type logMemo struct {
	first uint64     // index of items[0]
	items []memoItem // the log as last observed
	spare []memoItem // the slice before that, reused for the next observation
}

type memoItem struct {
	term      uint64
	data      *byte
	size      int
	hash      uint64
	committed bool
}

// lookup returns what was remembered of e's index, and whether e is that very entry.
func (l *logMemo) lookup(e raft.Entry) (memoItem, bool) {
	if e.Index < l.first || e.Index-l.first >= uint64(len(l.items)) {
		return memoItem{}, false
	}
	old := l.items[e.Index-l.first]
	return old, old.term == e.Term && old.size == len(e.Data) && old.data == dataPtr(e.Data)
}

// dataPtr is the address of b's first byte, nil when b is empty.
func dataPtr(b []byte) *byte {
	if len(b) == 0 {
		return nil
	}
	return &b[0]
}
