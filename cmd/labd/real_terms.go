package main

import (
	"fmt"

	storyrun "github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/story"
)

// termMap relates the story's terms to the real cluster's. Real processes are not deterministic: a
// split vote or an election timeout that fires twice under load spends a term, so the majority that
// the simulation elects in term 2 may win term 3 for real. Raft only promises that terms grow, so a
// story term is checked as a label: the first real term seen for it binds it, later expectations of
// the same story term must see that same real term, and bindings must keep the story's order.
type termMap struct {
	real   map[uint64]uint64 // story term -> real term
	labels storyrun.TermLabels
}

// matchRef checks a story's term reference: a number as match does, a label or `after LABEL` as
// the simulator's executor does.
func (m *termMap) matchRef(ref story.TermRef, realTerm uint64) (ok bool, note string) {
	if ref.Label == "" && ref.After == "" {
		return m.match(ref.Number, realTerm)
	}
	ok, want := m.labels.Match(ref, realTerm)
	if !ok {
		return false, ""
	}
	return true, fmt.Sprintf(" (%s)", want)
}

// match reports whether realTerm can stand for storyTerm, binding it the first time; note explains
// a binding to a different number.
func (m *termMap) match(storyTerm, realTerm uint64) (ok bool, note string) {
	if m.real == nil {
		m.real = map[uint64]uint64{}
	}
	if bound, seen := m.real[storyTerm]; seen {
		return bound == realTerm, ""
	}
	for s, r := range m.real {
		if (s < storyTerm && r >= realTerm) || (s > storyTerm && r <= realTerm) {
			return false, "" // would break the order of the terms bound so far
		}
	}
	m.real[storyTerm] = realTerm
	if realTerm != storyTerm {
		note = fmt.Sprintf(" (real term %d stands for the story's term %d: the real election spent %s)",
			realTerm, storyTerm, spentTerms(realTerm, storyTerm))
	}
	return true, note
}

// spentTerms describes how many more (or fewer) terms the real cluster used.
func spentTerms(realTerm, storyTerm uint64) string {
	if realTerm > storyTerm {
		if realTerm-storyTerm == 1 {
			return "one more term, e.g. on a split vote"
		}
		return fmt.Sprintf("%d more terms, e.g. on split votes", realTerm-storyTerm)
	}
	return fmt.Sprintf("%d fewer terms", storyTerm-realTerm)
}
