package run

import (
	"fmt"

	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/scenarios/story"
)

// watchState is a story's watch: a simulator watcher opened at the start of the run (the
// simulator opens watchers only from its configuration) whose events count from the index the
// cluster had reached when the story's `watch` statement ran.
type watchState struct {
	// record is the watcher's position in the simulator's watch records.
	record int
	key    string
	// since is the first index the watch owes; 0 until the statement ran.
	since   uint64
	started bool
}

// watchSpecs opens one simulator watcher per `watch` statement of the story, in story order.
func watchSpecs(st *story.Story) []netsim.WatchSpec {
	var specs []netsim.WatchSpec
	for _, s := range st.Stmts {
		if s.Kind == story.KindOp && s.Op.Verb == "watch" {
			specs = append(specs, netsim.WatchSpec{Key: s.Op.Key, Recursive: s.Op.Recursive})
		}
	}
	return specs
}

// watch starts counting a watch's events from the next index.
func (x *executor) watch(s *story.Stmt) {
	if _, dup := x.watches[s.Op.Name]; dup {
		x.failf(s.Pos, "expected a new watch name, got %q again", s.Op.Name)
		return
	}
	record := 0
	for _, w := range x.st.Stmts {
		if w.Pos == s.Pos {
			break
		}
		if w.Kind == story.KindOp && w.Op.Verb == "watch" {
			record++
		}
	}
	since := x.highestIndex() + 1
	x.watches[s.Op.Name] = &watchState{record: record, key: s.Op.Key, since: since, started: true}
	rec := ""
	if s.Op.Recursive {
		rec = " recursive"
	}
	x.event(fmt.Sprintf("client: watch %s%s from index %d (as %s)", s.Op.Key, rec, since, s.Op.Name))
}

// highestIndex is the highest etcd index any live node has applied.
func (x *executor) highestIndex() uint64 {
	var idx uint64
	for _, id := range x.sim.Nodes() {
		if info, err := x.sim.Info(id); err == nil && info.Alive {
			idx = max(idx, info.Status.EtcdIndex)
		}
	}
	return idx
}

// watchEvents are the events watch name received, as "action key" strings.
func (x *executor) watchEvents(name string) ([]string, error) {
	w, ok := x.watches[name]
	if !ok {
		return nil, fmt.Errorf("no watch called %q", name)
	}
	recs := x.sim.WatchRecords()
	if w.record >= len(recs) {
		return nil, fmt.Errorf("watch %q has no record", name)
	}
	var out []string
	for _, e := range recs[w.record].Events {
		if e.Index >= w.since {
			out = append(out, e.Action+" "+e.Key)
		}
	}
	return out, nil
}
