package netsim

import (
	"hash/fnv"

	"github.com/raftlab/raftlab/core/raft"
)

// Observer is told what the nodes do, as it happens. Invariant monitors (checker.Monitor through an
// adapter) and reports plug in here; netsim itself judges nothing. All times are virtual ns.
type Observer interface {
	// OnRole: node's role or term changed.
	OnRole(node, term uint64, role raft.Role, at int64)
	// OnCommit: node's commit index changed.
	OnCommit(node, commit uint64, at int64)
	// OnApply: node applied the entry at index (dataHash is FNV-1a 64 of its Data).
	OnApply(node, index, term, dataHash uint64, at int64)
	// OnLog: node's raft log (after its snapshot) and commit index; sent when a node becomes leader
	// and every Config.LogInterval.
	OnLog(node uint64, entries []raft.Entry, commit uint64, at int64)
	// OnCrash: node crashed.
	OnCrash(node uint64, at int64)
	// OnRestart: node restarted from its disk.
	OnRestart(node uint64, at int64)
}

// NopObserver implements Observer with methods that do nothing; embed it to implement only some.
type NopObserver struct{}

// OnRole does nothing.
func (NopObserver) OnRole(node, term uint64, role raft.Role, at int64) {}

// OnCommit does nothing.
func (NopObserver) OnCommit(node, commit uint64, at int64) {}

// OnApply does nothing.
func (NopObserver) OnApply(node, index, term, dataHash uint64, at int64) {}

// OnLog does nothing.
func (NopObserver) OnLog(node uint64, entries []raft.Entry, commit uint64, at int64) {}

// OnCrash does nothing.
func (NopObserver) OnCrash(node uint64, at int64) {}

// OnRestart does nothing.
func (NopObserver) OnRestart(node uint64, at int64) {}

// EntryHash is the dataHash OnApply reports for e: FNV-1a 64 over its Data (the same function as
// checker.EntryHash, so monitors can compare).
func EntryHash(e raft.Entry) uint64 {
	h := fnv.New64a()
	h.Write(e.Data)
	return h.Sum64()
}

// observe compares node h's status with the last one seen and notifies observers and the trace.
func (s *Sim) observe(h *host) {
	if !h.alive {
		return
	}
	st := h.proc.Status()
	prev := h.last
	h.last = st
	if st.Role != prev.Role || st.Term != prev.Term {
		s.tracef("role", h.name, "%s term=%d lead=%d", st.Role, st.Term, st.Lead)
		for _, o := range s.cfg.Observers {
			o.OnRole(h.id, st.Term, st.Role, s.now)
		}
		if st.Role == raft.RoleLeader && len(s.cfg.Observers) > 0 {
			log := h.proc.LogEntries()
			for _, o := range s.cfg.Observers {
				o.OnLog(h.id, log, st.Committed(), s.now)
			}
		}
	}
	if st.Commit != prev.Commit {
		for _, o := range s.cfg.Observers {
			o.OnCommit(h.id, st.Commit, s.now)
		}
	}
	if st.Applied > prev.Applied {
		s.reportApplied(h, prev.Applied, st.Applied)
	}
}

// reportApplied tells observers about entries (from, to] that are still in the node's log.
func (s *Sim) reportApplied(h *host, from, to uint64) {
	if len(s.cfg.Observers) == 0 {
		return
	}
	for _, e := range h.proc.LogRange(from+1, to) {
		hash := EntryHash(e)
		for _, o := range s.cfg.Observers {
			o.OnApply(h.id, e.Index, e.Term, hash, s.now)
		}
	}
}

// Sample is one node's state at one instant, for reports.
type Sample struct {
	At      int64
	Node    uint64
	Alive   bool
	Paused  bool
	Role    raft.Role
	Term    uint64
	Commit  uint64
	Applied uint64
}

// Samples returns every periodic sample taken so far, in time then node order.
func (s *Sim) Samples() []Sample { return s.samples }

func (s *Sim) sample() {
	for _, id := range s.order {
		h := s.hosts[id]
		sm := Sample{At: s.now, Node: id, Alive: h.alive, Paused: h.paused}
		if h.alive {
			st := h.proc.Status()
			sm.Role, sm.Term, sm.Commit, sm.Applied = st.Role, st.Term, st.Commit, st.Applied
		}
		s.samples = append(s.samples, sm)
	}
	s.schedule(s.now+s.cfg.SampleInterval, s.sample)
}

// sampleLogs hands every live node's log to the observers with its commit index as far as durable
// copies back it (Status.Committed: a leader counts its own copy while the fsync is in flight), but
// a failed node's: after a storage error its commit index may count entries its own disk never made
// durable, which no other member learned and nobody applied.
func (s *Sim) sampleLogs() {
	for _, id := range s.order {
		h := s.hosts[id]
		if !h.alive {
			continue
		}
		st := h.proc.Status()
		if st.Failed != nil {
			continue
		}
		log, commit := h.proc.LogEntries(), st.Committed()
		for _, o := range s.cfg.Observers {
			o.OnLog(id, log, commit, s.now)
		}
	}
	s.schedule(s.now+s.cfg.LogInterval, s.sampleLogs)
}
