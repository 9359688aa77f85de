package checker

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/internal/human"
)

// Promises checks what each node promises against what its disk keeps, node by node, so that a node
// losing its vote, its term or entries it acknowledged is seen even while the rest of the cluster
// covers for it. The simulator tells it every message a node sends, every batch written to the
// node's disk, every fsync that made those writes durable, every crash and what the node recovered
// at each boot. From the writes and fsyncs it keeps the node's durable state (hard state, snapshot,
// log) as the disk must keep it, and it checks:
//
//   - a node sends a term only once that term is durable, grants a vote only once the vote is
//     durable, acknowledges entries only once they are durable, announces as leader only a commit
//     index its own durable log reaches, and applies only durable entries;
//   - a node never overwrites entries it acknowledged with entries of the same term (only a leader
//     of a later term may replace them) nor entries it applied, and never changes its vote or lowers
//     its term on disk; nor does it reject, in the term of an acknowledgement, an append that
//     continues an entry it acknowledged (its log in memory lost what its disk may still hold);
//   - after every restart (a crash, a power failure, a failed fsync, a torn write), the node
//     recovers at least what was durable: no lower term than one it sent, no other vote than one it
//     granted in that term, every durable (so every acknowledged and every applied) entry with its
//     term. Writes not yet fsynced may be lost or, with torn writes, partly kept;
//   - a member restarts unless a disk fault in force keeps it from doing so.
//
// Like Monitor it is a plain value with no clock; times are the caller's (virtual ns).
type Promises struct {
	nodes      map[uint64]*nodePromises
	violations violationLog
	stats      PromiseStats
}

// PromiseStats counts what a Promises checked.
type PromiseStats struct {
	// Sends, Syncs and Recoveries count the observations checked.
	Sends, Syncs, Recoveries int
	// Votes and Acks count the vote grants and append acknowledgements checked.
	Votes, Acks int
	// LeaderCommitAhead counts messages in which a leader announced a commit index beyond its own
	// durable log. Raft's thesis (§10.2.1) lets a leader write its log in parallel with its
	// followers, but the node hands out commit-bearing messages only once its batch in flight is
	// durable, so each of these is a violation.
	LeaderCommitAhead int
}

// nodePromises is one node's durable state and promises.
type nodePromises struct {
	// hs and log are what the node's disk must give back (everything fsynced so far).
	hs  raft.HardState
	log termLog
	// pending are the writes since the last fsync: a crash may drop them or keep part of them.
	pending []pendingWrite
	// The promises: the highest term sent, the last vote granted, the highest acknowledgement in
	// the highest term acknowledged, the highest commit index announced as leader, the highest
	// index applied.
	sent      promise
	granted   promise
	acked     promise
	announced promise
	applied   promise
}

// promise is one promise a node made: the term (or index) it concerns, the peer, and when.
type promise struct {
	term, index, peer uint64
	at                int64
	made              bool
}

// pendingWrite is one batch written but not yet fsynced.
type pendingWrite struct {
	hs   raft.HardState
	snap raft.SnapshotMetadata
	ents termLog // the batch's entries alone
	from uint64  // index of the first entry, 0 if none
}

// NewPromises returns a checker with nothing observed.
func NewPromises() *Promises { return &Promises{nodes: map[uint64]*nodePromises{}} }

// Violations returns every broken promise, each once, in the order first seen, with its time.
func (p *Promises) Violations() []string { return p.violations.list() }

// Stats returns the counts of what was checked.
func (p *Promises) Stats() PromiseStats { return p.stats }

func (p *Promises) node(id uint64) *nodePromises {
	n := p.nodes[id]
	if n == nil {
		n = &nodePromises{}
		p.nodes[id] = n
	}
	return n
}

func (p *Promises) violate(at int64, format string, args ...any) {
	p.violations.add(at, fmt.Sprintf(format, args...))
}

// ObserveSend checks one message node handed to the network against its durable state and records
// the promise it makes.
func (p *Promises) ObserveSend(node uint64, m *raft.Message, at int64) {
	if m.Term == 0 || m.Type == raft.MsgPreVote || m.Type == raft.MsgPreVoteResp {
		// A pre-vote asks about a term the node has not entered; local and forwarded messages
		// carry no term.
		return
	}
	p.stats.Sends++
	n := p.node(node)
	if m.Term > n.hs.Term {
		p.violate(at, "n%d sent %s to n%d in term %d while its durable term was %d (a term must be durable before it is sent)",
			node, m.Type, m.To, m.Term, n.hs.Term)
	}
	if m.Term > n.sent.term {
		n.sent = promise{term: m.Term, peer: m.To, at: at, made: true}
	}
	switch m.Type {
	case raft.MsgVoteResp:
		if m.Reject {
			return
		}
		p.stats.Votes++
		if n.hs.Term < m.Term || (n.hs.Term == m.Term && n.hs.Vote != m.To) {
			p.violate(at, "n%d granted its vote in term %d to n%d while its durable term and vote were %d and n%d (a vote must be durable before it is granted)",
				node, m.Term, m.To, n.hs.Term, n.hs.Vote)
		}
		n.granted = promise{term: m.Term, peer: m.To, at: at, made: true}
	case raft.MsgAppResp:
		if m.Reject {
			p.checkRejectKeepsAcks(node, n, m, at)
			return
		}
		p.stats.Acks++
		if last := n.log.lastIndex(); m.Index > last && !n.log.replacedAfter(last, m.Term) {
			p.violate(at, "n%d acknowledged entries up to %d to n%d in term %d while its durable log ended at %d (entries must be durable before they are acknowledged)",
				node, m.Index, m.To, m.Term, last)
		}
		if m.Term > n.acked.term || (m.Term == n.acked.term && m.Index > n.acked.index) {
			n.acked = promise{term: m.Term, index: m.Index, peer: m.To, at: at, made: true}
		}
	case raft.MsgApp, raft.MsgHeartbeat:
		if m.Commit > n.announced.index {
			n.announced = promise{term: m.Term, index: m.Commit, peer: m.To, at: at, made: true}
		}
		if last := n.log.lastIndex(); m.Commit > last {
			p.stats.LeaderCommitAhead++
			p.violate(at, "n%d announced commit index %d to n%d in term %d while its durable log ended at %d (a leader's commit must count only entries durable on it)",
				node, m.Commit, m.To, m.Term, last)
		}
	}
}

// checkRejectKeepsAcks checks a rejected append against the node's acknowledgements: once a node
// acknowledged entries up to i in a term, its log matches that term's leader up to i for the rest
// of the term (only that leader's appends and snapshots change it, consistently), so rejecting an
// append of that term whose previous entry is at or below i means the node lost, in memory, entries
// it promised to keep, even though its disk may still hold them.
func (p *Promises) checkRejectKeepsAcks(node uint64, n *nodePromises, m *raft.Message, at int64) {
	if a := n.acked; a.made && m.Term == a.term && m.Index > 0 && m.Index <= a.index {
		p.violate(at, "n%d rejected an append after entry %d from n%d in term %d, but it had acknowledged entries up to %d in that term at %s (its log no longer holds entries it acknowledged)",
			node, m.Index, m.To, m.Term, a.index, human.Seconds(a.at))
	}
}

// ObserveApply checks that node applies only an entry it holds durably.
func (p *Promises) ObserveApply(node, index, term uint64, at int64) {
	n := p.node(node)
	if t, known := n.log.term(index); index > n.log.lastIndex() || (known && t != term) {
		p.violate(at, "n%d applied entry %d (term %d) that its durable log does not hold (it ends at %d; term there %d)",
			node, index, term, n.log.lastIndex(), t)
	}
	if index > n.applied.index {
		n.applied = promise{term: term, index: index, at: at, made: true}
	}
}

// ObserveSave records a batch written to node's disk, not yet durable.
func (p *Promises) ObserveSave(node uint64, hs raft.HardState, ents []raft.Entry, snap raft.SnapshotMetadata, at int64) {
	n := p.node(node)
	w := pendingWrite{hs: hs, snap: snap}
	if len(ents) > 0 {
		w.from = ents[0].Index
		w.ents.appendEntries(ents)
	}
	n.pending = append(n.pending, w)
}

// ObserveSync makes every write of node since the last fsync durable and checks what they change.
func (p *Promises) ObserveSync(node uint64, at int64) {
	p.stats.Syncs++
	n := p.node(node)
	for _, w := range n.pending {
		p.fold(node, n, w, at)
	}
	n.pending = n.pending[:0]
}

// fold applies one durable write to the node's durable state.
func (p *Promises) fold(node uint64, n *nodePromises, w pendingWrite, at int64) {
	if !w.hs.IsEmpty() {
		if w.hs.Term < n.hs.Term {
			p.violate(at, "n%d wrote term %d over its durable term %d", node, w.hs.Term, n.hs.Term)
		}
		if w.hs.Term == n.hs.Term && n.hs.Vote != 0 && w.hs.Vote != n.hs.Vote {
			p.violate(at, "n%d changed its durable vote in term %d from n%d to n%d", node, w.hs.Term, n.hs.Vote, w.hs.Vote)
		}
	}
	term := max(w.hs.Term, n.hs.Term)
	var changed uint64
	if w.snap.Index > 0 {
		changed = n.log.applySnapshot(w.snap.Index, w.snap.Term)
	}
	if w.from > 0 {
		if c := n.log.appendLog(&w.ents); c > 0 && (changed == 0 || c < changed) {
			changed = c
		}
	}
	if changed > 0 {
		if a := n.acked; a.made && changed <= a.index {
			if term <= a.term {
				p.violate(at, "n%d replaced its durable entries from %d in term %d although it acknowledged entries up to %d to n%d in that term at %s (only a later leader may replace them)",
					node, changed, term, a.index, a.peer, human.Seconds(a.at))
			}
			// What a later leader replaced is no longer promised.
			n.acked.index = changed - 1
		}
		if a := n.applied; a.made && changed <= a.index {
			p.violate(at, "n%d replaced its durable entries from %d although it applied entries up to %d at %s",
				node, changed, a.index, human.Seconds(a.at))
		}
	}
	if !w.hs.IsEmpty() {
		n.hs = w.hs
	}
}

// ObserveBootFail reports a member that could not restart, unless a disk fault in force explains it.
func (p *Promises) ObserveBootFail(node uint64, err error, diskFaulty bool, at int64) {
	if diskFaulty {
		return
	}
	p.violate(at, "n%d failed to restart on a healthy disk: %v", node, err)
}

// ObserveRecover checks what node recovered at boot (fresh: nothing at all) against what it made
// durable and what it promised, then takes the recovered state as its durable state.
func (p *Promises) ObserveRecover(node uint64, hs raft.HardState, snap raft.SnapshotMetadata, ents []raft.Entry, fresh bool, at int64) {
	p.stats.Recoveries++
	n := p.node(node)
	got := termLogOf(snap, ents)
	if fresh {
		got, hs = termLog{}, raft.HardState{}
	}
	p.checkRecovered(node, n, hs, &got, at)
	n.hs, n.log, n.pending = hs, got, n.pending[:0]
}

func (p *Promises) checkRecovered(node uint64, n *nodePromises, hs raft.HardState, got *termLog, at int64) {
	if s := n.sent; s.made && hs.Term < s.term {
		p.violate(at, "n%d recovered term %d, below term %d it sent to n%d at %s", node, hs.Term, s.term, s.peer, human.Seconds(s.at))
	}
	if g := n.granted; g.made && hs.Term == g.term && hs.Vote != g.peer {
		p.violate(at, "n%d recovered vote n%d in term %d, but it granted its vote in that term to n%d at %s",
			node, hs.Vote, g.term, g.peer, human.Seconds(g.at))
	}
	if hs.Term < n.hs.Term {
		p.violate(at, "n%d recovered term %d, below its durable term %d", node, hs.Term, n.hs.Term)
	} else if hs.Term == n.hs.Term && n.hs.Vote != 0 && hs.Vote != n.hs.Vote {
		p.violate(at, "n%d recovered vote n%d in term %d, but its durable vote was n%d", node, hs.Vote, hs.Term, n.hs.Vote)
	}
	if a := n.acked; a.made && got.lastIndex() < a.index && !n.survivingTruncation(got) {
		p.violate(at, "n%d recovered a log ending at %d, but it acknowledged entries up to %d to n%d in term %d at %s",
			node, got.lastIndex(), a.index, a.peer, a.term, human.Seconds(a.at))
	}
	if a := n.announced; a.made && got.lastIndex() < a.index {
		p.violate(at, "n%d recovered a log ending at %d, but it announced commit index %d to n%d in term %d at %s",
			node, got.lastIndex(), a.index, a.peer, a.term, human.Seconds(a.at))
	}
	if a := n.applied; a.made && got.lastIndex() < a.index {
		p.violate(at, "n%d recovered a log ending at %d, but it had applied entries up to %d at %s",
			node, got.lastIndex(), a.index, human.Seconds(a.at))
	}
	p.checkLogKept(node, n, got, at)
	p.checkNothingResurrected(node, n, got, at)
}

// checkLogKept checks that the recovered log holds every durable entry with its term.
func (p *Promises) checkLogKept(node uint64, n *nodePromises, got *termLog, at int64) {
	want := &n.log
	if got.lastIndex() < want.lastIndex() && !n.survivingTruncation(got) {
		p.violate(at, "n%d recovered a log ending at %d, but entries up to %d were durable", node, got.lastIndex(), want.lastIndex())
		return
	}
	// Compare run by run: each durable run's entries must be in the recovered log with their term
	// (where the recovered snapshot covers them, only its own index can be compared).
	for k, r := range want.runs {
		end := want.last
		if k+1 < len(want.runs) {
			end = want.runs[k+1].start - 1
		}
		for i := max(r.start, got.snapIndex); i <= end && i <= got.lastIndex(); {
			t, known := got.term(i)
			if known && t != r.term && !n.pendingHas(i, t) {
				p.violate(at, "n%d recovered entry %d with term %d, but the durable entry there had term %d", node, i, t, r.term)
				return
			}
			i = got.nextChange(i)
		}
	}
}

// survivingTruncation reports whether a write not yet fsynced, which a crash may partly keep,
// explains a recovered log shorter than the durable one: it replaced the entries from its first
// index on, and the recovered log holds that first entry as the write had it.
func (n *nodePromises) survivingTruncation(got *termLog) bool {
	for _, w := range n.pending {
		if w.from > 0 && w.from <= got.lastIndex() {
			t, _ := got.term(w.from)
			if wt, _ := w.ents.term(w.from); t == wt {
				return true
			}
		}
		if w.snap.Index > 0 && got.snapIndex == w.snap.Index {
			return true
		}
	}
	return false
}

// pendingHas reports whether a write not yet fsynced put an entry of term t at index i, or a
// snapshot whose last entry is i of term t (a snapshot that conflicts with the log replaces all of
// it, and a crash may keep that write).
func (n *nodePromises) pendingHas(i, t uint64) bool {
	for _, w := range n.pending {
		if wt, ok := w.ents.term(i); ok && w.from > 0 && i >= w.from && wt == t {
			return true
		}
		if w.snap.Index == i && w.snap.Term == t {
			return true
		}
	}
	return false
}
