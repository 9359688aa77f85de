package checker

import (
	"math"
	"sort"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// Pending unknown writes are what is left of porcupine's cost after reduceKey: each stays pending to
// the end of the history, so with k of them on a key the search may visit every one of the 2^k subsets
// of them at every point. Two rewrites of the searched history cut that down without changing the
// verdict.
//
// Naming unobservable values alike. A value no read returned and no compare names (unobserved) only
// ever meets the model in equality tests against returned or compared values, and it fails all of
// them; so does any other unobserved value. Giving every pending unknown write of an unobserved value
// one shared stand-in value (unobservedValue) therefore leaves every step's legality unchanged, and
// lets the search's cache see that "A then B" and "B then A" leave the key in the same state.
//
// Taking interchangeable writes in order. After the renaming, pending unknown writes of the same kind,
// value, prevValue, prevIndex and TTL (whether there is one, the expiration, refresh) have the same
// effect in every state. Take any legal linearization in
// which such a write B (called later) is placed before A (called earlier) of the same class: swapping
// the two keeps it legal, since A's interval [A.Call, +inf) holds B's point (A.Call <= B.Call <= point)
// and B's holds A's later point, and the states along the way do not change. So if a legal
// linearization exists, one exists that takes each class in call order, and the search may insist on
// it: a class of k writes then has k+1 reachable subsets instead of 2^k. The search state counts how
// many writes of each class are placed (searchState.placed); a write is legal only when it is next.

// unobservedValue stands for every value no operation of the key can observe. It cannot be stored by
// the real key space (values are UTF-8) and the key's ops are checked not to use it.
const unobservedValue = "\xff<unobserved>"

// maxClasses is how many classes of interchangeable writes a key's search orders; writes of further
// classes are searched unordered, which is slower but just as exact.
const maxClasses = 8

// searchOp is the input of the search model: an op and, for an ordered pending write, its class and
// its rank in the class (class < 0: unordered).
type searchOp struct {
	op    *history.Op
	class int8
	rank  uint16
}

// searchState is the key's state during the search, with how many writes of each class are placed.
type searchState struct {
	key    keyState
	placed [maxClasses]uint16
}

// searchHistory turns a reduced history into the one the search runs on (see above).
func searchHistory(ops []porcupine.Operation) []porcupine.Operation {
	observed := map[string]bool{}
	for _, o := range ops {
		op := o.Input.(*history.Op)
		if op.PrevValue != "" {
			observed[op.PrevValue] = true
		}
		if op.Kind.IsRead() && op.Found {
			observed[op.Result] = true
		}
		if op.Value == unobservedValue || op.Result == unobservedValue || op.PrevValue == unobservedValue {
			return plainSearchHistory(ops) // cannot rename safely; never happens with real values
		}
	}
	type classKey struct {
		kind       history.Kind
		value      string
		prevValue  string
		prevIndex  uint64
		ttl        bool
		expiration int64
		refresh    bool
	}
	classes := map[classKey][]int{}
	var order []classKey
	out := make([]porcupine.Operation, len(ops))
	for i, o := range ops {
		op := o.Input.(*history.Op)
		s := &searchOp{op: op, class: -1}
		if o.Return == math.MaxInt64 && op.Outcome == history.OutcomeUnknown && op.Kind.IsWrite() {
			if op.WritesValue() && !observed[op.Value] {
				renamed := *op
				renamed.Value = unobservedValue
				s.op = &renamed
			}
			k := classKey{kind: s.op.Kind, value: s.op.Value, prevValue: s.op.PrevValue, prevIndex: s.op.PrevIndex,
				ttl: s.op.HasTTL(), expiration: s.op.Expiration, refresh: s.op.Refresh}
			if _, seen := classes[k]; !seen {
				order = append(order, k)
			}
			classes[k] = append(classes[k], i)
		}
		o.Input = s
		out[i] = o
	}
	next := int8(0)
	for _, k := range order {
		members := classes[k]
		if len(members) < 2 || int(next) == maxClasses {
			continue
		}
		sort.SliceStable(members, func(a, b int) bool { return out[members[a]].Call < out[members[b]].Call })
		for rank, i := range members {
			s := out[i].Input.(*searchOp)
			s.class, s.rank = next, uint16(rank)
		}
		next++
	}
	return out
}

// plainSearchHistory wraps ops for the search model without renaming or ordering anything.
func plainSearchHistory(ops []porcupine.Operation) []porcupine.Operation {
	out := make([]porcupine.Operation, len(ops))
	for i, o := range ops {
		o.Input = &searchOp{op: o.Input.(*history.Op), class: -1}
		out[i] = o
	}
	return out
}

// searchStep is step with the class order enforced.
func searchStep(s searchState, in *searchOp) (bool, searchState) {
	if in.class >= 0 && s.placed[in.class] != in.rank {
		return false, s
	}
	ok, next := step(s.key, in.op)
	if !ok {
		return false, s
	}
	s.key = next
	if in.class >= 0 {
		s.placed[in.class]++
	}
	return true, s
}

// searchModel is the porcupine model of searchHistory's operations on one key.
func searchModel() porcupine.Model {
	return porcupine.Model{
		Init: func() interface{} { return searchState{} },
		Step: func(state, input, _ interface{}) (bool, interface{}) {
			return searchStep(state.(searchState), input.(*searchOp))
		},
		Equal: func(a, b interface{}) bool { return a.(searchState) == b.(searchState) },
		Hash: func(state interface{}) uint64 {
			s := state.(searchState)
			h := hashState(s.key)
			for _, n := range s.placed {
				h = (h ^ uint64(n)) * 1099511628211
			}
			return h
		},
		DescribeOperation: func(input, _ interface{}) string { return describeOp(input.(*searchOp).op) },
		DescribeState:     func(state interface{}) string { return describeState(state.(searchState).key) },
	}
}
