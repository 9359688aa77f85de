package netsim

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
)

// Disk returns node id's disk (for fault injection through DiskFaults).
func (s *Sim) Disk(id uint64) (Disk, error) {
	h, err := s.host(id)
	if err != nil {
		return nil, err
	}
	return h.disk, nil
}

// Process returns node id's running process, or nil while it is down.
func (s *Sim) Process(id uint64) Process {
	if h := s.hosts[id]; h != nil {
		return h.proc
	}
	return nil
}

func (s *Sim) host(id uint64) (*host, error) {
	h := s.hostByID(id)
	if h == nil {
		return nil, fmt.Errorf("netsim: no node %d", id)
	}
	return h, nil
}

// NodeInfo is what stories and reports see of one node.
type NodeInfo struct {
	ID       uint64
	Name     string
	Alive    bool
	Paused   bool
	Restarts int
	// Status is the node's last observed status (zero while down).
	Status Status
	// ClockOffset is how far the node's clock is from virtual time plus the epoch, in ns.
	ClockOffset int64
	// DriftPPM is the node's clock drift in parts per million.
	DriftPPM int64
}

// Info describes node id.
func (s *Sim) Info(id uint64) (NodeInfo, error) {
	h, err := s.host(id)
	if err != nil {
		return NodeInfo{}, err
	}
	info := NodeInfo{ID: id, Name: h.name, Alive: h.alive, Paused: h.paused, Restarts: h.restarts,
		ClockOffset: h.localNow() - s.cfg.Epoch - s.now, DriftPPM: h.driftPPM}
	if h.alive {
		info.Status = h.proc.Status()
	}
	return info, nil
}

// Leader returns the live leader with the highest term and that term, or (0, highest term seen
// among live nodes) when no live node leads.
func (s *Sim) Leader() (id, term uint64) {
	for _, nid := range s.order {
		h := s.hosts[nid]
		if !h.alive {
			continue
		}
		st := h.proc.Status()
		if st.Term > term {
			term = st.Term
			id = 0
		}
		if st.Role == raft.RoleLeader && st.Term >= term {
			id, term = nid, st.Term
		}
	}
	return id, term
}

// Log returns node id's in-memory raft log (nil while down).
func (s *Sim) Log(id uint64) []raft.Entry {
	if h := s.hosts[id]; h != nil && h.alive {
		return h.proc.LogEntries()
	}
	return nil
}

// DescribeLog renders node id's log, one "index term description" string per entry.
func (s *Sim) DescribeLog(id uint64) []string {
	var out []string
	for _, e := range s.Log(id) {
		out = append(out, fmt.Sprintf("%d %d %s", e.Index, e.Term, s.cfg.DescribeEntry(e)))
	}
	return out
}
