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
	keys := indexWrites(ops)
	var invented, old problemList
	for _, r := range local {
		kw := keys[r.Key]
		if kw == nil {
			kw = &keyWrites{}
		}
		if r.Outcome == history.OutcomeOK && r.Found && !kw.wroteBefore(r) {
			invented.add(fmt.Sprintf("local read %s returned a value no write of %s produced", describeLocal(r), r.Key))
			continue
		}
		if latest := kw.latestCompleted(r.Call); latest != nil && kw.isStale(r, latest) {
			old.add(fmt.Sprintf("stale read: %s, but %s had completed before it was called", describeLocal(r), latest))
		}
	}
	invented.flush(&problems, "invented local reads")
	old.flush(&stale, "stale reads")
	return problems, stale, old.total
}

// keyWrites indexes the writes of one key (those that succeeded or may have) for the local-read checks.
type keyWrites struct {
	byValue map[string][]*history.Op // value-writing ops, by the value written
	// refreshed are the indexes of ok refreshes: a read there shows a value written before.
	refreshed map[uint64]bool
	// unknownRefreshes are the refreshes whose index is unknown (no answer): any of them may have
	// moved a value written before to a later index.
	unknownRefreshes []*history.Op
	deletes          []*history.Op // deletions
	done             []*history.Op // ok writes with an index, by return time
	highest          []*history.Op // highest[i]: the highest-indexed write in done[:i+1]
}

func indexWrites(ops []history.Op) map[string]*keyWrites {
	keys := map[string]*keyWrites{}
	for i := range ops {
		w := &ops[i]
		if !w.Kind.IsWrite() || w.Outcome == history.OutcomeFail {
			continue
		}
		kw := keys[w.Key]
		if kw == nil {
			kw = &keyWrites{byValue: map[string][]*history.Op{}, refreshed: map[uint64]bool{}}
			keys[w.Key] = kw
		}
		switch {
		case w.Kind.Deletes():
			kw.deletes = append(kw.deletes, w)
		case w.Refresh:
			kw.refreshed[w.Index] = w.Index != 0 && w.Outcome == history.OutcomeOK
			if w.Index == 0 {
				kw.unknownRefreshes = append(kw.unknownRefreshes, w)
			}
		default:
			kw.byValue[w.Value] = append(kw.byValue[w.Value], w)
		}
		if w.Outcome == history.OutcomeOK && w.Index != 0 {
			kw.done = append(kw.done, w)
		}
	}
	for _, kw := range keys {
		sort.SliceStable(kw.done, func(i, j int) bool { return kw.done[i].Return < kw.done[j].Return })
		kw.highest = make([]*history.Op, len(kw.done))
		for i, w := range kw.done {
			kw.highest[i] = w
			if i > 0 && kw.highest[i-1].Index > w.Index {
				kw.highest[i] = kw.highest[i-1]
			}
		}
	}
	return keys
}

func describeLocal(r *history.Op) string {
	s := r.String()
	if r.Node != "" {
		s += " from " + r.Node
	}
	return s
}

// wroteBefore reports whether some write of the key that was called before r returned wrote the value
// r read (at r's index, when both are known).
func (kw *keyWrites) wroteBefore(r *history.Op) bool {
	for _, w := range kw.byValue[r.Result] {
		if w.Call > r.Return {
			continue
		}
		if r.Index == 0 || w.Index == 0 || w.Outcome != history.OutcomeOK || w.Index == r.Index || kw.refreshed[r.Index] {
			return true
		}
		if w.Index < r.Index && kw.refreshedUnknownBefore(r.Return) {
			return true
		}
	}
	return false
}

// refreshedUnknownBefore reports whether a refresh whose index is unknown was called before t.
func (kw *keyWrites) refreshedUnknownBefore(t int64) bool {
	for _, w := range kw.unknownRefreshes {
		if w.Call <= t {
			return true
		}
	}
	return false
}

// latestCompleted is the highest-indexed ok write that returned before t.
func (kw *keyWrites) latestCompleted(t int64) *history.Op {
	n := sort.Search(len(kw.done), func(i int) bool { return kw.done[i].Return >= t })
	if n == 0 {
		return nil
	}
	return kw.highest[n-1]
}

// isStale reports whether r shows an older state than latest, which completed before r was called.
func (kw *keyWrites) isStale(r, latest *history.Op) bool {
	if r.Outcome == history.OutcomeOK && r.Found {
		seen := r.Index
		if seen == 0 {
			seen = kw.indexOfValue(r.Result)
		}
		return seen != 0 && seen < latest.Index
	}
	// Not found: stale unless the latest write was a deletion, or a deletion may have come after it.
	if latest.Kind.Deletes() {
		return false
	}
	for _, w := range kw.deletes {
		if w.Call <= r.Return && (w.Outcome == history.OutcomeUnknown || w.Index == 0 || w.Index > latest.Index) {
			return false
		}
	}
	return true
}

// indexOfValue is the index of the only write of value when it is an ok write with a known index, or
// zero when that cannot be told.
func (kw *keyWrites) indexOfValue(value string) uint64 {
	ws := kw.byValue[value]
	if len(ws) != 1 || ws[0].Outcome != history.OutcomeOK {
		return 0
	}
	return ws[0].Index
}
