package checker

import (
	"fmt"
	"sort"

	"github.com/raftlab/raftlab/checker/history"
)

// checkIndexes is the global pass over the v2 index, which ties the keys together:
//   - every successful write returned an index no other successful write returned;
//   - if an operation that observed index i (a write that returned i, a read of a node modified at i)
//     finished before a write was called, that write's index is greater than i;
//   - an index a read reports belongs to a write of that key with that value: an ok write that returned
//     it, or else an unknown-outcome (or index-less) write of the key with the value, called before the
//     read returned.
func checkIndexes(ops []history.Op) []string {
	var out []string
	writes := map[uint64]*history.Op{}
	var dup problemList
	for i := range ops {
		op := &ops[i]
		if !isOKWrite(op) || op.Index == 0 {
			continue
		}
		if prev, ok := writes[op.Index]; ok {
			dup.add(fmt.Sprintf("etcd index %d returned by two writes: %s and %s", op.Index, prev, op))
			continue
		}
		writes[op.Index] = op
	}
	dup.flush(&out, "duplicate indexes")
	realTimeOrder(ops).flush(&out, "real-time index violations")
	readSources(ops, writes).flush(&out, "reads of unwritten indexes")
	return out
}

func isOKWrite(op *history.Op) bool { return op.Kind.IsWrite() && op.Outcome == history.OutcomeOK }

// observedIndex is the index op shows it has seen, or zero.
func observedIndex(op *history.Op) uint64 {
	if op.Outcome != history.OutcomeOK || (op.Kind.IsRead() && !op.Found) {
		return 0
	}
	return op.Index
}

// realTimeOrder sweeps writes in call order against observations in return order.
func realTimeOrder(ops []history.Op) *problemList {
	var observers, writes []*history.Op
	for i := range ops {
		op := &ops[i]
		if observedIndex(op) == 0 {
			continue
		}
		observers = append(observers, op)
		if isOKWrite(op) {
			writes = append(writes, op)
		}
	}
	sort.SliceStable(observers, func(i, j int) bool { return observers[i].Return < observers[j].Return })
	sort.SliceStable(writes, func(i, j int) bool { return writes[i].Call < writes[j].Call })
	var problems problemList
	var highest *history.Op
	next := 0
	for _, w := range writes {
		for next < len(observers) && observers[next].Return < w.Call {
			if highest == nil || observers[next].Index > highest.Index {
				highest = observers[next]
			}
			next++
		}
		if highest != nil && highest.Index >= w.Index {
			problems.add(fmt.Sprintf("etcd index %d of %s is not above etcd index %d seen by %s, which finished before it began",
				w.Index, w, highest.Index, highest))
		}
	}
	return &problems
}

// readSources checks that every index a read reports was produced by a write of that key and value.
func readSources(ops []history.Op, writes map[uint64]*history.Op) *problemList {
	var problems problemList
	type keyValue struct{ key, value string }
	uncertain := map[keyValue][]*history.Op{} // unknown or index-less writes, by key and value
	const anyValue = "\x00refresh"            // a refresh keeps whatever value it finds
	for i := range ops {
		op := &ops[i]
		if op.Kind.WritesValue() && (op.Outcome == history.OutcomeUnknown || (op.Outcome == history.OutcomeOK && op.Index == 0)) {
			kv := keyValue{op.Key, op.Value}
			if op.Refresh {
				kv.value = anyValue
			}
			uncertain[kv] = append(uncertain[kv], op)
		}
	}
	for i := range ops {
		r := &ops[i]
		if !r.Kind.IsRead() || observedIndex(r) == 0 {
			continue
		}
		if w, ok := writes[r.Index]; ok {
			switch {
			case w.Key != r.Key:
				problems.add(fmt.Sprintf("%s reports etcd index %d, which belongs to %s", r, r.Index, w))
			case !w.Kind.WritesValue():
				problems.add(fmt.Sprintf("%s reports etcd index %d, which is a deletion: %s", r, r.Index, w))
			case w.Value != r.Result && !w.Refresh: // a refresh keeps the value it found
				problems.add(fmt.Sprintf("%s reports etcd index %d, but the write there was %s", r, r.Index, w))
			}
			continue
		}
		found := false
		for _, w := range append(uncertain[keyValue{r.Key, r.Result}], uncertain[keyValue{r.Key, anyValue}]...) {
			if w.Call <= r.Return {
				found = true
				break
			}
		}
		if !found {
			problems.add(fmt.Sprintf("%s reports etcd index %d, but no write of that value to %s could have produced it", r, r.Index, r.Key))
		}
	}
	return &problems
}
