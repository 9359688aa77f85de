package run

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// Status asks the member about itself (realproc.MemberStatus): its role from /v2/stats/self and
// /v2/stats/leader, its term and commit index from a local read's headers.
func (d *realDriver) Status(id uint64) NodeStatus {
	m := d.member(id)
	if m == nil {
		return NodeStatus{Role: roleDown}
	}
	switch m.State() {
	case realproc.Down:
		return NodeStatus{Role: roleDown}
	case realproc.Paused:
		return NodeStatus{Role: rolePaused}
	}
	st, err := realproc.MemberStatus(context.Background(), m)
	if err != nil {
		return NodeStatus{Role: roleUnreachable}
	}
	return NodeStatus{Role: st.Role, Term: st.Term, Commit: st.Commit, Index: st.Index}
}

func (d *realDriver) Log(uint64) (NodeLog, error) { return NodeLog{}, errNoLog }

// Leader is the leader with the highest term (a deposed leader that has not heard of the new term
// yet may still lead its own, older one).
func (d *realDriver) Leader() (uint64, uint64) {
	var lead, term uint64
	for _, id := range d.Nodes() {
		if st := d.Status(id); st.Role == "leader" && (lead == 0 || st.Term > term) {
			lead, term = id, st.Term
		}
	}
	return lead, term
}

func (d *realDriver) Connected(a, b uint64) bool {
	return d.c.Network().Links().Connected(d.Name(a), d.Name(b))
}

// realSampleEvery is how often the sampler looks at every member.
const realSampleEvery = 100 * time.Millisecond

// realSampler records every member's role, term and commit index for the report's timeline while
// the story runs, and tells the driver's events of elections and step-downs it sees.
type realSampler struct {
	d        *realDriver
	stop     chan struct{}
	done     chan struct{}
	samples  []netsim.Sample // owned by the sampler's goroutine until done
	lastRole map[uint64]string
}

// startSampler samples d's members every realSampleEvery until finish.
func startSampler(d *realDriver) *realSampler {
	s := &realSampler{d: d, stop: make(chan struct{}), done: make(chan struct{}), lastRole: map[uint64]string{}}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(realSampleEvery)
		defer tick.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// sample records one observation of every member.
func (s *realSampler) sample() {
	var wg sync.WaitGroup
	ids := s.d.Nodes()
	sts := make([]NodeStatus, len(ids))
	for i, id := range ids {
		wg.Go(func() { sts[i] = s.d.Status(id) })
	}
	wg.Wait()
	at := s.d.Now()
	for i, id := range ids {
		st := sts[i]
		if st.Role == roleUnreachable {
			continue // no answer: the previous sample stands
		}
		smp := netsim.Sample{At: at, Node: id, Alive: st.Role != roleDown, Paused: st.Role == rolePaused,
			Role: raftRole(st.Role), Term: st.Term, Commit: st.Commit, Applied: st.Index}
		s.samples = append(s.samples, smp)
		s.narrate(at, id, st)
	}
}

// narrate tells a member becoming leader, or a leader stepping down.
func (s *realSampler) narrate(at int64, id uint64, st NodeStatus) {
	prev := s.lastRole[id]
	s.lastRole[id] = st.Role
	switch {
	case st.Role == prev:
	case st.Role == "leader":
		s.d.event(at, fmt.Sprintf("%s becomes leader in term %d (seen by the sampler)", s.d.Name(id), st.Term))
	case prev == "leader":
		s.d.event(at, fmt.Sprintf("%s is no longer leader: %s in term %d (seen by the sampler)", s.d.Name(id), st.Role, st.Term))
	}
}

// raftRole is the Raft role a role word names (followers for down and paused nodes).
func raftRole(role string) raft.Role {
	switch role {
	case "leader":
		return raft.RoleLeader
	case "candidate":
		return raft.RoleCandidate
	case "pre-candidate":
		return raft.RolePreCandidate
	}
	return raft.RoleFollower
}

// finish stops sampling and returns the samples.
func (s *realSampler) finish() []netsim.Sample {
	close(s.stop)
	<-s.done
	return s.samples
}
