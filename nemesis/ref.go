package nemesis

import (
	"errors"
	"fmt"
	"regexp"
)

// NodeRef names a node: a node name ("n3"), or one of the dynamic references RefLeader, RefFollower
// and RefRandom resolved when the fault is applied.
type NodeRef string

// The dynamic node references.
const (
	RefLeader   NodeRef = "leader"
	RefFollower NodeRef = "follower"
	RefRandom   NodeRef = "random"
	// RefAll is accepted by restart, resume and disk ok only.
	RefAll NodeRef = "all"
)

var nodeName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// ErrNoLeader is returned when a fault names the leader and no live node leads.
var ErrNoLeader = errors.New("nemesis: no leader")

func parseRef(s string, allowAll bool) (NodeRef, error) {
	if s == string(RefAll) {
		if !allowAll {
			return "", fmt.Errorf("nemesis: %q is not allowed here", s)
		}
		return RefAll, nil
	}
	if !nodeName.MatchString(s) {
		return "", fmt.Errorf("nemesis: bad node reference %q", s)
	}
	return NodeRef(s), nil
}

// resolve turns a reference into a node ID of t.
func (r NodeRef) resolve(t Target) (uint64, error) {
	switch r {
	case RefLeader:
		id, _ := t.Leader()
		if id == 0 {
			return 0, ErrNoLeader
		}
		return id, nil
	case RefFollower, RefRandom:
		var pool []uint64
		lead, _ := t.Leader()
		for _, id := range t.Nodes() {
			st, err := t.NodeState(id)
			if err != nil {
				return 0, err
			}
			if !st.Alive || (r == RefFollower && (id == lead || st.Leader)) {
				continue
			}
			pool = append(pool, id)
		}
		if len(pool) == 0 {
			return 0, fmt.Errorf("nemesis: no live node for %q", r)
		}
		return pool[t.Rand().IntN(len(pool))], nil
	case RefAll:
		return 0, errors.New("nemesis: \"all\" names no single node")
	}
	return t.NodeID(string(r))
}

// resolveAll turns a reference into node IDs; RefAll gives every node.
func (r NodeRef) resolveAll(t Target) ([]uint64, error) {
	if r == RefAll {
		return t.Nodes(), nil
	}
	id, err := r.resolve(t)
	if err != nil {
		return nil, err
	}
	return []uint64{id}, nil
}
