package observe

import (
	"sort"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
)

// expiry turns what Committed sees into the history records of the cluster's TTL expiries (see
// checker/history: expire and sync records) and remembers the expiration of every TTL write.
//
// An expiry takes effect when its entry commits, which is after the entry was proposed and before
// any node applies it. The record's interval must contain that instant (or the checker could report
// a violation that is not there):
//   - a sync record (one per expiry entry, scanned from the followed node's log) gets [t, t] with t
//     the first time any node's commit index reached the entry: the leader learned it first;
//   - an expire record (one per expire event) gets [first commit of the entries not yet drained,
//     the time it was drained]: its entry is one of those, and was applied before it was drained.
//
// Its clock is the highest leader clock among the expiry entries of those entries (almost always
// exactly one), or 0 when none could be read (its entry was compacted into a snapshot): the checker
// then only asks that the key had a TTL.
type expiry struct {
	// commits are the steps of the highest commit index any node reached, ascending, from the
	// first one the next record may need.
	commits []commitStep
	// drained is the highest raft index the followed node had applied at a drain; scanned the
	// highest whose entry was looked at for a sync.
	drained, scanned uint64
	// ttl is set once a write with a TTL was seen: before it, no entry is an expiry entry.
	ttl bool
	// pending are the expire events drained but not yet recorded.
	pending []history.WatchEvent
	// expirations maps the index of every TTL write to its expiration (unix ns).
	expirations map[uint64]int64
	records     []history.Op
}

// commitStep is the first time (virtual ns) any node's commit index reached commit.
type commitStep struct {
	commit uint64
	at     int64
}

// committed notes a node's commit index.
func (e *expiry) committed(commit uint64, at int64) {
	if n := len(e.commits); n > 0 && e.commits[n-1].commit >= commit {
		return
	}
	e.commits = append(e.commits, commitStep{commit: commit, at: at})
}

// commitTime is the first time any node's commit index reached index (0 when none has yet).
func (e *expiry) commitTime(index uint64) int64 {
	i := sort.Search(len(e.commits), func(i int) bool { return e.commits[i].commit >= index })
	if i == len(e.commits) {
		return 0
	}
	return e.commits[i].at
}

// event looks at one drained event: the expiration of a TTL write, or an expire to record.
func (e *expiry) event(ev history.WatchEvent, expiration int64) {
	switch {
	case ev.Action == "expire":
		e.pending = append(e.pending, ev)
	case expiration != 0:
		e.ttl = true
		if e.expirations == nil {
			e.expirations = map[uint64]int64{}
		}
		e.expirations[ev.Index] = expiration
	}
}

// applied records the expiry entries among the followed node's entries up to applied and the
// expire events drained so far, at virtual time now. log reads the node's entries in [lo, hi].
func (e *expiry) applied(applied uint64, now int64, log func(lo, hi uint64) []entryClock) {
	clock := int64(0)
	if e.ttl && applied > e.scanned {
		for _, s := range log(e.scanned+1, applied) {
			at := e.commitTime(s.index)
			e.records = append(e.records, history.Op{Kind: history.KindSync, Call: at, Return: at,
				Outcome: history.OutcomeOK, Clock: s.clock})
			clock = max(clock, s.clock)
		}
	}
	e.scanned = max(e.scanned, applied)
	if len(e.pending) > 0 {
		from := e.commitTime(e.drained + 1)
		for _, ev := range e.pending {
			e.records = append(e.records, history.Op{Kind: history.KindExpire, Key: ev.Key, Call: from,
				Return: now, Outcome: history.OutcomeOK, Index: ev.Index, Clock: clock})
		}
		e.pending = e.pending[:0]
	}
	e.drained = max(e.drained, applied)
	// Later records need commit times from drained+1 on only.
	i := sort.Search(len(e.commits), func(i int) bool { return e.commits[i].commit > e.drained })
	if i > 0 && i > len(e.commits)/2 {
		e.commits = append(e.commits[:0], e.commits[i:]...)
	}
}

// entryClock is an expiry entry's raft index and leader clock reading.
type entryClock struct {
	index uint64
	clock int64
}

// syncClocks picks the expiry entries out of a node's entries.
func syncClocks(entries []raft.Entry) []entryClock {
	var out []entryClock
	for _, en := range entries {
		if clock, ok := node.SyncClock(en); ok {
			out = append(out, entryClock{index: en.Index, clock: clock})
		}
	}
	return out
}

// withExpiry returns ops with the expiration of every ok TTL write filled in and the expiry
// records merged in, all in return order (ops keep their relative order).
func (e *expiry) withExpiry(ops []history.Op) []history.Op {
	out := make([]history.Op, 0, len(ops)+len(e.records))
	for _, op := range ops {
		if exp, ok := e.expirations[op.Index]; ok && op.Outcome == history.OutcomeOK && op.HasTTL() && op.Index != 0 {
			op.Expiration = exp
		}
		out = append(out, op)
	}
	out = append(out, e.records...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Return < out[j].Return })
	return out
}
