package checker

import (
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
)

// checkCreated checks the createdIndex the store returned with each file (Op.Created): a set or a
// create makes a new node (createdIndex = its index); an update or a compare-and-swap keeps the
// node's createdIndex, which must then be the index of a set or create of that key; a read shows
// the createdIndex of such a write too. Ops without a recorded createdIndex are skipped.
func checkCreated(ops []history.Op) []string {
	made := map[string]map[uint64]bool{}   // key -> indexes of acknowledged creating writes
	uncertain := map[string][]int64{}      // key -> call times of creating writes with unknown index
	creates := func(op *history.Op) bool { // a write that makes a new node when it takes effect
		return (op.Kind == history.KindSet || op.Kind == history.KindCreate) && !op.Dir
	}
	for i := range ops {
		op := &ops[i]
		if !creates(op) {
			continue
		}
		switch {
		case op.Outcome == history.OutcomeOK && op.Index != 0:
			if made[op.Key] == nil {
				made[op.Key] = map[uint64]bool{}
			}
			made[op.Key][op.Index] = true
		case op.Outcome == history.OutcomeUnknown || op.Outcome == history.OutcomeOK:
			uncertain[op.Key] = append(uncertain[op.Key], op.Call)
		}
	}
	var problems problemList
	for i := range ops {
		op := &ops[i]
		if op.Created == 0 || op.Outcome != history.OutcomeOK || op.Dir {
			continue
		}
		switch {
		case creates(op) && op.Index != 0:
			if op.Created != op.Index {
				problems.add(fmt.Sprintf("%s: a %s makes a new node, but its createdIndex is %d", op, op.Kind, op.Created))
			}
			continue
		case op.Kind.IsRead() && !op.Found:
			continue
		case !op.Kind.IsRead() && op.Kind != history.KindUpdate && op.Kind != history.KindCAS:
			continue
		}
		if op.Index != 0 && op.Created > op.Index {
			problems.add(fmt.Sprintf("%s: createdIndex %d is after the modifiedIndex", op, op.Created))
			continue
		}
		if made[op.Key][op.Created] {
			continue
		}
		possible := false
		for _, call := range uncertain[op.Key] {
			if call <= op.Return {
				possible = true
				break
			}
		}
		if !possible {
			problems.add(fmt.Sprintf("%s: createdIndex %d is the index of no set or create of %s", op, op.Created, op.Key))
		}
	}
	var out []string
	problems.flush(&out, "createdIndex problems")
	return out
}
