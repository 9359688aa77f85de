// Package faultpoint names the places in core code where a simulator may make something go wrong
// on purpose (FoundationDB's BUGGIFY): the process dies there, is held there for a while, or an I/O
// call fails there. Core code holds a *Set and calls Hit or Visit at each named place; production
// passes a nil Set, for which both return at once, so an unarmed point costs one nil check.
//
// The Set does not choose: its owner's decide function does, deterministically (the lab draws
// which points are armed, and how often they fire, from the run's seed). A crash is a panic with a
// Crashed value that the simulator recovers at the top of its event loop: everything the process did
// up to the point stays done (bytes written to its disk, messages already handed out), everything
// after it never happens.
package faultpoint

import (
	"fmt"
	"syscall"
)

// Point names one place in core code.
type Point uint8

// The points, in the order of a write's life: WAL file steps, snapshot steps, node steps.
const (
	// WALBeforeSync: wal.Sync wrote the buffered records but has not fsynced them.
	WALBeforeSync Point = iota + 1
	// WALSegmentBeforeRename: a new segment's temp file is written and fsynced, not yet renamed.
	WALSegmentBeforeRename
	// WALSegmentBeforeDirSync: a new segment is renamed into place; the directory is not fsynced.
	WALSegmentBeforeDirSync
	// WALSnapshotBeforeRename: a snapshot's temp file is written and fsynced, not yet renamed.
	WALSnapshotBeforeRename
	// WALSnapshotBeforeDirSync: a snapshot file is renamed into place; the directory is not fsynced.
	WALSnapshotBeforeDirSync
	// WALSnapshotBeforeMarker: the snapshot file is durable; its marker is not yet in the log.
	WALSnapshotBeforeMarker
	// WALBeforeRelease: a snapshot is logged and synced; older segments are about to be deleted.
	WALBeforeRelease
	// NodeAfterPersist: a persist batch is durable; the messages and applies waiting for it have not
	// happened.
	NodeAfterPersist
	// NodeAfterTruncate: a batch that replaced a conflicting suffix of the log is durable; the
	// acknowledgement has not been sent.
	NodeAfterTruncate
	// NodeInstallSnapshot: a snapshot from the leader is durable and restored into the store; raft's
	// storage does not hold it yet.
	NodeInstallSnapshot
	// NodeBeforeReply: an entry was applied to the store; its waiter has not been answered.
	NodeBeforeReply
	// NodeAfterSnapshot: a local snapshot was taken and the log compacted; the snapshot is not yet
	// handed to the host to persist.
	NodeAfterSnapshot
	numPoints
)

// Info describes one point.
type Info struct {
	// Name is "wal/before-sync" style: the package, then the step.
	Name string
	// IO is true where an I/O error can be injected (Hit); elsewhere only crashes and delays
	// (Visit).
	IO bool
}

// info is indexed by Point.
var info = [numPoints]Info{
	WALBeforeSync:            {"wal/before-sync", true},
	WALSegmentBeforeRename:   {"wal/segment-before-rename", true},
	WALSegmentBeforeDirSync:  {"wal/segment-before-dir-sync", true},
	WALSnapshotBeforeRename:  {"wal/snapshot-before-rename", true},
	WALSnapshotBeforeDirSync: {"wal/snapshot-before-dir-sync", true},
	WALSnapshotBeforeMarker:  {"wal/snapshot-before-marker", true},
	WALBeforeRelease:         {"wal/before-release", true},
	NodeAfterPersist:         {"node/after-persist", false},
	NodeAfterTruncate:        {"node/after-truncate", false},
	NodeInstallSnapshot:      {"node/install-snapshot", false},
	NodeBeforeReply:          {"node/before-reply", false},
	NodeAfterSnapshot:        {"node/after-snapshot", false},
}

// Info describes p.
func (p Point) Info() Info {
	if p == 0 || p >= numPoints {
		return Info{Name: fmt.Sprintf("point-%d", p)}
	}
	return info[p]
}

// String is the point's name.
func (p Point) String() string { return p.Info().Name }

// All lists every point.
func All() []Point {
	out := make([]Point, 0, numPoints-1)
	for p := Point(1); p < numPoints; p++ {
		out = append(out, p)
	}
	return out
}

// Lookup finds a point by name.
func Lookup(name string) (Point, error) {
	for _, p := range All() {
		if p.String() == name {
			return p, nil
		}
	}
	return 0, fmt.Errorf("faultpoint: no point called %q", name)
}

// Action is what happens at a point that fires.
type Action uint8

// The actions.
const (
	// Pass: nothing happens.
	Pass Action = iota
	// Crash: the process dies at the point (Hit and Visit panic with Crashed).
	Crash
	// Fail: the I/O step fails (Hit returns an error wrapping syscall.EIO; Visit ignores it).
	Fail
	// Delay: the process goes on, and its owner holds it for a while once the current input is
	// handled (decided and done by the owner; Hit and Visit return normally).
	Delay
)

var actionNames = [...]string{"pass", "crash", "fail", "delay"}

// String is the action's name.
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action-%d", a)
}

// Crashed is the value a crashing point panics with.
type Crashed struct{ Point Point }

// Error is the error a failing point returns.
type Error struct{ Point Point }

// Error names the point.
func (e *Error) Error() string { return "faultpoint: injected I/O error at " + e.Point.String() }

// Unwrap makes an injected failure an EIO, like the disk errors it stands for.
func (e *Error) Unwrap() error { return syscall.EIO }

// Set is the points of one process. A nil *Set never fires.
type Set struct {
	decide func(Point) Action
}

// New returns a Set whose every hit asks decide what happens.
func New(decide func(Point) Action) *Set { return &Set{decide: decide} }

// Hit passes an I/O point: it returns an *Error when the point fails, panics with Crashed when the
// process dies there, and returns nil otherwise (always, for a nil Set).
func (s *Set) Hit(p Point) error {
	if s == nil {
		return nil
	}
	return s.hit(p)
}

func (s *Set) hit(p Point) error {
	switch s.decide(p) {
	case Crash:
		panic(Crashed{Point: p})
	case Fail:
		return &Error{Point: p}
	}
	return nil
}

// Visit passes a point where nothing can fail: it panics with Crashed when the process dies there.
func (s *Set) Visit(p Point) {
	if s == nil {
		return
	}
	_ = s.hit(p)
}
