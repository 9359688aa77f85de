package checker

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker/history"
)

// CheckWatches checks every watcher's events against the events the store committed (in index order):
// a watcher sees every event of its key (or, when recursive, of keys under it, and the deletion or
// expiry of a directory above it) from FromIndex on (up to Until, when set), in index order, none
// invented, none repeated, none missed, unless it was Cleared (error 401), after which nothing more is
// owed; a watcher that NeverOpened a stream is owed nothing. Events of hidden keys (a segment starting with "_" below a recursive watch) may be skipped, as
// etcd's live delivery does; one delivered live (WatchEvent.Live) is a problem, since etcd sends them
// only when it replays its event history. It returns one fact per problem found.
func CheckWatches(records []history.WatchRecord, committed []history.WatchEvent) []string {
	byIndex := make(map[uint64]history.WatchEvent, len(committed))
	var problems problemList
	for i, ev := range committed {
		if i > 0 && ev.Index <= committed[i-1].Index {
			problems.add(fmt.Sprintf("committed events out of index order: %s after %s", describeEvent(ev), describeEvent(committed[i-1])))
		}
		byIndex[ev.Index] = ev
	}
	for _, rec := range records {
		checkWatch(rec, committed, byIndex, &problems)
	}
	var out []string
	problems.flush(&out, "watch problems")
	return out
}

// owed says whether the event is owed to the watcher: required, optional (hidden key) or not at all.
type owed uint8

const (
	owedNot owed = iota
	owedOptional
	owedRequired
)

func watchOwes(rec history.WatchRecord, ev history.WatchEvent) owed {
	if ev.Index < rec.FromIndex {
		return owedNot
	}
	if ev.Key == rec.Prefix {
		return owedRequired
	}
	base := strings.TrimSuffix(rec.Prefix, "/")
	if rec.Recursive && strings.HasPrefix(ev.Key, base+"/") {
		for _, seg := range strings.Split(strings.TrimPrefix(ev.Key, base+"/"), "/") {
			if strings.HasPrefix(seg, "_") {
				return owedOptional
			}
		}
		return owedRequired
	}
	removes := ev.Action == "delete" || ev.Action == "expire" || ev.Action == "compareAndDelete"
	if ev.Dir && removes && strings.HasPrefix(rec.Prefix, strings.TrimSuffix(ev.Key, "/")+"/") {
		return owedRequired
	}
	return owedNot
}

func checkWatch(rec history.WatchRecord, committed []history.WatchEvent, byIndex map[uint64]history.WatchEvent, problems *problemList) {
	who := describeWatcher(rec)
	if rec.NeverOpened {
		if len(rec.Events) > 0 {
			problems.add(fmt.Sprintf("%s never had a stream open but holds %s", who, describeEvent(rec.Events[0])))
		}
		return
	}
	next := 0 // position in committed of the first event not yet accounted for
	var last uint64
	for i, ev := range rec.Events {
		if i > 0 && ev.Index <= last {
			problems.add(fmt.Sprintf("%s got %s after index %d: out of order or repeated", who, describeEvent(ev), last))
			continue
		}
		last = ev.Index
		want, ok := byIndex[ev.Index]
		switch {
		case !ok || want.Key != ev.Key || want.Action != ev.Action:
			problems.add(fmt.Sprintf("%s got %s, which was never committed", who, describeEvent(ev)))
		case watchOwes(rec, want) == owedNot:
			problems.add(fmt.Sprintf("%s got %s, which does not belong to it", who, describeEvent(ev)))
		case ev.Live && watchOwes(rec, want) == owedOptional:
			problems.add(fmt.Sprintf("%s got %s as it happened: a key hidden below the watched one is never sent live", who, describeEvent(ev)))
		}
		next = reportMissed(rec, who, committed, next, ev.Index, problems)
	}
	if rec.Cleared {
		return
	}
	reportMissed(rec, who, committed, next, ^uint64(0), problems)
}

// reportMissed reports the events owed to rec in committed[from:] with index below before (and not
// above rec.Until, when set), and
// returns the position of the first event at or after before.
func reportMissed(rec history.WatchRecord, who string, committed []history.WatchEvent, from int, before uint64, problems *problemList) int {
	i := from
	var missed []history.WatchEvent
	for ; i < len(committed) && committed[i].Index < before; i++ {
		beyond := rec.Until != 0 && committed[i].Index > rec.Until
		if !beyond && watchOwes(rec, committed[i]) == owedRequired {
			missed = append(missed, committed[i])
		}
	}
	if i < len(committed) && committed[i].Index == before {
		i++
	}
	if len(missed) > 0 {
		problems.add(fmt.Sprintf("%s missed %d event(s), first %s", who, len(missed), describeEvent(missed[0])))
	}
	return i
}

func describeWatcher(rec history.WatchRecord) string {
	s := fmt.Sprintf("watcher of client %d on %s", rec.Client, rec.Prefix)
	if rec.Recursive {
		s += " (recursive)"
	}
	return s + fmt.Sprintf(" from index %d", rec.FromIndex)
}

func describeEvent(ev history.WatchEvent) string {
	return fmt.Sprintf("%s %s@%d", ev.Action, ev.Key, ev.Index)
}
