package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// snapshotMatchKey is the key the matching-snapshot script writes its burst under.
const snapshotMatchKey = "/narrow/snapmatch"

// snapshotMatchScript sends a snapshot to a follower that already holds its last entry and
// entries after it, with roles and timings drawn from the seed (the suite snapshots every 16
// entries, keeps 1, and sends one entry per append):
//
//	(a) a leader L with its log committed; a follower F's acknowledgements to L are held back on
//	    their link, and F takes only the appends L sends before its commit index moves: a burst of
//	    writes reaches F whole while F's commit index stays where it was;
//	(b) the others commit the burst and L compacts its log past what it knows F holds: once an
//	    append F cannot match reaches it (the appends in between are lost), F refuses it and L
//	    sends it a snapshot of an index inside the burst, above F's commit index;
//	(c) once F took the snapshot, its held acknowledgements reach L: F must keep the entries past
//	    the snapshot it acknowledged (Figure 13, rule 6) and end with the same log as the others.
func snapshotMatchScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x736d61746368, stop, "matching snapshot")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			f := s.pick(s.others(l))
			w := &snapshotMatch{s: s, l: l, f: f, commit: commitOf(s, l), known: s.lastIndex(f)}
			s.sim.Net().Intercept(w.rule)
			burst := 24 + s.rng.IntN(12)
			s.act("(a) %s leads term %d: hold %s's acknowledgements (last index %d), write %d keys", s.name(l), term,
				s.name(f), w.known, burst)
			for i := range burst {
				s.do(l, netsim.Request{Kind: netsim.ReqSet, Key: fmt.Sprintf("%s-%d", snapshotMatchKey, i),
					Value: fmt.Sprintf("v%d", i)}, 2*second)
			}
			s.when("the leader to compact past "+s.name(f), 3*second, w.compacted, w.refuse)
		})
	})
	return s
}

// snapshotMatchFast is how many entries past the window's commit index the others acknowledge
// at once (the snapshot falls among them: the suite snapshots every 16 entries); their
// acknowledgements of later entries are snapshotMatchSlow on the wire, so that L's commit index,
// and with it its snapshot, stays inside F's burst while the script runs.
const (
	snapshotMatchFast       = 20
	snapshotMatchSlow int64 = 400 * ms
)

// snapshotMatch is the state of the matching-snapshot script's message rule.
type snapshotMatch struct {
	s    *script
	l, f uint64
	// commit is L's commit index when the window opened: F takes only appends carrying it.
	commit uint64
	// known bounds what L knows F holds (F's last index when its acknowledgements were held).
	known uint64
	// last is F's last index once L compacted (0 before): appends after it are let through.
	last uint64
	// snapshot is the index of the snapshot L sent F (0 before).
	snapshot uint64
}

// rule holds F's acknowledgements to L, lets through to F the appends carrying the window's
// commit index or (once L compacted) those F cannot match, and drops L's other appends to F.
func (w *snapshotMatch) rule(m *raft.Message) int64 {
	switch {
	case m.From == w.f && m.To == w.l && m.Type == raft.MsgAppResp && !m.Reject:
		return netsim.HoldMessage
	case m.To == w.l && m.Type == raft.MsgAppResp && !m.Reject && m.Index > w.commit+snapshotMatchFast:
		return snapshotMatchSlow
	case m.From == w.l && m.To == w.f && m.Type == raft.MsgSnap && m.Snapshot != nil:
		w.snapshot = m.Snapshot.Metadata.Index
	case m.From == w.l && m.To == w.f && m.Type == raft.MsgApp:
		if m.Commit <= w.commit || (w.last > 0 && m.Index > w.last) {
			return 0
		}
		return netsim.DropMessage
	}
	return 0
}

// compacted reports whether L's log starts past what it knows F holds.
func (w *snapshotMatch) compacted() bool {
	log := w.s.sim.Log(w.l)
	return len(log) > 0 && log[0].Index > w.known+1
}

// refuse (b): lets through the appends F cannot match, and waits for F to take L's snapshot.
func (w *snapshotMatch) refuse() {
	w.last = w.s.lastIndex(w.f)
	w.s.act("(b) %s's log starts at %d; %s holds up to %d, commit %d: let through appends it cannot match",
		w.s.name(w.l), w.s.sim.Log(w.l)[0].Index, w.s.name(w.f), w.last, commitOf(w.s, w.f))
	// Two writes: L's append of the first F could match (dropped), of the second it cannot.
	for i := range 2 {
		w.s.do(w.l, netsim.Request{Kind: netsim.ReqSet, Key: fmt.Sprintf("%s-next-%d", snapshotMatchKey, i),
			Value: "v"}, 2*second)
	}
	w.s.when(w.s.name(w.f)+" to take a snapshot", 3*second, func() bool {
		return w.snapshot > 0 && commitOf(w.s, w.f) >= w.snapshot
	}, func() {
		kept := "its log ends there"
		if last := w.s.lastIndex(w.f); last > w.snapshot {
			kept = fmt.Sprintf("it keeps its entries past it, up to %d", last)
		}
		w.s.act("(c) %s took the snapshot of %d, %s: release its acknowledgements", w.s.name(w.f), w.snapshot, kept)
		w.s.sim.Net().Intercept(nil)
		w.s.sim.Net().ReleaseHeld()
	})
}

// snapshotMatchSuite is the narrow suite of snapshotMatchScript.
func snapshotMatchSuite() Suite {
	s := narrow("narrow-snapshot-matching-log", "a follower whose acknowledgements are held back is sent a snapshot "+
		"of an entry it already holds, with acknowledged entries after it", snapshotMatchScript)
	s.Node.SnapshotCount, s.Node.SnapshotCatchUpEntries = 16, 1
	s.Node.MaxSizePerMsg = 1 // one entry per append: the others' commit index moves entry by entry
	return s
}
