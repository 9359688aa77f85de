package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/scenarios/story"
)

// watch starts a story's watch: it owes every event from the cluster's next index on.
func (x *executor) watch(s *story.Stmt) {
	if _, dup := x.watches[s.Op.Name]; dup {
		x.failf(s.Pos, "expected a new watch name, got %q again", s.Op.Name)
		return
	}
	w, err := x.d.Watch(s.Op.Key, s.Op.Recursive)
	if x.unsupported(s.Pos, err) {
		x.markSkipped(s.Op.Name)
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to start watch %s, got %v", s.Op.Name, err)
		return
	}
	x.watches[s.Op.Name] = w
	rec := ""
	if s.Op.Recursive {
		rec = " recursive"
	}
	x.event(fmt.Sprintf("client: watch %s%s from index %d (as %s)", s.Op.Key, rec, w.Since(), s.Op.Name))
}

// expectWatch checks `expect watch NAME events: ...`. Where observations lag (DriverInfo.Lag) the
// events get that long to arrive.
func (x *executor) expectWatch(pos story.Pos, e *story.Expect) {
	if x.skippedName(pos, "expect watch "+e.Name, e.Name) {
		return
	}
	w, ok := x.watches[e.Name]
	if !ok {
		x.failf(pos, "expected watch %s events, got no watch called %q", e.Name, e.Name)
		return
	}
	want := strings.Join(e.Events, ", ")
	var got []string
	var err error
	seen := func() bool {
		got, err = w.Events()
		return err != nil || strings.Join(got, ", ") == want
	}
	if !seen() && x.info.Lag > 0 {
		x.runUntil(pos, seen, int64(x.info.Lag))
	}
	switch {
	case err != nil && len(got) == 0:
		x.failf(pos, "expected watch %s events, got %v", e.Name, err)
	case strings.Join(got, ", ") != want:
		msg := fmt.Sprintf("expected watch %s events: %s, got: %s", e.Name, want, orNone(got))
		if err != nil {
			msg += fmt.Sprintf(" (the watch stopped: %v)", err)
		}
		x.failf(pos, "%s", msg)
	}
}
