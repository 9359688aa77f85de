package run

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/scenarios/story"
)

// wordPattern matches the words of a fault's text that may be node references.
var wordPattern = regexp.MustCompile(`[A-Za-z0-9_][A-Za-z0-9_.-]*`)

// faultText replaces aliases and the cluster line's names in a fault by the names the driver's
// fault target knows the nodes by.
func (x *executor) faultText(text string) string {
	t := x.d.Faults()
	return wordPattern.ReplaceAllStringFunc(text, func(w string) string {
		if id, ok := x.aliases[w]; ok {
			return t.Name(id)
		}
		for i, n := range x.st.Nodes {
			if n == w {
				return t.Name(x.ids[i])
			}
		}
		return w
	})
}

// splitAs cuts a trailing `as NAME` off a fault (membership changes can be named).
func splitAs(text string) (string, string) {
	f := strings.Fields(text)
	if len(f) >= 3 && f[len(f)-2] == "as" {
		return strings.Join(f[:len(f)-2], " "), f[len(f)-1]
	}
	return text, ""
}

// unsupported reports an action the driver cannot perform as skipped; it says whether err was one.
func (x *executor) unsupported(pos story.Pos, err error) bool {
	if err == nil || !errors.Is(err, errors.ErrUnsupported) {
		return false
	}
	x.skipf(pos, "%v", err)
	return true
}

// nodeRoles is every node's role, to tell which nodes a fault took down, paused or brought back.
func (x *executor) nodeRoles() map[uint64]string {
	out := map[uint64]string{}
	for _, id := range x.d.Nodes() {
		out[id] = x.d.Status(id).Role
	}
	return out
}

// changedBy is a role change a fault made: into or out of down or paused.
func changedBy(before, after string) bool {
	return (before == roleDown) != (after == roleDown) || (before == rolePaused) != (after == rolePaused)
}

// fault applies a nemesis fault and keeps its window.
func (x *executor) fault(s *story.Stmt) {
	raw, name := splitAs(s.Text)
	text := x.faultText(raw)
	f, err := nemesis.Parse(text)
	if err != nil {
		x.failf(s.Pos, "expected a fault, got %v", err)
		return
	}
	switch f := f.(type) {
	case nemesis.MemberAdd:
		x.memberAdd(s, f, name)
		return
	case nemesis.MemberRemove:
		x.memberRemove(s, f, name)
		return
	}
	before := x.nodeRoles()
	err = f.Apply(x.d.Faults())
	if x.unsupported(s.Pos, err) {
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to apply `%s`, got %v", text, err)
		return
	}
	after := x.nodeRoles()
	now := x.d.Now()
	x.event("fault: " + f.String())
	var changed []uint64
	for _, id := range x.d.Nodes() {
		if changedBy(before[id], after[id]) {
			changed = append(changed, id)
		}
	}
	switch f.(type) {
	case nemesis.Partition, nemesis.RandomHalves, nemesis.Isolate, nemesis.Bridge, nemesis.CutLink:
		x.openWindow(f.String(), "network", nil, now)
	case nemesis.Heal:
		x.closeWindows(now, func(w *FaultWindow) bool { return w.Kind == "network" })
	case nemesis.Crash:
		for _, id := range changed {
			x.openWindow(f.String(), "crash", []string{x.name(id)}, now)
		}
	case nemesis.Pause:
		for _, id := range changed {
			x.openWindow(f.String(), "pause", []string{x.name(id)}, now)
		}
	case nemesis.Restart:
		x.closeNodeWindows(now, "crash", changed)
	case nemesis.Resume:
		x.closeNodeWindows(now, "pause", changed)
	case nemesis.Delay, nemesis.LinkFault:
		x.openWindow(f.String(), "link", nil, now)
	case nemesis.NetReset:
		x.closeWindows(now, func(w *FaultWindow) bool { return w.Kind == "link" })
	case nemesis.DiskFault:
		x.diskWindow(f.(nemesis.DiskFault), now)
	default:
		x.res.Faults = append(x.res.Faults, FaultWindow{Fault: f.String(), Kind: "clock", Start: now, End: now})
	}
}

func (x *executor) diskWindow(f nemesis.DiskFault, now int64) {
	if f.Kind != nemesis.DiskOK {
		x.openWindow(f.String(), "disk", []string{string(f.Node)}, now)
		return
	}
	x.closeWindows(now, func(w *FaultWindow) bool {
		return w.Kind == "disk" && (f.Node == nemesis.RefAll || len(w.Nodes) == 1 && w.Nodes[0] == string(f.Node))
	})
}

func (x *executor) openWindow(text, kind string, nodes []string, now int64) {
	x.open = append(x.open, &FaultWindow{Fault: text, Kind: kind, Nodes: nodes, Start: now, End: -1})
}

// closeWindows ends every open window match selects.
func (x *executor) closeWindows(now int64, match func(*FaultWindow) bool) {
	kept := x.open[:0]
	for _, w := range x.open {
		if match(w) {
			w.End = now
			x.res.Faults = append(x.res.Faults, *w)
			continue
		}
		kept = append(kept, w)
	}
	x.open = kept
}

func (x *executor) closeNodeWindows(now int64, kind string, ids []uint64) {
	names := map[string]bool{}
	for _, id := range ids {
		names[x.name(id)] = true
	}
	x.closeWindows(now, func(w *FaultWindow) bool {
		return w.Kind == kind && len(w.Nodes) == 1 && names[w.Nodes[0]]
	})
}

// memberAdd starts a new node and submits its addition as a named operation.
func (x *executor) memberAdd(s *story.Stmt, f nemesis.MemberAdd, name string) {
	id, call, err := x.d.AddMember(f.Name)
	if x.unsupported(s.Pos, err) {
		x.markSkipped(name)
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to add member %s, got %v", f.Name, err)
		return
	}
	now := x.d.Now()
	x.res.Faults = append(x.res.Faults, FaultWindow{Fault: f.String(), Kind: "member", Nodes: []string{f.Name}, Start: now, End: now})
	x.memberOp(s, name, fmt.Sprintf("member add %s (id %d)", f.Name, id), call)
}

// memberRemove submits the removal of a node as a named operation.
func (x *executor) memberRemove(s *story.Stmt, f nemesis.MemberRemove, name string) {
	id, err := x.resolve(string(f.Node))
	if err != nil {
		x.failf(s.Pos, "expected a member to remove, got %v", err)
		return
	}
	call, err := x.d.RemoveMember(id)
	if x.unsupported(s.Pos, err) {
		x.markSkipped(name)
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to remove member %s, got %v", x.name(id), err)
		return
	}
	x.removed[id] = true
	now := x.d.Now()
	x.res.Faults = append(x.res.Faults, FaultWindow{Fault: "member remove " + x.name(id), Kind: "member", Nodes: []string{x.name(id)}, Start: now, End: now})
	x.memberOp(s, name, "member remove "+x.name(id), call)
}

func (x *executor) memberOp(s *story.Stmt, name, desc string, call Call) {
	if name == "" {
		x.anon++
		name = fmt.Sprintf("op%d", x.anon)
	}
	x.remember(&namedOp{name: name, pos: s.Pos, desc: desc, call: call})
	x.event("membership: " + desc + " (as " + name + ")")
}
