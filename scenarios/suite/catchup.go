package suite

import (
	"bytes"
	"fmt"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// CatchUpTimeout is how long every live member gets, once the repaired cluster accepted a write, to
// apply the same entries as the others.
const CatchUpTimeout = 10 * second

// catchUp checks liveness member by member: after the final repair every member of the cluster (as
// the most advanced node's membership says) must be up, apply the same index as the others and hold
// the same key space. It waits up to CatchUpTimeout and describes every member that did not catch
// up, or returns nil.
func catchUp(sim *netsim.Sim) []string {
	deadline := sim.Now() + CatchUpTimeout
	var members []uint64
	sim.RunUntil(func() bool {
		members = currentMembers(sim)
		return caughtUp(sim, members) == nil
	}, deadline)
	problems := caughtUp(sim, members)
	if len(problems) > 0 {
		for i, p := range problems {
			problems[i] = fmt.Sprintf("%s (after %v)", p, time.Duration(CatchUpTimeout))
		}
		return problems
	}
	return sameStores(sim, members)
}

// currentMembers is the membership applied by the live node that applied the most, members without
// a simulated node (an addition whose outcome the operator never learned) left out.
func currentMembers(sim *netsim.Sim) []uint64 {
	var best *node.Node
	for _, id := range sim.Nodes() {
		if n := nodehost.Node(sim, id); n != nil && !n.Status().Removed && (best == nil || n.Status().Applied > best.Status().Applied) {
			best = n
		}
	}
	if best == nil {
		return nil
	}
	var out []uint64
	for _, m := range best.Status().Members {
		if _, err := sim.Info(m.ID); err == nil {
			out = append(out, m.ID)
		}
	}
	return out
}

// caughtUp lists the members that are down, paused, stopped, or behind the most advanced one.
func caughtUp(sim *netsim.Sim, members []uint64) []string {
	if len(members) == 0 {
		return []string{"liveness: no live member holds the membership"}
	}
	var problems []string
	var top uint64
	var topName string
	for _, id := range members {
		if info, _ := sim.Info(id); info.Alive && info.Status.Applied > top {
			top, topName = info.Status.Applied, info.Name
		}
	}
	for _, id := range members {
		info, _ := sim.Info(id)
		switch {
		case !info.Alive:
			problems = append(problems, fmt.Sprintf("liveness: member %s is down at the end", info.Name))
		case info.Paused:
			problems = append(problems, fmt.Sprintf("liveness: member %s is paused at the end", info.Name))
		case info.Status.Failed != nil:
			problems = append(problems, fmt.Sprintf("liveness: member %s stopped: %v", info.Name, info.Status.Failed))
		case info.Status.Applied < top:
			problems = append(problems, fmt.Sprintf("liveness: member %s applied up to %d, %s up to %d",
				info.Name, info.Status.Applied, topName, top))
		case info.Status.Commit > info.Status.Applied:
			problems = append(problems, fmt.Sprintf("liveness: member %s committed %d but applied only %d",
				info.Name, info.Status.Commit, info.Status.Applied))
		}
	}
	return problems
}

// sameStores compares the key spaces of members that applied the same entries.
func sameStores(sim *netsim.Sim, members []uint64) []string {
	var ref []byte
	var refName string
	var problems []string
	for _, id := range members {
		st := nodehost.Store(sim, id)
		if st == nil {
			continue
		}
		data, err := st.Save()
		if err != nil {
			problems = append(problems, fmt.Sprintf("liveness: %s's store cannot be saved: %v", sim.Name(id), err))
			continue
		}
		if ref == nil {
			ref, refName = data, sim.Name(id)
			continue
		}
		if !bytes.Equal(ref, data) {
			problems = append(problems, fmt.Sprintf("liveness: member %s applied the same entries as %s but its store differs: %s",
				sim.Name(id), refName, firstDifference(ref, data)))
		}
	}
	return problems
}

// firstDifference shows where two encodings part: a few bytes of each from the first difference.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("at byte %d, %q vs %q", i, a[from:min(len(a), i+60)], b[from:min(len(b), i+60)])
}
