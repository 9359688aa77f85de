package checker

import (
	"fmt"

	"github.com/raftlab/raftlab/internal/human"
)

// maxViolations caps how many distinct violations a Monitor lists; the rest are only counted.
const maxViolations = 100

// violationLog keeps each distinct violation once, with the time it was first seen. The simulator
// feeds the monitor every sample, so one broken invariant (two nodes disagreeing at an index) would
// otherwise be reported again at every sample.
type violationLog struct {
	first      []string        // "at <first time>: <what>" (or "end: <what>"), in the order first seen
	seen       map[string]bool // what -> already listed (or counted as over the cap)
	repeats    int             // later sightings of a violation already seen
	overTheCap int             // distinct violations not listed because of maxViolations
}

func (l *violationLog) add(at int64, what string) { l.addWhen("at "+human.Seconds(at), what) }

// addWhen is add with the time already written ("end" for the final-state check).
func (l *violationLog) addWhen(when, what string) {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if l.seen[what] {
		l.repeats++
		return
	}
	l.seen[what] = true
	if len(l.first) >= maxViolations {
		l.overTheCap++
		return
	}
	l.first = append(l.first, when+": "+what)
}

// list is the distinct violations, followed by lines counting what was left out.
func (l *violationLog) list() []string {
	out := append([]string(nil), l.first...)
	if l.overTheCap > 0 {
		out = append(out, fmt.Sprintf("... and %d more distinct violations", l.overTheCap))
	}
	if l.repeats > 0 {
		out = append(out, fmt.Sprintf("... (%d repeated sightings of violations already listed suppressed)", l.repeats))
	}
	return out
}
