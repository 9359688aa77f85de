package realproc

import (
	"sort"
	"time"
)

// Link is one direction of the connection between two members: what From sends To.
type Link struct{ From, To string }

// LinkState is the fault on one directed link. The zero value is a healthy link.
type LinkState struct {
	// Cut drops everything sent on the link; the sender does not notice (as with a pulled cable).
	Cut bool
	// Delay holds every byte this long before it is forwarded.
	Delay time.Duration
}

// LinkTable is every non-healthy directed link; links not in it are healthy.
type LinkTable map[Link]LinkState

// clone returns a copy of t without healthy entries.
func (t LinkTable) clone() LinkTable {
	out := make(LinkTable, len(t))
	for l, s := range t {
		if s != (LinkState{}) {
			out[l] = s
		}
	}
	return out
}

// CutLinks lists the cut links in a fixed order, for narratives.
func (t LinkTable) CutLinks() []Link {
	var out []Link
	for l, s := range t {
		if s.Cut {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}

// Connected says whether a and b exchange messages both ways (neither direction is cut).
func (t LinkTable) Connected(a, b string) bool {
	return a == b || (!t[Link{a, b}].Cut && !t[Link{b, a}].Cut)
}
