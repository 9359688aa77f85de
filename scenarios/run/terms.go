package run

import (
	"fmt"

	"github.com/raftlab/raftlab/scenarios/story"
)

// TermLabels binds a story's term labels to the terms a run observes: the first assertion that
// names a label binds it, later ones must see the same term, and `after LABEL` asks for a later
// term. The simulator's executor and labd's real-process executor share it.
type TermLabels struct {
	bound map[string]uint64
}

// Match reports whether got satisfies ref, binding ref's label on its first use, and describes
// what ref asked for ("term 2", "term T2 = 3", "a term after T1 = 2"). A label is bound only when
// the match holds, so a failed first use leaves it unbound and later uses say so.
func (l *TermLabels) Match(ref story.TermRef, got uint64) (ok bool, want string) {
	if l.bound == nil {
		l.bound = map[string]uint64{}
	}
	if ref.Label == "" && ref.After == "" {
		return got == ref.Number, fmt.Sprintf("term %d", ref.Number)
	}
	ok = true
	want = "term " + ref.Label
	if ref.Label == "" {
		want = "a term"
	}
	if term, bound := l.bound[ref.Label]; bound {
		return got == term, fmt.Sprintf("term %s = %d", ref.Label, term)
	}
	if ref.After != "" {
		before, bound := l.bound[ref.After]
		if !bound {
			return false, fmt.Sprintf("%s after %s (unknown: the assertion that first names %s failed)", want, ref.After, ref.After)
		}
		ok = got > before
		want += fmt.Sprintf(" after %s = %d", ref.After, before)
	}
	if ok && ref.Label != "" {
		l.bound[ref.Label] = got
	}
	return ok, want
}

// Bound is the term bound to label, if any.
func (l *TermLabels) Bound(label string) (uint64, bool) {
	term, ok := l.bound[label]
	return term, ok
}
