package checker

import (
	"fmt"
	"math/rand"
	"sort"

	"github.com/raftlab/raftlab/checker/history"
)

// genHistory builds a linearizable history by running a sequential register map: every client issues
// operations back to back with random gaps, each operation takes effect at a random point inside its
// interval, and the effects are applied in the order of those points. unknownPct percent of the
// operations get an unknown outcome; an unknown write takes effect half of the time, and then half of
// the time only after the client gave up on it.
func genHistory(seed int64, n, clients, keys int, unknownPct int) []history.Op {
	rng := rand.New(rand.NewSource(seed))
	type planned struct {
		op        history.Op
		point     int64
		effective bool
	}
	plan := make([]planned, 0, n)
	next := make([]int64, clients)
	for i := 0; i < n; i++ {
		c := i % clients
		call := next[c] + rng.Int63n(50)
		point := call + 1 + rng.Int63n(100)
		ret := point + 1 + rng.Int63n(100)
		next[c] = ret + 1
		op := history.Op{Client: c, Key: fmt.Sprintf("/k%02d", rng.Intn(keys)), Call: call, Return: ret, Outcome: history.OutcomeOK}
		op.Kind = randomKind(rng)
		if op.Kind.WritesValue() {
			op.Value = fmt.Sprintf("v%d", i)
		}
		unknown := rng.Intn(100) < unknownPct
		if unknown {
			op.Outcome = history.OutcomeUnknown
		}
		effective := !unknown || rng.Intn(2) == 0
		if unknown && effective && rng.Intn(2) == 0 {
			point = ret + rng.Int63n(1000) // takes effect after the client gave up
		}
		plan = append(plan, planned{op: op, point: point, effective: effective})
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].point < plan[j].point })
	type node struct {
		value string
		index uint64
	}
	store := map[string]node{}
	var index uint64
	for i := range plan {
		p := &plan[i]
		op := &p.op
		cur, exists := store[op.Key]
		if op.Kind == history.KindCAS || op.Kind == history.KindCAD {
			// Half of the compares use the current node, the rest a value that is probably stale.
			if exists && rng.Intn(2) == 0 {
				if rng.Intn(2) == 0 {
					op.PrevValue = cur.value
				} else {
					op.PrevIndex = cur.index
				}
			} else {
				op.PrevValue = fmt.Sprintf("v%d", rng.Intn(len(plan)))
			}
		}
		if op.Outcome == history.OutcomeUnknown && !p.effective {
			continue
		}
		code := 0
		switch op.Kind {
		case history.KindGet, history.KindQGet:
			op.Found, op.Result, op.Index = exists, cur.value, cur.index
			continue
		case history.KindCreate:
			if exists {
				code = history.ErrCodeNodeExist
			}
		case history.KindUpdate, history.KindDelete:
			if !exists {
				code = history.ErrCodeKeyNotFound
			}
		case history.KindCAS, history.KindCAD:
			switch {
			case !exists:
				code = history.ErrCodeKeyNotFound
			case (op.PrevValue != "" && op.PrevValue != cur.value) || (op.PrevIndex != 0 && op.PrevIndex != cur.index):
				code = history.ErrCodeTestFailed
			}
		}
		if code != 0 {
			if op.Outcome == history.OutcomeOK {
				op.Outcome, op.ErrorCode = history.OutcomeFail, code
			}
			continue
		}
		index++
		if op.Kind.Deletes() {
			delete(store, op.Key)
		} else {
			store[op.Key] = node{value: op.Value, index: index}
		}
		if op.Outcome == history.OutcomeOK {
			op.Index = index
		}
	}
	ops := make([]history.Op, len(plan))
	for i, p := range plan {
		ops[i] = p.op
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Call < ops[j].Call })
	return ops
}

func randomKind(rng *rand.Rand) history.Kind {
	switch r := rng.Intn(100); {
	case r < 30:
		return history.KindQGet
	case r < 40:
		return history.KindGet
	case r < 60:
		return history.KindSet
	case r < 65:
		return history.KindCreate
	case r < 70:
		return history.KindUpdate
	case r < 85:
		return history.KindCAS
	case r < 92:
		return history.KindDelete
	default:
		return history.KindCAD
	}
}
