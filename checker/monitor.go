package checker

import (
	"fmt"
	"sort"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/internal/human"
)

// Monitor checks Raft's safety invariants as a run goes, from observations the simulator feeds it.
// It is a plain value with no clock or goroutines: times are whatever the caller passes (virtual ns).
// The zero value is not ready; use NewMonitor.
type Monitor struct {
	leaders     map[uint64]roleSeen // term -> first node seen leading it
	leading     map[uint64]uint64   // node -> term it currently leads
	terms       map[uint64]uint64   // node -> highest term seen since it (re)started
	newLeader   map[uint64]roleSeen // node -> term and time of an election whose log is yet to be checked
	commits     map[uint64]uint64   // node -> last commit index seen since it (re)started
	lastApplied map[uint64]uint64   // node -> last index applied since it (re)started
	applied     map[uint64]entrySeen
	logEntries  map[termIndex]logSeen
	committed   map[uint64]entrySeen // index -> the entry some node reported committed there
	acked       map[string]uint64    // key -> highest acknowledged write index
	deletes     map[string]bool      // keys some client tried to delete
	logMemos    map[uint64]*logMemo  // node -> its log as last observed
	violations  violationLog
}

// roleSeen is who (or, in newLeader, which term) and when.
type roleSeen struct {
	node uint64
	at   int64
}

type entrySeen struct {
	node, term, hash uint64
	at               int64
	// inTerm is the term of the node that reported the commit (committed entries only): the entry
	// was committed in that term or before.
	inTerm uint64
}

type termIndex struct{ term, index uint64 }

type logSeen struct {
	node, hash, prevTerm uint64
	hasPrev              bool
	at                   int64
}

// NewMonitor returns a monitor with nothing observed.
func NewMonitor() *Monitor {
	return &Monitor{
		leaders:     map[uint64]roleSeen{},
		leading:     map[uint64]uint64{},
		terms:       map[uint64]uint64{},
		newLeader:   map[uint64]roleSeen{},
		commits:     map[uint64]uint64{},
		lastApplied: map[uint64]uint64{},
		applied:     map[uint64]entrySeen{},
		logEntries:  map[termIndex]logSeen{},
		committed:   map[uint64]entrySeen{},
		acked:       map[string]uint64{},
		deletes:     map[string]bool{},
		logMemos:    map[uint64]*logMemo{},
	}
}

func (m *Monitor) violate(at int64, format string, args ...interface{}) {
	m.violations.add(at, fmt.Sprintf(format, args...))
}

// Violations returns every invariant broken so far, each distinct violation once, in the order first
// observed, with the time it was first observed, the node(s) and what broke. At most 100 are listed;
// a final line counts the distinct ones left out, and another the repeated sightings suppressed.
func (m *Monitor) Violations() []string {
	return m.violations.list()
}

// ObserveRole records node's role in term. Election safety: at most one leader per term. A node's term
// never goes back while it is up. When isLeader is true, the next ObserveLog of node is checked for
// leader completeness.
func (m *Monitor) ObserveRole(node, term uint64, isLeader bool, at int64) {
	if prev, ok := m.terms[node]; ok && term < prev {
		m.violate(at, "term of node %d went back from %d to %d", node, prev, term)
	} else {
		m.terms[node] = term
	}
	if !isLeader {
		delete(m.leading, node)
		delete(m.newLeader, node)
		return
	}
	if m.leading[node] == term {
		return
	}
	m.leading[node] = term
	m.newLeader[node] = roleSeen{node: term, at: at}
	first, ok := m.leaders[term]
	if !ok {
		m.leaders[term] = roleSeen{node: node, at: at}
		return
	}
	if first.node != node {
		m.violate(at, "election safety: two leaders in term %d: node %d (since %s) and node %d", term, first.node, human.Seconds(first.at), node)
	}
}

// ObserveRestart records that node crashed and restarted: it leads nothing, and its term, commit and
// apply progress may be re-learned from scratch.
func (m *Monitor) ObserveRestart(node uint64, at int64) {
	delete(m.terms, node)
	delete(m.leading, node)
	delete(m.newLeader, node)
	delete(m.commits, node)
	delete(m.lastApplied, node)
	delete(m.logMemos, node)
}

// ObserveCommit records node's commit index. While a node stays up its commit index never goes back.
func (m *Monitor) ObserveCommit(node, commitIndex uint64, at int64) {
	if prev, ok := m.commits[node]; ok && commitIndex < prev {
		m.violate(at, "commit index of node %d went back from %d to %d", node, prev, commitIndex)
	}
	m.commits[node] = commitIndex
}

// ObserveApply records that node applied the entry at index with term and a hash of its data (any
// hash, the same function for every node; EntryHash will do). State-machine safety: no two nodes
// apply different entries at one index, and a node applies in increasing index order while up.
func (m *Monitor) ObserveApply(node, index, term uint64, dataHash uint64, at int64) {
	if last, ok := m.lastApplied[node]; ok && index <= last {
		m.violate(at, "node %d applied raft index %d after raft index %d", node, index, last)
	}
	m.lastApplied[node] = index
	seen := entrySeen{node: node, term: term, hash: dataHash, at: at}
	first, ok := m.applied[index]
	if !ok {
		m.applied[index] = seen
	} else if first.term != term || first.hash != dataHash {
		m.violate(at, "state-machine safety: node %d applied %s at raft index %d, but node %d applied %s there at %s",
			node, describeEntry(term, dataHash), index, first.node, describeEntry(first.term, first.hash), human.Seconds(first.at))
	}
	if c, ok := m.committed[index]; ok && c.term != term {
		m.violate(at, "state-machine safety: node %d applied term %d at raft index %d, but node %d committed term %d there at %s",
			node, term, index, c.node, c.term, human.Seconds(c.at))
	}
}

func describeEntry(term, hash uint64) string { return fmt.Sprintf("term %d (data %016x)", term, hash) }

// ObserveLog records node's log (its entries after the last snapshot, in index order) and commit
// index. It checks log matching (an index and term identify the same data and the same history before
// it in every log), that entries once committed never change, and, on the first call after node became
// leader, leader completeness: the new leader's log holds every entry committed before.
func (m *Monitor) ObserveLog(node uint64, entries []raft.Entry, commit uint64, at int64) {
	memo := m.logMemos[node]
	if memo == nil {
		memo = &logMemo{}
		m.logMemos[node] = memo
	}
	next := memo.spare[:0]
	if cap(next) < len(entries) {
		next = make([]memoItem, 0, len(entries)+len(entries)/4) // room to grow before the next sample
	}
	for i, e := range entries {
		old, same := memo.lookup(e)
		seen := logSeen{node: node, hash: old.hash, at: at}
		if i > 0 {
			seen.prevTerm, seen.hasPrev = entries[i-1].Term, true
		}
		if !same {
			seen.hash = EntryHash(e.Data)
			m.matchLog(e, seen)
		}
		committed := same && old.committed
		if e.Index <= commit && !committed {
			m.commit(node, e, seen.hash, at)
			committed = true
		}
		next = append(next, memoItem{term: e.Term, data: dataPtr(e.Data), size: len(e.Data), hash: seen.hash, committed: committed})
	}
	memo.spare = memo.items
	memo.items = next
	if len(entries) > 0 {
		memo.first = entries[0].Index
	}
	if elected, ok := m.newLeader[node]; ok {
		delete(m.newLeader, node)
		m.checkCompleteness(node, elected.node, elected.at, entries, at)
	}
}

func (m *Monitor) matchLog(e raft.Entry, seen logSeen) {
	key := termIndex{term: e.Term, index: e.Index}
	first, ok := m.logEntries[key]
	switch {
	case !ok:
		m.logEntries[key] = seen
	case first.hash != seen.hash:
		m.violate(seen.at, "log matching: node %d has different data at raft index %d term %d than node %d had at %s",
			seen.node, e.Index, e.Term, first.node, human.Seconds(first.at))
	case seen.hasPrev && first.hasPrev && first.prevTerm != seen.prevTerm:
		m.violate(seen.at, "log matching: node %d has term %d before raft index %d term %d, node %d had term %d at %s",
			seen.node, seen.prevTerm, e.Index, e.Term, first.node, first.prevTerm, human.Seconds(first.at))
	case seen.hasPrev && !first.hasPrev:
		first.prevTerm, first.hasPrev = seen.prevTerm, true
		m.logEntries[key] = first
	}
}

func (m *Monitor) commit(node uint64, e raft.Entry, hash uint64, at int64) {
	first, ok := m.committed[e.Index]
	if !ok {
		m.committed[e.Index] = entrySeen{node: node, term: e.Term, hash: hash, at: at, inTerm: m.terms[node]}
		return
	}
	if first.term != e.Term || first.hash != hash {
		m.violate(at, "committed entry changed: node %d has %s committed at raft index %d, node %d had %s at %s",
			node, describeEntry(e.Term, hash), e.Index, first.node, describeEntry(first.term, first.hash), human.Seconds(first.at))
	}
}

func (m *Monitor) checkCompleteness(node, term uint64, electedAt int64, entries []raft.Entry, at int64) {
	var first, last uint64
	if len(entries) > 0 {
		first, last = entries[0].Index, entries[len(entries)-1].Index
	}
	indexes := make([]uint64, 0, len(m.committed))
	for index := range m.committed {
		indexes = append(indexes, index)
	}
	sort.Slice(indexes, func(i, j int) bool { return indexes[i] < indexes[j] })
	for _, index := range indexes {
		c := m.committed[index]
		if c.at > electedAt || (len(entries) > 0 && index < first) {
			continue // committed later, or compacted into the leader's snapshot
		}
		if c.inTerm >= term {
			// Reported in the leader's term or later: a stale leader (votes held while it was
			// paused, counted on resume) owes only what was committed before its term.
			continue
		}
		if len(entries) == 0 || index > last {
			m.violate(at, "leader completeness: node %d leads term %d without raft index %d (term %d), committed by node %d at %s",
				node, term, index, c.term, c.node, human.Seconds(c.at))
			return
		}
		pos := index - first
		if pos >= uint64(len(entries)) || entries[pos].Index != index {
			continue // the caller's slice is not contiguous; nothing sound to say
		}
		if have := entries[pos]; have.Term != c.term {
			m.violate(at, "leader completeness: node %d leads term %d with term %d at raft index %d, but term %d was committed there by node %d at %s",
				node, term, have.Term, index, c.term, c.node, human.Seconds(c.at))
			return
		}
	}
}
