package checker

import (
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
)

// CheckEvents ties the events the store committed (in index order, as a watcher of "/" from index 1
// sees them with the hidden keys included) to the client operations that caused them:
//   - every write acknowledged with an index has the event of its kind on its key at that index
//     (set, create, update, compareAndSwap, delete, compareAndDelete; a POST or a mkdir is a
//     create), and a TTL refresh none (refreshes are never delivered);
//   - every other event belongs to a write of its key and kind whose outcome is unknown (or that
//     was acknowledged without an index), or is the expiry of a key.
//
// Store bugs that every replica shares (a wrong action, an event for the wrong key, an event for a
// refresh, a lost event) are invisible to the watch check, which compares watchers with the same
// store's events; here the client's side of each event is the reference. It returns one fact per
// problem.
func CheckEvents(ops []history.Op, committed []history.WatchEvent) []string {
	byIndex := make(map[uint64]history.WatchEvent, len(committed))
	for _, ev := range committed {
		byIndex[ev.Index] = ev
	}
	var missing, wrong, unowned problemList
	acked := map[uint64]bool{}
	type keyAction struct{ key, action string }
	uncertain := map[keyAction]bool{}
	for i := range ops {
		op := &ops[i]
		action, ok := eventAction(op)
		if !ok {
			continue
		}
		if op.Outcome == history.OutcomeUnknown || (op.Outcome == history.OutcomeOK && op.Index == 0) {
			key := op.Key
			if op.InOrder && op.Outcome != history.OutcomeOK {
				key += "/*" // any key the POST may have made under its directory
			}
			uncertain[keyAction{key, action}] = true
			continue
		}
		if op.Outcome != history.OutcomeOK {
			continue
		}
		acked[op.Index] = true
		ev, found := byIndex[op.Index]
		switch {
		case action == "":
			if found && ev.Key == op.Key {
				wrong.add(fmt.Sprintf("%s: a refresh is never delivered, but %s was committed at its index", op, describeEvent(ev)))
			}
		case !found:
			missing.add(fmt.Sprintf("%s: no event was committed at its index", op))
		case ev.Key != op.Key || ev.Action != action:
			wrong.add(fmt.Sprintf("%s: the event committed at its index is %s, not %s %s", op, describeEvent(ev), action, op.Key))
		}
	}
	for _, ev := range committed {
		if acked[ev.Index] || ev.Action == "expire" || uncertain[keyAction{ev.Key, ev.Action}] ||
			uncertain[keyAction{treeParent(ev.Key) + "/*", ev.Action}] {
			continue
		}
		unowned.add(fmt.Sprintf("%s was committed, but no write of that key and kind was made", describeEvent(ev)))
	}
	var out []string
	missing.flush(&out, "acknowledged writes without their event")
	wrong.flush(&out, "events of the wrong kind")
	unowned.flush(&out, "events nobody asked for")
	return out
}

// eventAction is the action of the event a write makes when it takes effect ("" for a refresh,
// which makes none); false for operations that make no event.
func eventAction(op *history.Op) (string, bool) {
	switch op.Kind {
	case history.KindSet:
		return "set", true
	case history.KindCreate:
		return "create", true
	case history.KindUpdate:
		if op.Refresh {
			return "", true
		}
		return "update", true
	case history.KindCAS:
		return "compareAndSwap", true
	case history.KindDelete:
		return "delete", true
	case history.KindCAD:
		return "compareAndDelete", true
	}
	return "", false
}
