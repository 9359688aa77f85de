package reports

import (
	"cmp"
	"slices"
)

// segment is a span during which one node kept the same role and term.
type segment struct {
	lane       int
	start, end int64
	role       string
	term       uint64
	// newTerm is set on the first segment of a lane and wherever the term
	// differs from the lane's previous segment.
	newTerm bool
}

// segmentsOf turns samples into per-lane segments ending at end. Samples of
// one node are ordered by time (stable, so equal times keep input order);
// consecutive samples with the same role and term are merged.
func segmentsOf(samples []Sample, lanes []lane, end int64) []segment {
	idx := laneIndex(lanes)
	perLane := make([][]Sample, len(lanes))
	for _, s := range samples {
		i := idx[s.Node]
		perLane[i] = append(perLane[i], s)
	}
	var segs []segment
	for li, ss := range perLane {
		sortSamples(ss)
		first := len(segs)
		for _, s := range ss {
			if len(segs) > first {
				last := &segs[len(segs)-1]
				if last.role == s.Role && last.term == s.Term {
					continue
				}
				last.end = s.At
			}
			segs = append(segs, segment{
				lane:    li,
				start:   s.At,
				role:    s.Role,
				term:    s.Term,
				newTerm: len(segs) == first || segs[len(segs)-1].term != s.Term,
			})
		}
		if len(segs) > first {
			segs[len(segs)-1].end = max(end, segs[len(segs)-1].start)
		}
	}
	return segs
}

// sortSamples orders samples by time; equal times keep their input order.
func sortSamples(ss []Sample) {
	slices.SortStableFunc(ss, func(a, b Sample) int { return cmp.Compare(a.At, b.At) })
}
