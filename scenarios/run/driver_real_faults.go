package run

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// memberTimeout bounds a membership change on real processes: the change, then (for an addition)
// the start of the new member's process until it answers.
const memberTimeout = 10 * time.Second

func (d *realDriver) Faults() nemesis.Target { return realTarget{d} }

// realTarget is the real cluster as a nemesis target: links are the proxies', nodes are processes
// (kill -9, SIGSTOP, SIGCONT, a restart from the data directory). What a process cannot be made to
// do (lose single messages, fail its disk, skew its clock) is unsupported.
type realTarget struct{ d *realDriver }

func (t realTarget) Nodes() []uint64                    { return t.d.Nodes() }
func (t realTarget) NodeID(name string) (uint64, error) { return t.d.NodeID(name) }
func (t realTarget) Name(id uint64) string              { return t.d.Name(id) }
func (t realTarget) Leader() (uint64, uint64)           { return t.d.Leader() }
func (t realTarget) Rand() *rand.Rand                   { return t.d.rng }
func (t realTarget) Note(string)                        {}

func (t realTarget) NodeState(id uint64) (nemesis.NodeState, error) {
	st := t.d.Status(id)
	return nemesis.NodeState{Alive: st.Role != roleDown, Paused: st.Role == rolePaused, Leader: st.Role == "leader"}, nil
}

// cut cuts (both ways when both is set) the link between a and b.
func (t realTarget) cut(a, b uint64, both bool) {
	nw := t.d.c.Network()
	nw.SetCut(t.d.Name(a), t.d.Name(b), true)
	if both {
		nw.SetCut(t.d.Name(b), t.d.Name(a), true)
	}
}

func (t realTarget) Partition(groups [][]uint64) error {
	t.d.open()
	group := map[uint64]int{}
	for i, g := range groups {
		for _, id := range g {
			group[id] = i + 1
		}
	}
	for _, a := range t.d.Nodes() {
		for _, b := range t.d.Nodes() {
			if a != b && group[a] != group[b] {
				t.cut(a, b, false)
			}
		}
	}
	return nil
}

func (t realTarget) Isolate(id uint64) error {
	t.d.open()
	for _, o := range t.d.Nodes() {
		if o != id {
			t.cut(id, o, true)
		}
	}
	return nil
}

func (t realTarget) Cut(from, to uint64) error {
	t.d.open()
	t.cut(from, to, false)
	return nil
}

func (t realTarget) Heal() error {
	t.d.open()
	t.d.c.Network().HealCuts()
	return nil
}

// redelay gives every link a new delay drawn from the driver's latency range.
func (t realTarget) redelay() {
	nw := t.d.c.Network()
	for l, st := range t.d.everyLink(realproc.LinkState{}) {
		st = nw.Link(l.From, l.To)
		st.Delay = t.d.drawDelay()
		nw.SetLink(l.From, l.To, st)
	}
}

func (t realTarget) SetLatency(min, max time.Duration) error {
	t.d.open()
	t.d.latMin, t.d.latMax = min, max
	t.redelay()
	return nil
}

func (t realTarget) SetLinkFault(kind nemesis.LinkFaultKind, _ float64) error {
	return unsupportedf("%s: the proxies carry TCP streams and cannot drop, duplicate or reorder single messages",
		kind)
}

func (t realTarget) ResetLinks() error {
	t.d.open()
	t.d.latMin, t.d.latMax = t.d.st.LatencyMin, t.d.st.LatencyMax
	t.redelay()
	return nil
}

// process is node id's member process.
func (t realTarget) process(id uint64) (*realproc.Member, error) {
	m := t.d.member(id)
	if m == nil {
		return nil, fmt.Errorf("no member with ID %d", id)
	}
	return m, nil
}

func (t realTarget) Crash(id uint64) error {
	return t.act(id, (*realproc.Member).Kill)
}

func (t realTarget) Restart(id uint64) error {
	return t.act(id, (*realproc.Member).Restart)
}

func (t realTarget) Pause(id uint64) error {
	return t.act(id, (*realproc.Member).Pause)
}

func (t realTarget) Resume(id uint64) error {
	return t.act(id, (*realproc.Member).Resume)
}

// act opens the links still cut since the start and does one thing to node id's process.
func (t realTarget) act(id uint64, do func(*realproc.Member) error) error {
	t.d.open()
	m, err := t.process(id)
	if err != nil {
		return err
	}
	return do(m)
}

func (t realTarget) Disk(uint64, nemesis.DiskFaultKind) error {
	return unsupportedf("disk faults (failed fsyncs, a full disk) cannot be injected into a real process")
}

func (t realTarget) StepClock(uint64, time.Duration) error {
	return unsupportedf("a real process's clock cannot be stepped from outside")
}

func (t realTarget) SetClockDrift(uint64, int64) error {
	return unsupportedf("a real process's clock cannot be made to drift from outside")
}

func (t realTarget) AddMember(name string) error {
	_, _, err := t.d.AddMember(name)
	return err
}

func (t realTarget) RemoveMember(id uint64) error {
	_, err := t.d.RemoveMember(id)
	return err
}

// AddMember adds a member through the members API and starts its process; the call completes once
// the new member answers (or the change failed).
func (d *realDriver) AddMember(name string) (uint64, Call, error) {
	if _, err := d.NodeID(name); err == nil {
		return 0, nil, fmt.Errorf("%s already exists", name)
	}
	d.open()
	links := realproc.LinkTable{} // the new member's links, with delays from the latency range
	for _, o := range d.nodeNames() {
		links[realproc.Link{From: name, To: o}] = realproc.LinkState{Delay: d.drawDelay()}
		links[realproc.Link{From: o, To: name}] = realproc.LinkState{Delay: d.drawDelay()}
	}
	d.mu.Lock()
	d.names = append(d.names, name)
	id := uint64(len(d.names))
	d.mu.Unlock()
	c := d.startCall(history.Op{Kind: history.KindSet, Key: "/members/" + name}, memberTimeout, false,
		func(ctx context.Context) (*client.Response, error) {
			m, err := d.c.AddMember(ctx, name)
			if err != nil {
				return nil, err
			}
			for l, st := range links {
				d.c.Network().SetLink(l.From, l.To, st)
			}
			for {
				if _, err := realproc.MemberStatus(ctx, m); err == nil {
					return nil, nil
				}
				select {
				case <-ctx.Done():
					return nil, fmt.Errorf("%s was added but does not answer: %w", name, ctx.Err())
				case <-time.After(realPoll):
				}
			}
		})
	return id, c, nil
}

// RemoveMember removes node id through the members API; the removed member stops by itself.
func (d *realDriver) RemoveMember(id uint64) (Call, error) {
	m := d.member(id)
	if m == nil {
		return nil, fmt.Errorf("no member with ID %d", id)
	}
	d.open()
	d.removing[m.Name] = true
	return d.startCall(history.Op{Kind: history.KindDelete, Key: "/members/" + m.Name}, memberTimeout, false,
		func(ctx context.Context) (*client.Response, error) { return nil, d.c.RemoveMember(ctx, m.Name) }), nil
}

func (d *realDriver) TransferLeadership(uint64, uint64) error {
	return unsupportedf("transfer: the v2 API has no leadership transfer")
}
