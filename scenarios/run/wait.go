package run

import (
	"fmt"

	"github.com/raftlab/raftlab/scenarios/story"
)

// wait runs the simulation for a duration, or until a condition holds (at most the duration).
func (x *executor) wait(s *story.Stmt) {
	if s.Cond == nil {
		x.runFor(s.Pos, int64(s.Duration))
		return
	}
	c := s.Cond
	var pred func() bool
	var what string
	switch c.What {
	case "leader":
		ids, err := x.resolveAll(c.Nodes)
		if err != nil {
			x.failf(s.Pos, "expected nodes to wait for, got %v", err)
			return
		}
		pred = func() bool { return x.leaderAmong(ids) != 0 }
		what = "a leader elected"
		if len(ids) > 0 {
			what += " among " + x.setName(ids)
		}
	case "role":
		id, err := x.resolve(c.Node)
		if err != nil {
			x.failf(s.Pos, "expected a node to wait for, got %v", err)
			return
		}
		pred = func() bool { return x.role(id) == c.Role }
		what = fmt.Sprintf("%s to be %s", x.name(id), c.Role)
	case "done":
		if x.skippedName(s.Pos, "wait until "+c.Name+" done", c.Name) {
			return
		}
		no, ok := x.ops[c.Name]
		if !ok {
			x.failf(s.Pos, "expected an operation called %s, got none", c.Name)
			return
		}
		pred = no.call.Done
		what = c.Name + " to complete"
	case "converged":
		pred = func() bool { _, ok := x.converged(); return ok }
		what = "every live node's log to converge"
	}
	if x.runUntil(s.Pos, pred, int64(s.Duration)) {
		return
	}
	got := "it did not happen"
	switch c.What {
	case "leader":
		got = "no leader"
		if id, term := x.d.Leader(); id != 0 {
			got = fmt.Sprintf("leader %s in term %d", x.name(id), term)
		}
	case "role":
		id, _ := x.resolve(c.Node)
		got = x.name(id) + " is " + x.role(id)
	case "converged":
		got, _ = x.converged()
	}
	x.failf(s.Pos, "expected %s within %s, got %s", what, fmtDur(int64(s.Duration)), got)
}

// leaderAmong is the live leader when it is one of ids (any node when ids is empty), else 0.
func (x *executor) leaderAmong(ids []uint64) uint64 {
	lead, _ := x.d.Leader()
	if lead == 0 || len(ids) == 0 {
		return lead
	}
	for _, id := range ids {
		if id == lead {
			return lead
		}
	}
	return 0
}

// members are the nodes that take part: every node started and not removed.
func (x *executor) members() []uint64 {
	var out []uint64
	for _, id := range x.d.Nodes() {
		if !x.removed[id] {
			out = append(out, id)
		}
	}
	return out
}

// converged reports whether every running member has the same last entry (index and term, which
// by log matching means the same log) and the same commit index; otherwise it describes the first
// difference. Where logs cannot be seen (real processes) it compares the commit index and the
// term; a member that runs but does not answer has not converged as far as anyone can tell.
func (x *executor) converged() (string, bool) {
	var ref uint64
	var refSig string
	for _, id := range x.members() {
		st := x.d.Status(id)
		switch st.Role {
		case roleDown, rolePaused:
			continue
		case roleUnreachable:
			return x.name(id) + " does not answer", false
		}
		sig := fmt.Sprintf("commit %d", st.Commit)
		if log, err := x.d.Log(id); err != nil {
			sig += fmt.Sprintf(" term %d", st.Term)
		} else if log.LastIndex > 0 {
			sig += fmt.Sprintf(" last %d/%d", log.LastIndex, log.LastTerm)
		}
		if ref == 0 {
			ref, refSig = id, sig
			continue
		}
		if sig != refSig {
			return fmt.Sprintf("%s and %s differ (%s: %s; %s: %s)", x.name(ref), x.name(id), x.name(ref),
				x.describeLog(ref, refSig), x.name(id), x.describeLog(id, sig)), false
		}
	}
	return "", true
}

// describeLog is a node's log in the story's syntax, or sig where the log cannot be seen.
func (x *executor) describeLog(id uint64, sig string) string {
	if log, err := x.d.Log(id); err == nil {
		return summarize(log.Cells)
	}
	return sig
}
