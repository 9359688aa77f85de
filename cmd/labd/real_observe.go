package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/scenarios/story"
)

// statuses asks every running member about itself; members that are down, paused or do not
// answer are left out.
func (x *realExecutor) statuses() map[string]realcluster.Status {
	out := map[string]realcluster.Status{}
	for _, name := range x.st.Nodes {
		if st, err := x.c.Status(name); err == nil {
			out[name] = st
		}
	}
	return out
}

// leader is the leader with the highest term among names (a deposed leader that has not heard of
// the new term yet still calls itself leader), or "".
func (x *realExecutor) leader(names []string) (string, uint64) {
	return leaderIn(x.statuses(), names)
}

// leaderIn picks the highest-term leader among names in a set of statuses.
func leaderIn(sts map[string]realcluster.Status, names []string) (string, uint64) {
	lead, term := "", uint64(0)
	for _, name := range names {
		if st, ok := sts[name]; ok && st.Role == "leader" && (lead == "" || st.Term > term) {
			lead, term = name, st.Term
		}
	}
	return lead, term
}

// role is a member's role, or down / paused.
func (x *realExecutor) role(name string) string {
	switch x.c.State(name) {
	case realcluster.StateDown:
		return "down"
	case realcluster.StatePaused:
		return "paused"
	}
	st, err := x.c.Status(name)
	if err != nil {
		return "unreachable"
	}
	return st.Role
}

// resolve turns a node reference (a name, an alias, leader, follower, random) into a name.
func (x *realExecutor) resolve(ref string) (string, error) {
	if a, ok := x.aliases[ref]; ok {
		ref = a
	}
	switch ref {
	case "leader":
		if lead, _ := x.leader(x.st.Nodes); lead != "" {
			return lead, nil
		}
		return "", fmt.Errorf("no leader")
	case "follower":
		lead, _ := x.leader(x.st.Nodes)
		for _, n := range x.st.Nodes {
			if n != lead && x.c.State(n) == realcluster.StateRunning {
				return n, nil
			}
		}
		return "", fmt.Errorf("no running follower")
	case "random":
		return x.st.Nodes[x.rng.IntN(len(x.st.Nodes))], nil
	}
	if slices.Contains(x.st.Nodes, ref) {
		return ref, nil
	}
	return "", fmt.Errorf("unknown node %q", ref)
}

// resolveAll resolves a set of references; an empty set means every node.
func (x *realExecutor) resolveAll(refs []string) ([]string, error) {
	if len(refs) == 0 {
		return append([]string(nil), x.st.Nodes...), nil
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		n, err := x.resolve(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// until polls pred until it holds or d has passed, narrating async results meanwhile.
func (x *realExecutor) until(pred func() bool, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if pred() {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(realPoll)
		x.reportAsync()
	}
}

// wait sleeps for a duration, or waits until a condition holds (at most the duration).
func (x *realExecutor) wait(s *story.Stmt) {
	if s.Cond == nil {
		x.until(func() bool { return false }, s.Duration)
		return
	}
	c := s.Cond
	var pred func() bool
	var what string
	switch c.What {
	case "leader":
		names, err := x.resolveAll(c.Nodes)
		if err != nil {
			x.failf(s.Pos, "expected nodes to wait for, got %v", err)
			return
		}
		pred = func() bool { lead, _ := x.leader(names); return lead != "" }
		what = "a leader elected"
		if len(c.Nodes) > 0 {
			what += " among " + setName(names)
		}
	case "role":
		name, err := x.resolve(c.Node)
		if err != nil {
			x.failf(s.Pos, "expected a node to wait for, got %v", err)
			return
		}
		pred = func() bool { return x.role(name) == c.Role }
		what = fmt.Sprintf("%s to be %s", name, c.Role)
	case "done":
		ro, ok := x.ops[c.Name]
		if !ok {
			x.failf(s.Pos, "expected an operation called %s, got none", c.Name)
			return
		}
		pred = ro.finished
		what = c.Name + " to complete"
	case "converged":
		x.event("logs converge: approximated by the same Raft commit index and term on every running member (logs are not observable from outside kvd)")
		pred = x.converged
		what = "every running member to reach the same commit index and term"
	default:
		x.skipf(s.Pos, "wait until %s: not known to labd real", c.What)
		return
	}
	started := time.Now()
	if x.until(pred, s.Duration) {
		x.event(fmt.Sprintf("waited %s for %s", time.Since(started).Round(time.Millisecond), what))
		return
	}
	x.failf(s.Pos, "expected %s within %s, got %s", what, s.Duration, x.describeCluster())
}

// converged says whether every running member reports the same commit index and term, twice in a
// row (so that a heartbeat in flight does not fool it).
func (x *realExecutor) converged() bool {
	same := func() (uint64, uint64, bool) {
		sts := x.statuses()
		if len(sts) == 0 {
			return 0, 0, false
		}
		var commit, term uint64
		first := true
		for _, n := range x.st.Nodes {
			if x.c.State(n) != realcluster.StateRunning {
				continue
			}
			st, ok := sts[n]
			if !ok {
				return 0, 0, false
			}
			if first {
				commit, term, first = st.Commit, st.Term, false
			} else if st.Commit != commit || st.Term != term {
				return 0, 0, false
			}
		}
		return commit, term, true
	}
	c1, t1, ok := same()
	if !ok {
		return false
	}
	time.Sleep(realPoll)
	c2, t2, ok := same()
	return ok && c1 == c2 && t1 == t2
}

// describeCluster is every member's role and term in one line, for failure messages.
func (x *realExecutor) describeCluster() string {
	sts := x.statuses()
	out := ""
	for i, n := range x.st.Nodes {
		if i > 0 {
			out += ", "
		}
		if st, ok := sts[n]; ok {
			out += fmt.Sprintf("%s %s term %d commit %d", n, st.Role, st.Term, st.Commit)
		} else {
			out += fmt.Sprintf("%s %s", n, x.role(n))
		}
	}
	return out
}

// setName renders {n1,n2}.
func setName(names []string) string {
	out := "{"
	for i, n := range names {
		if i > 0 {
			out += ","
		}
		out += n
	}
	return out + "}"
}
