package raft

// EntriesBetween returns the entries of Entries with indexes in [lo, hi], clipped to the log this
// node holds (after its snapshot, up to its last index); nil when none is left. It costs what the
// range costs, not what the whole log does: observers that follow applied entries one batch at a
// time use it instead of Entries.
func (n *Node) EntriesBetween(lo, hi uint64) []Entry {
	l := n.r.log
	lo, hi = max(lo, l.firstIndex()), min(hi, l.lastIndex())
	if lo > hi {
		return nil
	}
	ents, err := l.slice(lo, hi+1, noLimit)
	if err != nil {
		return nil
	}
	return ents
}
