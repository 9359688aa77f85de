package realcluster

import (
	"sort"
	"time"
)

// Link is one direction of the connection between two members: what From sends To.
type Link struct{ From, To string }

// LinkState is the fault on one directed link. The zero value is a healthy link.
type LinkState struct {
	// Cut drops everything on the link: streams in flight are black-holed, new ones get no answer.
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
