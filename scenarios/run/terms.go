package run

import (
	"fmt"

	"github.com/raftlab/raftlab/scenarios/story"
)

// TermLabels binds a story's term labels to the terms a run observes: the first assertion that
// names a label binds it, later ones must see the same term, and `after LABEL` asks for a later
// term.
//
// On a driver whose terms a story cannot predict (DriverInfo.TermsAsLabels: real clusters spend
// terms on their bootstrap election and on split votes), the numbers a story gives to terms are
// read as labels too: the first term seen for a number binds it, later assertions of the same
// number must see that same term, and bindings must keep the numbers' order.
type TermLabels struct {
	bound map[string]uint64
	// numbers binds story term numbers to observed terms (loose matching only).
	numbers map[uint64]uint64
}

// Match reports whether got satisfies ref, binding ref's label on its first use, and describes
// what ref asked for ("term 2", "term T2 = 3", "a term after T1 = 2"). A label is bound only when
// the match holds, so a failed first use leaves it unbound and later uses say so. With loose set,
// a number is matched as a label (see TermLabels).
func (l *TermLabels) Match(ref story.TermRef, got uint64, loose bool) (ok bool, want string) {
	if l.bound == nil {
		l.bound = map[string]uint64{}
	}
	if ref.Label == "" && ref.After == "" {
		if loose {
			return l.matchNumber(ref.Number, got)
		}
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

// matchNumber matches a story's term number as an ordered label.
func (l *TermLabels) matchNumber(number, got uint64) (bool, string) {
	if l.numbers == nil {
		l.numbers = map[uint64]uint64{}
	}
	if bound, seen := l.numbers[number]; seen {
		return bound == got, fmt.Sprintf("term %d (= observed term %d)", number, bound)
	}
	for s, r := range l.numbers {
		if (s < number && r >= got) || (s > number && r <= got) {
			return false, fmt.Sprintf("term %d (later than the terms bound to smaller numbers, earlier than those of larger ones)", number)
		}
	}
	l.numbers[number] = got
	return true, fmt.Sprintf("term %d (bound to observed term %d)", number, got)
}

// Bound is the term bound to label, if any.
func (l *TermLabels) Bound(label string) (uint64, bool) {
	term, ok := l.bound[label]
	return term, ok
}
