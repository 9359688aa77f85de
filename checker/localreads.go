package checker

import (
	"fmt"
	"sort"

	"github.com/raftlab/raftlab/checker/history"
)

// checkLocalReads checks the local (non-quorum) reads, which etcd allows to be stale and which are
// therefore not in the linearizability check. A value read must have been written by some write of the
// key (ok or unknown) called before the read returned; otherwise it was invented, a real violation.
// A read is stale when it shows an older state than the latest write that completed before the read
// was called; stale reads are facts, not violations. It returns the violations, the stale-read facts
// (the first few) and the number of stale reads.
func checkLocalReads(ops []history.Op, local []*history.Op) (problems, stale []string, staleCount int) {
	byKey := map[string][]*history.Op{}
	for i := range ops {
		if op := &ops[i]; op.Kind.IsWrite() && op.Outcome != history.OutcomeFail {
			byKey[op.Key] = append(byKey[op.Key], op)
		}
	}
	completed := map[string][]*history.Op{} // ok writes with an index, by return time
	for key, ws := range byKey {
		var done []*history.Op
		for _, w := range ws {
			if w.Outcome == history.OutcomeOK && w.Index != 0 {
				done = append(done, w)
			}
		}
		sort.SliceStable(done, func(i, j int) bool { return done[i].Return < done[j].Return })
		completed[key] = done
	}
	var invented, old problemList
	for _, r := range local {
		writes := byKey[r.Key]
		if r.Outcome == history.OutcomeOK && r.Found && !writtenBefore(writes, r) {
			invented.add(fmt.Sprintf("local read %s returned a value no write of %s produced", describeLocal(r), r.Key))
			continue
		}
		if latest := latestCompleted(completed[r.Key], r.Call); latest != nil && isStale(r, latest, writes) {
			old.add(fmt.Sprintf("stale read: %s, but %s had completed before it was called", describeLocal(r), latest))
		}
	}
	invented.flush(&problems, "invented local reads")
	old.flush(&stale, "stale reads")
	return problems, stale, old.total
}

func describeLocal(r *history.Op) string {
	s := r.String()
	if r.Node != "" {
		s += " from " + r.Node
	}
	return s
}

// writtenBefore reports whether some write of r's key that was called before r returned wrote the value
// r read (at r's index, when both are known).
func writtenBefore(writes []*history.Op, r *history.Op) bool {
	for _, w := range writes {
		if !w.Kind.WritesValue() || w.Value != r.Result || w.Call > r.Return {
			continue
		}
		if r.Index == 0 || w.Index == 0 || w.Outcome != history.OutcomeOK || w.Index == r.Index {
			return true
		}
	}
	return false
}

// latestCompleted is the highest-indexed ok write that returned before t.
func latestCompleted(done []*history.Op, t int64) *history.Op {
	n := sort.Search(len(done), func(i int) bool { return done[i].Return >= t })
	var latest *history.Op
	for _, w := range done[:n] {
		if latest == nil || w.Index > latest.Index {
			latest = w
		}
	}
	return latest
}

// isStale reports whether r shows an older state than latest, which completed before r was called.
func isStale(r, latest *history.Op, writes []*history.Op) bool {
	if r.Outcome == history.OutcomeOK && r.Found {
		seen := r.Index
		if seen == 0 {
			seen = indexOfValue(writes, r.Result)
		}
		return seen != 0 && seen < latest.Index
	}
	// Not found: stale unless the latest write was a deletion, or a deletion may have come after it.
	if latest.Kind.Deletes() {
		return false
	}
	for _, w := range writes {
		if w.Kind.Deletes() && w.Call <= r.Return && (w.Outcome == history.OutcomeUnknown || w.Index == 0 || w.Index > latest.Index) {
			return false
		}
	}
	return true
}

// indexOfValue is the index of the only ok write of value, or zero when there is none or several.
func indexOfValue(writes []*history.Op, value string) uint64 {
	var index uint64
	for _, w := range writes {
		if !w.Kind.WritesValue() || w.Value != value {
			continue
		}
		if w.Outcome != history.OutcomeOK || w.Index == 0 || index != 0 {
			return 0
		}
		index = w.Index
	}
	return index
}
