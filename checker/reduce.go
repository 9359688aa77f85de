package checker

import (
	"math"
	"sort"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// Unknown-outcome writes are what makes porcupine slow: each one stays pending until the end of the
// history (Return = +inf), so on a hot key the search may try every subset of them at every point.
// reduceKey shrinks a key's porcupine history before the search without changing its verdict: the
// reduced history has a legal linearization exactly when the original has. Two rewrites:
//
// Closing a proven write. Let W be an unknown write whose value v no other write of the key writes,
// and P an operation that can only be legal when the key holds v: a quorum read that found v, or a
// successful cas/cad comparing against v. In every legal linearization W took effect before P (v
// comes from W alone, and W has one linearization point), and P is linearized by P.Return, so W's
// point is before P.Return. Giving W Return = P.Return (the earliest such P) therefore keeps every
// legal linearization and adds none: the shrunk interval lies inside the original one.
//
// Dropping a silent write. Let W be an unknown value-writing op whose value v is written by no other
// op and appears in no read result and no compare (so nothing can tell v from any other value: call
// it ⊥). Wherever W takes effect it leaves the key existing, holding ⊥, with an unknown index and the
// same highest index as before. Take a legal linearization L in which W takes effect at point p, and
// look at the ops L places after p while ⊥ is the key's value. No read can be there (it would have
// to return ⊥), nor an ok create, an ok cas/cad comparing a value, or a failure that needs the key
// missing. What can be there is an op that is legal only because the key exists or its index is
// unknown or its value is not something else: an ok or unknown update or delete, a cas/cad comparing
// only an index, a failed create, a failed cas/cad (101 or 0). We call those sensitive to W, and
// drop W only when no sensitive op can be linearized after W's call (returns after it, or is
// unknown). Then the ops after p under ⊥ are only unknown ops that had no effect there (an unknown
// create, or a cas/cad comparing a value; none of them has been closed as above, since a closed op
// must take effect before its proof), which L' may place at the very end instead, and the first op
// that replaces ⊥ is a set (ok or unknown), which leaves the same state whatever it replaced. So
// L minus W, with those no-effect ops moved to the end, is a legal linearization of the history
// without W; and any legal linearization without W stays legal with W appended at the end, where an
// unknown write may always go. Dropping is decided on the original history, so dropping several
// silent writes at once is sound too: removing ops only removes sensitive ops.
//
// Dropping a dead write. An unknown create is dead when the key can never be deleted (no delete or cad
// of it at all) and an ok write of it returned before the create was called: wherever the create is
// linearized the key exists, so it has no effect. An unknown cas or cad comparing against value q is
// dead when q is written by no op of the key (the store starts empty), or by exactly one op X that is
// ok (or an unknown write closed as above) and another ok write S of the key was called after X
// returned and returned before the compare was called: S replaced q, q can never come back (only X
// writes it, once), so wherever the compare is linearized it fails and has no effect. A no-effect op
// can be removed from any legal linearization and appended at the end of any linearization of the
// rest, so dropping it changes nothing.
//
// All rewrites keep every op in the visualisation notes apart from the dropped ones.
//
// TTLs change none of this: an expiry only removes the key (it never brings a value back), and the
// expire and sync records count as sensitive to a silent write, since one may be legal only because
// the silent write left the key with (or without) a TTL. A key with a refresh (which keeps the value
// it finds) is searched as recorded.
func reduceKey(ops []porcupine.Operation) []porcupine.Operation {
	for _, o := range ops {
		if o.Input.(*history.Op).Refresh {
			return ops
		}
	}
	writers := map[string]int{} // value -> how many ops of the key write it
	proof := map[string]int64{} // value -> earliest return of an op that can only be legal holding it
	observed := map[string]bool{}
	for _, o := range ops {
		op := o.Input.(*history.Op)
		if op.Kind.WritesValue() {
			writers[op.Value]++
		}
		if op.PrevValue != "" {
			observed[op.PrevValue] = true
		}
		if op.Kind.IsRead() && op.Found {
			observed[op.Result] = true
		}
		if v, ok := provenValue(op); ok {
			if t, seen := proof[v]; !seen || o.Return < t {
				proof[v] = o.Return
			}
		}
	}
	lastSensitive := int64(math.MinInt64) // latest return of an op sensitive to a silent write
	for _, o := range ops {
		if sensitiveToSilent(o.Input.(*history.Op)) && o.Return > lastSensitive {
			lastSensitive = o.Return
		}
	}
	dead := deadWrites(ops, proof, writers)
	out := make([]porcupine.Operation, 0, len(ops))
	for i, o := range ops {
		op := o.Input.(*history.Op)
		if dead[i] {
			continue // can no longer take effect: its precondition fails wherever it is placed
		}
		if op.Outcome != history.OutcomeUnknown || !op.Kind.WritesValue() || op.Value == "" || writers[op.Value] != 1 {
			out = append(out, o)
			continue
		}
		if t, ok := proof[op.Value]; ok {
			o.Return = max(t, o.Call)
			out = append(out, o)
			continue
		}
		if !observed[op.Value] && lastSensitive < op.Call {
			continue // silent: indistinguishable from never taking effect
		}
		out = append(out, o)
	}
	return out
}

// provenValue is the value the key must hold when op is linearized, if op says so: a quorum read
// that found it, or a successful compare against it.
func provenValue(op *history.Op) (string, bool) {
	if op.Outcome != history.OutcomeOK {
		return "", false
	}
	switch {
	case op.Kind.IsRead() && op.Found:
		return op.Result, true
	case (op.Kind == history.KindCAS || op.Kind == history.KindCAD) && op.PrevValue != "":
		return op.PrevValue, true
	}
	return "", false
}

// sensitiveToSilent reports whether op could be legal, or change the key, only because a silent
// write (see reduceKey) made the key exist with an unknown index and an unobservable value.
func sensitiveToSilent(op *history.Op) bool {
	switch op.Kind {
	case history.KindExpire, history.KindSync:
		return true
	case history.KindUpdate, history.KindDelete:
		return op.Outcome != history.OutcomeFail
	case history.KindCreate:
		return op.Outcome == history.OutcomeFail
	case history.KindCAS, history.KindCAD:
		return op.PrevValue == "" || op.Outcome == history.OutcomeFail
	}
	return false
}

// deadWrites marks the unknown writes of ops that can never take effect (see reduceKey). proof is the
// earliest proof of each value and writers how many ops write it.
func deadWrites(ops []porcupine.Operation, proof map[string]int64, writers map[string]int) []bool {
	dead := make([]bool, len(ops))
	later := newOKWrites(ops)
	deletable := false
	writer := map[string]int{} // value -> the index of the op that writes it
	for i, o := range ops {
		op := o.Input.(*history.Op)
		if op.Kind.Deletes() {
			deletable = true
		}
		if op.Kind.WritesValue() {
			writer[op.Value] = i
		}
	}
	// returnOf is when X's effect is certainly done, or false if it may never be.
	returnOf := func(x *history.Op, o porcupine.Operation) (int64, bool) {
		switch {
		case x.Outcome == history.OutcomeOK:
			return o.Return, true
		case x.Outcome == history.OutcomeUnknown && writers[x.Value] == 1:
			t, ok := proof[x.Value]
			return t, ok
		}
		return 0, false
	}
	for i, o := range ops {
		op := o.Input.(*history.Op)
		if op.Outcome != history.OutcomeUnknown {
			continue
		}
		switch op.Kind {
		case history.KindCreate:
			dead[i] = !deletable && later.between(math.MinInt64, op.Call)
		case history.KindCAS, history.KindCAD:
			if op.PrevValue == "" {
				continue
			}
			if writers[op.PrevValue] == 0 {
				dead[i] = true
				continue
			}
			x := writer[op.PrevValue]
			if writers[op.PrevValue] != 1 {
				continue
			}
			if done, ok := returnOf(ops[x].Input.(*history.Op), ops[x]); ok {
				dead[i] = later.between(done, op.Call)
			}
		}
	}
	return dead
}

// okWrites answers "was an ok write called after from and returned before to?" in O(log n).
type okWrites struct {
	calls      []int64 // call times of the ok writes, ascending
	minReturns []int64 // minReturns[i] is the earliest return among the writes calls[i:]
}

func newOKWrites(ops []porcupine.Operation) okWrites {
	var ws []porcupine.Operation
	for _, o := range ops {
		op := o.Input.(*history.Op)
		if op.Kind.IsWrite() && op.Outcome == history.OutcomeOK {
			ws = append(ws, o)
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Call < ws[j].Call })
	w := okWrites{calls: make([]int64, len(ws)), minReturns: make([]int64, len(ws)+1)}
	w.minReturns[len(ws)] = math.MaxInt64
	for i := len(ws) - 1; i >= 0; i-- {
		w.calls[i] = ws[i].Call
		w.minReturns[i] = min(ws[i].Return, w.minReturns[i+1])
	}
	return w
}

// between reports whether an ok write was called after from and returned before to. The write that
// produced the value compared against never counts: it returned at or before from, after its call.
func (w okWrites) between(from, to int64) bool {
	i := sort.Search(len(w.calls), func(i int) bool { return w.calls[i] > from })
	return w.minReturns[i] < to
}
