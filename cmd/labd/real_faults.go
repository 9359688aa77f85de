package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/story"
)

// openFault is a fault window still open: what repairs it closes it.
type openFault struct {
	window reports.FaultWindow
	// kind: "net" (closed by heal), "crash:NODE" (restart), "pause:NODE" (resume), "delay" (net reset).
	kind string
}

// openLinks opens the links the cluster started with cut, giving every link the story's latency.
func (x *realExecutor) openLinks() {
	x.pendingOpen = false
	x.c.Network().Restore(x.latencyTable())
}

// latencyTable is every link with a delay drawn from the story's latency range and no cut.
func (x *realExecutor) latencyTable() realcluster.LinkTable {
	t := realcluster.LinkTable{}
	for _, from := range x.st.Nodes {
		for _, to := range x.st.Nodes {
			if from != to {
				t[realLink(from, to)] = realcluster.LinkState{Delay: x.drawDelay(x.st.LatencyMin, x.st.LatencyMax)}
			}
		}
	}
	return t
}

// drawDelay is uniform in [lo, hi) (lo when the range is empty).
func (x *realExecutor) drawDelay(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(x.rng.Int64N(int64(hi-lo)))
}

// campaign makes a node leader as best it can: kvd has no campaign endpoint, so the links between
// every other pair of members are cut until the node wins and then restored. With four members or
// more only the node can then reach a majority; with three a rival can still win. It is reported
// as skipped when the node does not win in time.
func (x *realExecutor) campaign(s *story.Stmt) {
	target, err := x.resolve(s.Node)
	if err != nil {
		x.failf(s.Pos, "expected a node to campaign, got %v", err)
		return
	}
	restore := x.c.Network().Links()
	if x.pendingOpen {
		restore = x.latencyTable()
		x.pendingOpen = false
	}
	mask := realcluster.LinkTable{}
	for l, st := range restore {
		mask[l] = st
	}
	for _, a := range x.st.Nodes {
		for _, b := range x.st.Nodes {
			if a != b && a != target && b != target {
				st := mask[realLink(a, b)]
				st.Cut = true
				mask[realLink(a, b)] = st
			}
		}
	}
	x.c.Network().Restore(mask)
	budget := 10 * x.st.Election
	won := x.until(func() bool { return x.role(target) == "leader" }, budget)
	x.c.Network().Restore(restore)
	if !won {
		why := ""
		if 2 > len(x.st.Nodes)/2 { // a rival and the target alone are a majority
			why = fmt.Sprintf(" (with %d members a rival still reaches a majority through %s)", len(x.st.Nodes), target)
		}
		x.skipf(s.Pos, "campaign %s: kvd has no campaign endpoint; cutting the links between the other members did not make %s leader within %s%s", target, target, budget, why)
		return
	}
	st, _ := x.c.Status(target)
	x.event(fmt.Sprintf("campaign %s: %s leads in term %d (best effort: kvd has no campaign endpoint, so the links between the other members were cut until %s won)", target, target, st.Term, target))
}

// fault performs a nemesis fault on the real processes, or reports why it cannot.
func (x *realExecutor) fault(s *story.Stmt) {
	f, err := nemesis.Parse(s.Text)
	if err != nil {
		x.failf(s.Pos, "expected a fault, got %v", err)
		return
	}
	if err := x.applyFault(s.Pos, f); err != nil {
		x.failf(s.Pos, "expected to apply %s, got %v", f, err)
		return
	}
}

// applyFault maps one fault onto proxies and signals. Faults without a real counterpart are
// skipped with the reason.
func (x *realExecutor) applyFault(pos story.Pos, f nemesis.Fault) error {
	nw := x.c.Network()
	switch f := f.(type) {
	case nemesis.Partition:
		groups := completeGroups(f.Groups, x.st.Nodes)
		x.cutBetween(groups)
		x.openWindow(f.String(), "net", groups...)
	case nemesis.RandomHalves:
		shuffled := append([]string(nil), x.st.Nodes...)
		x.rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		half := len(shuffled) / 2
		groups := [][]string{shuffled[:half], shuffled[half:]}
		x.cutBetween(groups)
		x.openWindow(fmt.Sprintf("partition %s %s", setName(groups[0]), setName(groups[1])), "net", groups[0])
	case nemesis.Bridge:
		mid := len(x.st.Nodes) / 2
		left, right := x.st.Nodes[:mid], x.st.Nodes[mid+1:]
		x.cutBetween([][]string{left, right})
		x.openWindow(fmt.Sprintf("bridge through %s", x.st.Nodes[mid]), "net")
	case nemesis.Isolate:
		name, err := x.resolve(string(f.Node))
		if err != nil {
			return err
		}
		x.cutBetween([][]string{{name}, without(x.st.Nodes, name)})
		x.openWindow("isolate "+name, "net", []string{name})
	case nemesis.CutLink:
		from, err := x.resolve(f.From)
		if err != nil {
			return err
		}
		to, err := x.resolve(f.To)
		if err != nil {
			return err
		}
		nw.SetCut(from, to, true)
		x.openWindow(fmt.Sprintf("cut %s->%s", from, to), "net", []string{from, to})
	case nemesis.Heal:
		nw.HealCuts()
		x.closeWindows(func(k string) bool { return k == "net" })
	case nemesis.Delay:
		for _, from := range x.st.Nodes {
			for _, to := range x.st.Nodes {
				if from != to {
					st := nw.Link(from, to)
					st.Delay = x.drawDelay(f.Min, f.Max)
					nw.SetLink(from, to, st)
				}
			}
		}
		x.openWindow(f.String(), "delay")
	case nemesis.NetReset:
		for l, st := range nw.Links() {
			st.Delay = x.drawDelay(x.st.LatencyMin, x.st.LatencyMax)
			nw.SetLink(l.From, l.To, st)
		}
		x.closeWindows(func(k string) bool { return k == "delay" })
	case nemesis.Crash:
		return x.crash(f)
	case nemesis.Restart:
		return x.forNodes(f.Node, realcluster.StateDown, func(name string) error {
			if err := x.c.Restart(name); err != nil {
				return err
			}
			x.closeWindows(func(k string) bool { return k == "crash:"+name })
			return nil
		})
	case nemesis.Pause:
		name, err := x.resolve(string(f.Node))
		if err != nil {
			return err
		}
		if err := x.c.Pause(name); err != nil {
			return err
		}
		x.openWindow("pause "+name, "pause:"+name, []string{name})
	case nemesis.Resume:
		return x.forNodes(f.Node, realcluster.StatePaused, func(name string) error {
			if err := x.c.Resume(name); err != nil {
				return err
			}
			x.closeWindows(func(k string) bool { return k == "pause:"+name })
			return nil
		})
	case nemesis.LinkFault:
		x.skipf(pos, "%s: the proxy carries TCP streams and cannot drop, duplicate or reorder single messages", f)
		return nil
	case nemesis.DiskFault:
		x.skipf(pos, "%s: disk faults (torn or failed writes) cannot be injected into a real kvd process", f)
		return nil
	case nemesis.ClockSkew, nemesis.ClockDrift:
		x.skipf(pos, "%s: a real process's clock cannot be skewed from outside", f)
		return nil
	case nemesis.MemberAdd, nemesis.MemberRemove:
		x.skipf(pos, "%s: membership changes are not supported by labd real yet", f)
		return nil
	default:
		x.skipf(pos, "%s: no real counterpart", f)
		return nil
	}
	x.event("fault: " + f.String())
	return nil
}

// crash kills one node, or every running node for `crash all`, with SIGKILL.
func (x *realExecutor) crash(f nemesis.Crash) error {
	var names []string
	if f.Node == nemesis.RefAll {
		for _, n := range x.st.Nodes {
			if x.c.State(n) != realcluster.StateDown {
				names = append(names, n)
			}
		}
	} else {
		name, err := x.resolve(string(f.Node))
		if err != nil {
			return err
		}
		names = []string{name}
	}
	for _, name := range names {
		if err := x.c.Kill(name); err != nil {
			return err
		}
		x.openWindow("crash "+name, "crash:"+name, []string{name})
	}
	x.event(fmt.Sprintf("fault: %s (kill -9 %s)", f, setName(names)))
	return nil
}

// forNodes runs do on one node, or for "all" on every node in state want.
func (x *realExecutor) forNodes(ref nemesis.NodeRef, want realcluster.MemberState, do func(string) error) error {
	if ref != nemesis.RefAll {
		name, err := x.resolve(string(ref))
		if err != nil {
			return err
		}
		return do(name)
	}
	for _, n := range x.st.Nodes {
		if x.c.State(n) == want {
			if err := do(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// cutBetween cuts every link between nodes of different groups, both ways.
func (x *realExecutor) cutBetween(groups [][]string) {
	group := map[string]int{}
	for i, g := range groups {
		for _, n := range g {
			group[n] = i
		}
	}
	for _, a := range x.st.Nodes {
		for _, b := range x.st.Nodes {
			if a != b && group[a] != group[b] {
				x.c.Network().SetCut(a, b, true)
			}
		}
	}
}

// completeGroups adds the nodes no group names as one more group.
func completeGroups(groups [][]string, nodes []string) [][]string {
	var rest []string
	for _, n := range nodes {
		named := false
		for _, g := range groups {
			named = named || slices.Contains(g, n)
		}
		if !named {
			rest = append(rest, n)
		}
	}
	if len(rest) > 0 {
		groups = append(groups, rest)
	}
	return groups
}

// without is names minus drop.
func without(names []string, drop string) []string {
	var out []string
	for _, n := range names {
		if n != drop {
			out = append(out, n)
		}
	}
	return out
}

// openWindow starts a fault window for the report's timeline.
func (x *realExecutor) openWindow(label, kind string, groups ...[]string) {
	w := reports.FaultWindow{Start: x.now(), End: -1, Label: label}
	if len(groups) > 0 {
		for _, n := range groups[0] {
			w.Nodes = append(w.Nodes, uint64(slices.Index(x.st.Nodes, n)+1))
		}
	}
	x.faults = append(x.faults, openFault{window: w, kind: kind})
}

// closeWindows ends the open windows whose kind matches.
func (x *realExecutor) closeWindows(match func(kind string) bool) {
	now := x.now()
	for i := range x.faults {
		if x.faults[i].window.End < 0 && match(x.faults[i].kind) {
			x.faults[i].window.End = now
		}
	}
}
