package netsim

import (
	"errors"

	"github.com/raftlab/raftlab/core/raft"
)

// fakeProcess is a tiny stand-in for core/node used to test the engine on its own: every node keeps
// its own log of the writes it was sent (no replication), persists each write before answering, and
// heartbeats every peer on every tick.
type fakeProcess struct {
	spec      ProcessSpec
	peers     []uint64
	log       []raft.Entry
	values    map[string]string
	persisted uint64
	seq       uint64
	inFlight  bool
	pending   []Request // writes waiting for the batch in flight
	batch     []Request
	out       Output
	ticks     []int64
	received  map[uint64]int
	perSender map[uint64][]uint64 // Index field (sender's tick number) of each heartbeat, in arrival order
	// noSync makes every batch one without fsync.
	noSync bool
}

func newFakeProcess(spec ProcessSpec) (Process, error) {
	p := &fakeProcess{spec: spec, values: make(map[string]string), received: make(map[uint64]int), perSender: make(map[uint64][]uint64)}
	for _, m := range spec.Members {
		if m.ID != spec.ID {
			p.peers = append(p.peers, m.ID)
		}
	}
	if spec.Durable != nil {
		p.log = append(p.log, spec.Durable.Entries...)
		p.persisted = uint64(len(p.log))
		for _, e := range p.log {
			p.values[string(e.Data[:1])] = string(e.Data[1:])
		}
	}
	return p, nil
}

func (p *fakeProcess) Tick(now int64) {
	p.ticks = append(p.ticks, now)
	for _, peer := range p.peers {
		p.out.Messages = append(p.out.Messages, raft.Message{Type: raft.MsgHeartbeat, From: p.spec.ID, To: peer,
			Term: 1, Commit: p.persisted, Index: uint64(len(p.ticks))})
	}
}

func (p *fakeProcess) Step(m raft.Message) {
	p.received[m.From]++
	p.perSender[m.From] = append(p.perSender[m.From], m.Index)
}

// Submit appends a write ("k" + value, key is one byte) and persists it before answering.
func (p *fakeProcess) Submit(req Request) {
	if req.Kind == ReqQuorumGet {
		v, ok := p.values[req.Key]
		p.out.Replies = append(p.out.Replies, Reply{ID: req.ID, Found: ok, Value: v})
		return
	}
	if req.Kind == ReqCreate {
		if _, ok := p.values[req.Key]; ok {
			p.out.Replies = append(p.out.Replies, Reply{ID: req.ID, ErrorCode: 105, Err: errors.New("exists")})
			return
		}
	}
	p.pending = append(p.pending, req)
	p.maybePersist()
}

func (p *fakeProcess) maybePersist() {
	if p.inFlight || len(p.pending) == 0 {
		return
	}
	p.seq++
	b := &PersistBatch{Seq: p.seq, MustSync: !p.noSync}
	for _, req := range p.pending {
		e := raft.Entry{Term: 1, Index: uint64(len(p.log)) + 1, Data: []byte(req.Key + req.Value)}
		p.log = append(p.log, e)
		b.Entries = append(b.Entries, e)
	}
	b.HardState = raft.HardState{Term: 1, Commit: uint64(len(p.log))}
	p.batch, p.pending = p.pending, nil
	p.inFlight = true
	p.out.Persist = b
}

func (p *fakeProcess) Read(req Request) Reply {
	v, ok := p.values[req.Key]
	if !ok {
		return Reply{ID: req.ID, ErrorCode: 100, Err: errors.New("not found")}
	}
	return Reply{ID: req.ID, Found: true, Value: v}
}

func (p *fakeProcess) Watch(key string, recursive bool, sinceIndex uint64) (WatchStream, error) {
	return nil, errors.New("fake: no watches")
}

func (p *fakeProcess) Ready() Output {
	out := p.out
	p.out = Output{}
	return out
}

func (p *fakeProcess) Persisted(seq uint64, err error) {
	p.inFlight = false
	for _, req := range p.batch {
		if err != nil {
			p.out.Replies = append(p.out.Replies, Reply{ID: req.ID, Err: err})
			continue
		}
		p.values[req.Key] = req.Value
		p.persisted++
		p.out.Replies = append(p.out.Replies, Reply{ID: req.ID, Index: p.persisted})
	}
	p.batch = nil
	p.maybePersist()
}

func (p *fakeProcess) Status() Status {
	role := raft.RoleFollower
	if p.spec.ID == 1 {
		role = raft.RoleLeader
	}
	return Status{Term: 1, Lead: 1, Role: role, Commit: p.persisted, Applied: p.persisted, EtcdIndex: p.persisted,
		Durable: p.persisted}
}

func (p *fakeProcess) LogEntries() []raft.Entry { return p.log }

func (p *fakeProcess) LogRange(lo, hi uint64) []raft.Entry {
	var out []raft.Entry
	for _, e := range p.log {
		if e.Index >= lo && e.Index <= hi {
			out = append(out, e)
		}
	}
	return out
}

// fakeDisk keeps synced and unsynced entries; Crash drops the unsynced ones.
type fakeDisk struct {
	synced, unsynced []raft.Entry
	failSync         error
	failSave         error
	recoverErr       error
	saves, syncs     int
}

func newFakeDisk(id uint64, name string, _ any) (Disk, error) { return &fakeDisk{}, nil }

func (d *fakeDisk) Save(b *PersistBatch) error {
	d.saves++
	if d.failSave != nil {
		return d.failSave
	}
	d.unsynced = append(d.unsynced, b.Entries...)
	return nil
}

func (d *fakeDisk) Sync() error {
	if d.failSync != nil {
		return d.failSync
	}
	d.syncs++
	d.synced = append(d.synced, d.unsynced...)
	d.unsynced = nil
	return nil
}

func (d *fakeDisk) Crash() { d.unsynced = nil }

func (d *fakeDisk) Recover() (*Durable, error) {
	if d.recoverErr != nil {
		return nil, d.recoverErr
	}
	if len(d.synced) == 0 {
		return nil, nil
	}
	return &Durable{Entries: append([]raft.Entry(nil), d.synced...)}, nil
}

func (d *fakeDisk) FailSync(err error)      { d.failSync = err }
func (d *fakeDisk) SetCapacity(bytes int64) {}

// pendingValue is the value of key written by a request not yet persisted ("" if none).
func (p *fakeProcess) pendingValue(key string) string {
	for _, reqs := range [][]Request{p.batch, p.pending} {
		for _, r := range reqs {
			if r.Key == key {
				return r.Value
			}
		}
	}
	return ""
}
