package checker

import (
	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// keyState is the model's view of one key. Index is the modifiedIndex of the current node, zero when it
// is not known (an unknown-outcome write put the value there and nobody has read its index since).
// Last is the highest write index known to be linearized on the key so far: every later write of the
// key must return a higher one. Expires says the key has a TTL; Expiration is when it is due (a
// member's clock reading, unix ns), zero when not known.
type keyState struct {
	Exists     bool
	Value      string
	Index      uint64
	Last       uint64
	Expires    bool
	Expiration int64
}

// due reports whether an expiry entry with leader clock reading clock must expire the key: it exists,
// has a TTL, and both the expiration and the clock are known and the one is not after the other.
func (s keyState) due(clock int64) bool {
	return s.Exists && s.Expires && s.Expiration != 0 && clock != 0 && s.Expiration <= clock
}

// mayExpire reports whether an expiry entry with leader clock reading clock (0: unknown) may expire
// the key: it exists with a TTL that is not known to run out later.
func (s keyState) mayExpire(clock int64) bool {
	return s.Exists && s.Expires && (s.Expiration == 0 || clock == 0 || s.Expiration <= clock)
}

// match is a three-valued answer: yes, no, or cannot tell (the index to compare is unknown).
type match uint8

const (
	matchNo match = iota
	matchYes
	matchMaybe
)

// compare evaluates the prevValue/prevIndex condition of a cas or cad against s (which must exist).
func (s keyState) compare(op *history.Op) match {
	if op.PrevValue != "" && op.PrevValue != s.Value {
		return matchNo
	}
	if op.PrevIndex == 0 {
		return matchYes
	}
	switch {
	case s.Index == 0:
		return matchMaybe
	case s.Index == op.PrevIndex:
		return matchYes
	}
	return matchNo
}

// freshIndex reports whether an index returned by a successful write (or learned by a read) can follow
// the key's history so far. Zero means "not recorded" and is always accepted.
func (s keyState) freshIndex(index uint64) bool { return index == 0 || index > s.Last }

// after returns s once a write that returned index (0 = unknown) has set or deleted the key. A key
// that is set takes the TTL of the write that set it (none: it is permanent); a refresh keeps the
// value and takes the new TTL.
func (s keyState) after(exists bool, value string, index uint64) keyState {
	next := keyState{Exists: exists, Value: value, Index: index, Last: s.Last}
	if !exists {
		next.Value, next.Index = "", 0
	}
	if index > next.Last {
		next.Last = index
	}
	return next
}

// written returns s once the value-writing op took effect with index (0 = unknown).
func (s keyState) written(op *history.Op, index uint64) keyState {
	value := op.Value
	if op.Refresh {
		value = s.Value
	}
	next := s.after(true, value, index)
	next.Expires, next.Expiration = op.HasTTL(), op.Expiration
	return next
}

// step is the sequential specification of one v2 operation on one key. It reports whether op, with the
// response it got, is legal in state s, and the state after it.
func step(s keyState, op *history.Op) (bool, keyState) {
	switch op.Outcome {
	case history.OutcomeOK:
		return stepOK(s, op)
	case history.OutcomeFail:
		return stepFail(s, op), s
	}
	return true, stepUnknown(s, op)
}

func stepOK(s keyState, op *history.Op) (bool, keyState) {
	switch op.Kind {
	case history.KindGet, history.KindQGet:
		return stepRead(s, op)
	case history.KindSet:
		return (s.Exists || !op.Refresh) && s.freshIndex(op.Index), s.written(op, op.Index)
	case history.KindCreate:
		return !s.Exists && s.freshIndex(op.Index), s.written(op, op.Index)
	case history.KindUpdate:
		return s.Exists && s.freshIndex(op.Index), s.written(op, op.Index)
	case history.KindDelete:
		return s.Exists && s.freshIndex(op.Index), s.after(false, "", op.Index)
	case history.KindExpire:
		return s.mayExpire(op.Clock) && s.freshIndex(op.Index), s.after(false, "", op.Index)
	case history.KindSync:
		return !s.due(op.Clock), s
	case history.KindCAS, history.KindCAD:
		if !s.Exists {
			return false, s
		}
		switch s.compare(op) {
		case matchNo:
			return false, s
		case matchMaybe:
			// The compare succeeded, so the unknown write before us got PrevIndex: it must be fresh.
			if !s.freshIndex(op.PrevIndex) {
				return false, s
			}
			s.Index, s.Last = op.PrevIndex, op.PrevIndex
		}
		if op.Kind == history.KindCAD {
			return s.freshIndex(op.Index), s.after(false, "", op.Index)
		}
		return s.freshIndex(op.Index), s.written(op, op.Index)
	}
	return false, s
}

func stepRead(s keyState, op *history.Op) (bool, keyState) {
	if !op.Found {
		return !s.Exists, s
	}
	if !s.Exists || s.Value != op.Result {
		return false, s
	}
	switch {
	case op.Index == 0 || op.Index == s.Index:
		return true, s
	case s.Index == 0 && s.freshIndex(op.Index):
		// The read tells us which index the unknown write that set this value got.
		s.Index, s.Last = op.Index, op.Index
		return true, s
	}
	return false, s
}

// stepFail checks that a definite failure is consistent with s. Error code 0 means "the precondition
// did not hold" without saying which; codes without meaning for the model never reach here.
func stepFail(s keyState, op *history.Op) bool {
	code := op.ErrorCode
	switch op.Kind {
	case history.KindGet, history.KindQGet, history.KindUpdate, history.KindDelete:
		return !s.Exists // 100 (or 0)
	case history.KindCreate:
		return s.Exists // 105 (or 0)
	case history.KindCAS, history.KindCAD:
		switch code {
		case history.ErrCodeKeyNotFound:
			return !s.Exists
		case history.ErrCodeTestFailed:
			return s.Exists && s.compare(op) != matchYes
		}
		return !s.Exists || s.compare(op) != matchYes
	}
	return true
}

// stepUnknown applies an unknown-outcome write as if it took effect here, whenever it could have. It
// never has to model "no effect": porcupine may always linearize the operation at the very end of the
// history instead (its return time is +inf), where its effect is unobservable.
func stepUnknown(s keyState, op *history.Op) keyState {
	switch op.Kind {
	case history.KindSet:
		if s.Exists || !op.Refresh {
			return s.written(op, 0)
		}
	case history.KindCreate:
		if !s.Exists {
			return s.written(op, 0)
		}
	case history.KindUpdate:
		if s.Exists {
			return s.written(op, 0)
		}
	case history.KindDelete:
		if s.Exists {
			return s.after(false, "", 0)
		}
	case history.KindCAS:
		if s.Exists && s.compare(op) != matchNo {
			return s.written(op, 0)
		}
	case history.KindCAD:
		if s.Exists && s.compare(op) != matchNo {
			return s.after(false, "", 0)
		}
	}
	return s
}

// hashState is FNV-1a over the state's fields, for porcupine's cache.
func hashState(s keyState) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := 0; i < len(s.Value); i++ {
		h = (h ^ uint64(s.Value[i])) * prime
	}
	if s.Exists {
		h = (h ^ 1) * prime
	}
	if s.Expires {
		h = (h ^ 2) * prime
	}
	h = (h ^ s.Index) * prime
	h = (h ^ uint64(s.Expiration)) * prime
	return (h ^ s.Last) * prime
}

// V2Model returns the porcupine model of the v2 key space, partitioned by key. Inputs are *history.Op
// (outputs are unused); PorcupineHistory builds such operations. Check uses it; it is exported for
// callers that want to run porcupine or draw a history themselves.
func V2Model() porcupine.Model {
	return porcupine.Model{
		Partition: partitionByKey,
		Init:      func() interface{} { return keyState{} },
		Step: func(state, input, _ interface{}) (bool, interface{}) {
			return step(state.(keyState), input.(*history.Op))
		},
		Equal:             func(a, b interface{}) bool { return a.(keyState) == b.(keyState) },
		Hash:              func(state interface{}) uint64 { return hashState(state.(keyState)) },
		DescribeOperation: func(input, _ interface{}) string { return describeOp(input.(*history.Op)) },
		DescribeState:     func(state interface{}) string { return describeState(state.(keyState)) },
		DescribeOperationMetadata: func(info interface{}) string {
			note, _ := info.(string)
			return note
		},
	}
}

// partitionByKey splits a history into one partition per key, keys in order of first appearance.
func partitionByKey(ops []porcupine.Operation) [][]porcupine.Operation {
	pos := map[string]int{}
	var parts [][]porcupine.Operation
	for _, o := range ops {
		key := o.Input.(*history.Op).Key
		i, ok := pos[key]
		if !ok {
			i = len(parts)
			pos[key] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], o)
	}
	return parts
}
