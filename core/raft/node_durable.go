package raft

// CommittedDurable hands out the committed entries the host may apply before its next Ready: those
// already durable (below the entries still waiting for the host's persist, with no snapshot
// pending) and not handed out yet, up to the first membership change (left to Ready). It returns
// nil while an earlier Ready's committed entries are out and not yet reported by Advance, so that
// entries are always handed out in order. A host that writes one batch at a time calls it while a
// batch is in flight: an entry committed meanwhile (an acknowledgement came in during the fsync of
// the next batch) is applied at once instead of after that fsync. The host reports the entries
// applied with AdvanceApplied; Ready does not hand them out again.
func (n *Node) CommittedDurable() []Entry {
	l := n.r.log
	if l.unstable.snapshot != nil || l.applying > l.applied {
		return nil
	}
	lo := max(l.applied, l.firstIndex()-1) + 1
	hi := min(l.committed, l.unstable.offset-1)
	if lo > hi {
		return nil
	}
	ents, err := l.slice(lo, hi+1, noLimit)
	if err != nil {
		return nil
	}
	for i, e := range ents {
		if e.Type == EntryConfChange {
			ents = ents[:i]
			break
		}
	}
	if len(ents) == 0 {
		return nil
	}
	l.applying = ents[len(ents)-1].Index
	return ents
}

// AdvanceApplied tells the node that the host applied ents, as handed out by CommittedDurable.
func (n *Node) AdvanceApplied(ents []Entry) {
	k := len(ents)
	if k == 0 {
		return
	}
	r := n.r
	r.log.appliedTo(ents[k-1].Index)
	if r.state == RoleLeader {
		r.reduceUncommittedSize(ents)
	}
}
