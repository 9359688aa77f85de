package nemesis

import (
	"errors"
	"fmt"
	"github.com/raftlab/raftlab/netsim"
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
func (f Crash) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			if info, err := sim.Info(id); err == nil && info.Alive {
				errs = append(errs, sim.Crash(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Crash(id)
}

// Restart restarts a crashed node, or (RefAll) every crashed node and every node that a storage
// failure stopped.
type Restart struct{ Node NodeRef }

// String renders "restart n3" or "restart all".
func (f Restart) String() string { return "restart " + string(f.Node) }

// Apply restarts the node(s).
func (f Restart) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			info, err := sim.Info(id)
			switch {
			case err != nil:
				errs = append(errs, err)
			case !info.Alive:
				errs = append(errs, sim.Restart(id))
			case info.Status.Failed != nil:
				// Stopped by a storage failure: the operator restarts the process.
				errs = append(errs, sim.Crash(id), sim.Restart(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Restart(id)
}

// Pause freezes a node.
type Pause struct{ Node NodeRef }

// String renders "pause n2".
func (f Pause) String() string { return "pause " + string(f.Node) }

// Apply pauses the node.
func (f Pause) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Pause(id)
}

// Resume unfreezes a node, or every paused node (RefAll).
type Resume struct{ Node NodeRef }

// String renders "resume n2" or "resume all".
func (f Resume) String() string { return "resume " + string(f.Node) }

// Apply resumes the node(s).
func (f Resume) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			if info, err := sim.Info(id); err == nil && info.Paused {
				errs = append(errs, sim.Resume(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Resume(id)
}

// MemberAdd starts a new node and adds it to the cluster.
type MemberAdd struct{ Name string }

// String renders "member add n6".
func (f MemberAdd) String() string { return "member add " + f.Name }

// Apply starts the node and submits the change.
func (f MemberAdd) Apply(sim *netsim.Sim) error {
	_, _, err := sim.AddMember(f.Name)
	return err
}

// MemberRemove removes a node from the cluster.
type MemberRemove struct{ Node NodeRef }

// String renders "member remove n2".
func (f MemberRemove) String() string { return "member remove " + string(f.Node) }

// Apply submits the change.
func (f MemberRemove) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	_, err = sim.RemoveMember(id)
	return err
}
