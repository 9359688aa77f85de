package checker

import (
	"fmt"
	"sort"

	"github.com/raftlab/raftlab/checker/history"
)

// checkEtcdIndex checks the X-Etcd-Index of ok answers (Op.EtcdIndex; ops without one are
// skipped), which is the store's index when the member answered:
//   - a write answers with its own index (the modifiedIndex it left);
//   - a read that found a key answers with an index at or after the key's modifiedIndex;
//   - a quorum read answers with an index at or after that of every write acknowledged before the
//     read was sent (it is served once the member applied everything committed by then).
func checkEtcdIndex(ops []history.Op) []string {
	var problems problemList
	type ack struct {
		at    int64
		index uint64
	}
	var writes []ack // ok writes with an index, by return time
	for i := range ops {
		op := &ops[i]
		if op.Outcome != history.OutcomeOK || op.EtcdIndex == 0 {
			continue
		}
		switch {
		case op.Kind.IsRead():
			if op.Found && !op.Dir && op.EtcdIndex < op.Index {
				problems.add(fmt.Sprintf("%s: X-Etcd-Index %d is before the modifiedIndex %d it read", op, op.EtcdIndex, op.Index))
			}
		case op.Index != 0:
			if op.EtcdIndex != op.Index {
				problems.add(fmt.Sprintf("%s: X-Etcd-Index %d is not the write's index %d", op, op.EtcdIndex, op.Index))
			}
			writes = append(writes, ack{op.Return, op.Index})
		}
	}
	sort.Slice(writes, func(i, j int) bool { return writes[i].at < writes[j].at })
	// latest[i] is the highest index among writes[:i+1].
	latest := make([]uint64, len(writes))
	for i, w := range writes {
		latest[i] = w.index
		if i > 0 {
			latest[i] = max(latest[i], latest[i-1])
		}
	}
	for i := range ops {
		op := &ops[i]
		if op.Kind != history.KindQGet || op.Outcome != history.OutcomeOK || op.EtcdIndex == 0 {
			continue
		}
		n := sort.Search(len(writes), func(j int) bool { return writes[j].at >= op.Call })
		if n > 0 && op.EtcdIndex < latest[n-1] {
			problems.add(fmt.Sprintf("%s: X-Etcd-Index %d is before index %d, written before the read was sent", op, op.EtcdIndex, latest[n-1]))
		}
	}
	var out []string
	problems.flush(&out, "X-Etcd-Index problems")
	return out
}
