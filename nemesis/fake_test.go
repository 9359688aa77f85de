package nemesis

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// pingProcess heartbeats every peer on every tick and claims leadership when its ID is 1; enough to
// watch faults act on the network and the nodes.
type pingProcess struct {
	spec     netsim.ProcessSpec
	out      netsim.Output
	received map[uint64]int
	lastTick int64
	failed   error
}

func newPing(spec netsim.ProcessSpec) (netsim.Process, error) {
	return &pingProcess{spec: spec, received: map[uint64]int{}}, nil
}

func (p *pingProcess) Tick(now int64) {
	p.lastTick = now
	for _, m := range p.spec.Members {
		if m.ID != p.spec.ID {
			p.out.Messages = append(p.out.Messages, raft.Message{Type: raft.MsgHeartbeat, From: p.spec.ID, To: m.ID, Term: 1})
		}
	}
}
func (p *pingProcess) Step(m raft.Message) { p.received[m.From]++ }
func (p *pingProcess) Submit(req netsim.Request) {
	p.out.Replies = append(p.out.Replies, netsim.Reply{ID: req.ID, Err: errors.New("ping: no writes")})
}
func (p *pingProcess) Read(req netsim.Request) netsim.Reply { return netsim.Reply{ID: req.ID} }
func (p *pingProcess) Watch(string, bool, uint64) (netsim.WatchStream, error) {
	return nil, errors.New("ping: no watches")
}
func (p *pingProcess) Ready() netsim.Output {
	out := p.out
	p.out = netsim.Output{}
	return out
}
func (p *pingProcess) Persisted(uint64, error) {}
func (p *pingProcess) Status() netsim.Status {
	if p.spec.ID == 1 {
		return netsim.Status{Term: 1, Lead: 1, Role: raft.RoleLeader, Failed: p.failed}
	}
	return netsim.Status{Term: 1, Lead: 1, Role: raft.RoleFollower, Failed: p.failed}
}
func (p *pingProcess) LogEntries() []raft.Entry { return nil }

func (p *pingProcess) LogRange(lo, hi uint64) []raft.Entry { return nil }

// faultyDisk stores nothing and records injected faults.
type faultyDisk struct {
	failSync error
	capacity int64
}

func (d *faultyDisk) Save(*netsim.PersistBatch) error { return nil }
func (d *faultyDisk) Sync() error                     { return d.failSync }
func (d *faultyDisk) Crash()                          {}
func (d *faultyDisk) Recover() (*netsim.Durable, error) {
	return nil, nil
}
func (d *faultyDisk) FailSync(err error)      { d.failSync = err }
func (d *faultyDisk) SetCapacity(bytes int64) { d.capacity = bytes }

func newPingSim(t testing.TB, seed uint64, nodes int) *netsim.Sim {
	t.Helper()
	s, err := netsim.New(netsim.Config{
		Seed: seed, Nodes: nodes, TickInterval: 10e6,
		NewProcess: newPing,
		NewDisk: func(uint64, string, *rand.Rand) (netsim.Disk, error) {
			return &faultyDisk{capacity: -1}, nil
		},
	})
	require.NoError(t, err)
	return s
}

func ping(s *netsim.Sim, id uint64) *pingProcess {
	p, _ := s.Process(id).(*pingProcess)
	return p
}
