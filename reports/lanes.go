package reports

import (
	"fmt"
	"math"
	"slices"
)

// lane is one node's row in per-node figures.
type lane struct {
	id   uint64
	name string
}

// lanesOf lists run.Nodes in order, then every node id that only appears in
// samples, faults or steps (ascending), so no observation is dropped.
func lanesOf(run Run) []lane {
	lanes := make([]lane, 0, len(run.Nodes))
	known := make(map[uint64]bool, len(run.Nodes))
	for _, n := range run.Nodes {
		lanes = append(lanes, lane{id: n.ID, name: nodeName(n.ID, n.Name)})
		known[n.ID] = true
	}
	var extra []uint64
	add := func(id uint64) {
		if !known[id] {
			known[id] = true
			extra = append(extra, id)
		}
	}
	for _, s := range run.Samples {
		add(s.Node)
	}
	for _, f := range run.Faults {
		for _, id := range f.Nodes {
			add(id)
		}
	}
	for _, st := range run.Steps {
		for _, l := range st.Logs {
			add(l.Node)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		lanes = append(lanes, lane{id: id, name: nodeName(id, "")})
	}
	return lanes
}

// nodeName is name, or a name made from the id when name is empty.
func nodeName(id uint64, name string) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("node %d", id)
}

// laneIndex maps node ids to their lane position.
func laneIndex(lanes []lane) map[uint64]int {
	idx := make(map[uint64]int, len(lanes))
	for i, l := range lanes {
		idx[l.id] = i
	}
	return idx
}

// neverReturned reports whether op has no usable return time.
func neverReturned(op OpPoint) bool {
	return op.Return < op.Call || op.Return == math.MaxInt64
}

// runEnd is the latest virtual time anything in the run refers to.
func runEnd(run Run) int64 {
	var end int64
	for _, s := range run.Samples {
		end = max(end, s.At)
	}
	for _, f := range run.Faults {
		end = max(end, f.End)
	}
	for _, op := range run.Ops {
		end = max(end, op.Call)
		if !neverReturned(op) {
			end = max(end, op.Return)
		}
	}
	for _, st := range run.Steps {
		end = max(end, st.At)
	}
	return end
}

// seconds converts virtual nanoseconds to seconds.
func seconds(ns int64) float64 { return float64(ns) / 1e9 }
