package nemesis

import (
	"errors"
	"fmt"
)

// Crash crashes a node. Kill only changes the text form ("kill leader" reads better in stories).
type Crash struct {
	Node NodeRef
	Kill bool
}

// String renders "crash n3" or "kill leader".
func (f Crash) String() string {
	if f.Kill {
		return "kill " + string(f.Node)
	}
	return "crash " + string(f.Node)
}

// Apply crashes the node; "crash all" is a power failure of every live node at once.
func (f Crash) Apply(t Target) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range t.Nodes() {
			if st, err := t.NodeState(id); err == nil && st.Alive {
				errs = append(errs, t.Crash(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Crash(id)
}

// Restart restarts a crashed node, or (RefAll) every crashed node and every node that a storage
// failure stopped.
type Restart struct{ Node NodeRef }

// String renders "restart n3" or "restart all".
func (f Restart) String() string { return "restart " + string(f.Node) }

// Apply restarts the node(s).
func (f Restart) Apply(t Target) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range t.Nodes() {
			st, err := t.NodeState(id)
			switch {
			case err != nil:
				errs = append(errs, err)
			case !st.Alive:
				errs = append(errs, t.Restart(id))
			case st.Failed:
				// Stopped by a storage failure: the operator restarts the process.
				errs = append(errs, t.Crash(id), t.Restart(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Restart(id)
}

// Pause freezes a node.
type Pause struct{ Node NodeRef }

// String renders "pause n2".
func (f Pause) String() string { return "pause " + string(f.Node) }

// Apply pauses the node.
func (f Pause) Apply(t Target) error {
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Pause(id)
}

// Resume unfreezes a node, or every paused node (RefAll).
type Resume struct{ Node NodeRef }

// String renders "resume n2" or "resume all".
func (f Resume) String() string { return "resume " + string(f.Node) }

// Apply resumes the node(s).
func (f Resume) Apply(t Target) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range t.Nodes() {
			if st, err := t.NodeState(id); err == nil && st.Paused {
				errs = append(errs, t.Resume(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Resume(id)
}

// MemberAdd starts a new node and adds it to the cluster.
type MemberAdd struct{ Name string }

// String renders "member add n6".
func (f MemberAdd) String() string { return "member add " + f.Name }

// Apply starts the node and submits the change.
func (f MemberAdd) Apply(t Target) error { return t.AddMember(f.Name) }

// MemberRemove removes a node from the cluster.
type MemberRemove struct{ Node NodeRef }

// String renders "member remove n2".
func (f MemberRemove) String() string { return "member remove " + string(f.Node) }

// Apply submits the change.
func (f MemberRemove) Apply(t Target) error {
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.RemoveMember(id)
}
