package netsim

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/raftlab/raftlab/core/raft"
)

// host runs one simulated node: it owns the node's process (nil while down), its disk, its clock and
// the inputs held back while the node is paused.
type host struct {
	sim  *Sim
	id   uint64
	name string
	join bool
	proc Process
	disk Disk
	rng  *rand.Rand
	// incarnation changes at every crash and restart; ticks and disk completions of an older
	// incarnation are ignored when they fire.
	incarnation uint64
	alive       bool
	paused      bool
	ticking     bool
	held        []heldInput
	clockOffset int64
	driftPPM    int64
	last        Status
	restarts    int
	watches     []*watchSession
}

type heldInput struct {
	kind, detail string
	fn           func()
}

func (s *Sim) addHost(m MemberSpec, join bool) error {
	rng := s.childRand()
	disk, err := s.cfg.NewDisk(m.ID, m.Name, s.childRand())
	if err != nil {
		return fmt.Errorf("netsim: disk of %s: %w", m.Name, err)
	}
	h := &host{sim: s, id: m.ID, name: m.Name, join: join, disk: disk, rng: rng}
	s.hosts[m.ID] = h
	s.order = insertSorted(s.order, m.ID)
	return h.boot()
}

func insertSorted(ids []uint64, id uint64) []uint64 {
	i := 0
	for i < len(ids) && ids[i] < id {
		i++
	}
	ids = append(ids, 0)
	copy(ids[i+1:], ids[i:])
	ids[i] = id
	return ids
}

// boot recovers the disk and starts a process on it.
func (h *host) boot() error {
	durable, err := h.disk.Recover()
	if err != nil {
		return fmt.Errorf("netsim: recover %s: %w", h.name, err)
	}
	spec := ProcessSpec{
		ID: h.id, Name: h.name, Members: append([]MemberSpec(nil), h.sim.members...), Join: h.join,
		Durable: durable, Rand: rand.New(rand.NewPCG(h.rng.Uint64(), h.rng.Uint64())),
		TickInterval: h.sim.cfg.TickInterval,
	}
	proc, err := h.sim.cfg.NewProcess(spec)
	if err != nil {
		return fmt.Errorf("netsim: start %s: %w", h.name, err)
	}
	h.proc = proc
	h.alive = true
	h.paused = false
	h.held = nil
	h.incarnation++
	h.last = Status{}
	entries := 0
	if durable != nil {
		entries = len(durable.Entries)
	}
	h.sim.tracef("boot", h.name, "incarnation=%d recovered=%v entries=%d", h.incarnation, durable != nil, entries)
	h.ticking = false
	h.scheduleTick()
	h.input("start", "", func() {})
	return nil
}

// localNow is this node's clock at the current virtual time (unix ns).
func (h *host) localNow() int64 {
	v := h.sim.now
	return h.sim.cfg.Epoch + h.clockOffset + v + drift(v, h.driftPPM)
}

// drift is how far a clock running ppm parts per million fast has moved ahead after v ns, computed
// without overflowing for runs of many virtual days.
func drift(v, ppm int64) int64 {
	return v/1e6*ppm + v%1e6*ppm/1e6
}

// tickGap is the virtual time one tick of this node's clock takes.
func (h *host) tickGap() int64 {
	gap := h.sim.cfg.TickInterval * 1e6 / (1e6 + h.driftPPM)
	return max(gap, 1)
}

func (h *host) scheduleTick() {
	if h.ticking {
		return
	}
	h.ticking = true
	inc := h.incarnation
	h.sim.schedule(h.sim.now+h.tickGap(), func() { h.tick(inc) })
}

func (h *host) tick(inc uint64) {
	if inc != h.incarnation || !h.alive {
		return
	}
	h.ticking = false
	if h.paused {
		return
	}
	now := h.localNow()
	h.sim.tracer.line(h.sim.now, "tick", h.name, "clock="+strconv.FormatInt(now, 10))
	h.proc.Tick(now)
	h.afterInput()
	h.scheduleTick()
}

// input runs fn against the live process and handles its outputs; while paused the input is held
// back and replayed in order on resume.
func (h *host) input(kind, detail string, fn func()) {
	if !h.alive {
		return
	}
	if h.paused {
		h.held = append(h.held, heldInput{kind: kind, detail: detail, fn: fn})
		h.sim.tracef("hold", h.name, "%s %s", kind, detail)
		return
	}
	h.sim.tracer.line(h.sim.now, kind, h.name, detail)
	fn()
	h.afterInput()
}

// afterInput drains the process's outputs, polls its watches and tells observers what changed.
func (h *host) afterInput() {
	for range 1000 {
		if !h.alive {
			return
		}
		out := h.proc.Ready()
		if out.Persist == nil && len(out.Messages) == 0 && len(out.Replies) == 0 {
			break
		}
		if out.Persist != nil {
			h.persist(out.Persist)
		}
		for _, m := range out.Messages {
			h.sim.net.send(m)
		}
		for _, r := range out.Replies {
			h.sim.clients.reply(h.id, r)
		}
	}
	h.pollWatches()
	h.sim.observe(h)
}

// persist writes the batch now and completes it after the disk latency: fsync (when the batch needs
// it) and Persisted. A crash in between loses whatever was not synced.
func (h *host) persist(b *PersistBatch) {
	err := h.disk.Save(b)
	at := h.sim.now + h.sim.cfg.DiskLatency.draw(h.rng)
	h.sim.tracef("persist", h.name, "seq=%d hs=%d/%d/%d entries=%d snap=%d sync=%v err=%v",
		b.Seq, b.HardState.Term, b.HardState.Vote, b.HardState.Commit, len(b.Entries),
		b.Snapshot.Metadata.Index, b.MustSync, err)
	inc, seq, mustSync := h.incarnation, b.Seq, b.MustSync
	h.sim.schedule(at, func() {
		if inc != h.incarnation {
			return
		}
		h.input("synced", fmt.Sprintf("seq=%d", seq), func() {
			if err == nil && mustSync {
				err = h.disk.Sync()
			}
			if err != nil {
				h.sim.tracef("diskerr", h.name, "seq=%d %v", seq, err)
			}
			h.proc.Persisted(seq, err)
		})
	})
}

// crash stops the process at once: volatile state is gone, unsynced writes are dropped.
func (h *host) crash() {
	for _, w := range h.watches {
		w.broken()
	}
	h.watches = nil
	h.proc = nil
	h.alive = false
	h.paused = false
	h.held = nil
	h.incarnation++
	h.disk.Crash()
	h.sim.tracef("crash", h.name, "incarnation=%d", h.incarnation)
	h.sim.clients.nodeDown(h.id)
	for _, o := range h.sim.cfg.Observers {
		o.OnCrash(h.id, h.sim.now)
	}
}

// Crash crashes node id: its process and every unsynced write are lost. Crashing a down node is an error.
func (s *Sim) Crash(id uint64) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if !h.alive {
		return fmt.Errorf("netsim: crash %s: already down", h.name)
	}
	h.crash()
	return nil
}

// Restart starts a crashed node again from what its disk kept.
func (s *Sim) Restart(id uint64) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if h.alive {
		return fmt.Errorf("netsim: restart %s: already running", h.name)
	}
	h.restarts++
	// Observers hear of the restart first: the recovered node's first status may show a commit
	// index below the one it had before the crash, which is fine across a restart.
	for _, o := range s.cfg.Observers {
		o.OnRestart(id, s.now)
	}
	if err := h.boot(); err != nil {
		s.fail("%v", err)
		return err
	}
	return nil
}

// Pause freezes node id: no ticks, and messages, disk completions and client requests queue up.
func (s *Sim) Pause(id uint64) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if !h.alive || h.paused {
		return fmt.Errorf("netsim: pause %s: not running", h.name)
	}
	h.paused = true
	s.tracef("pause", h.name, "")
	return nil
}

// Resume unfreezes node id and hands it everything that queued up, in arrival order.
func (s *Sim) Resume(id uint64) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if !h.alive || !h.paused {
		return fmt.Errorf("netsim: resume %s: not paused", h.name)
	}
	h.paused = false
	s.tracef("resume", h.name, "held=%d", len(h.held))
	held := h.held
	h.held = nil
	for _, in := range held {
		h.input(in.kind, in.detail, in.fn)
	}
	h.scheduleTick()
	return nil
}

// SkewClock moves node id's clock by offset ns (a step) and sets its drift in parts per million
// (a drift of 1000 makes its clock, and so its ticks, run 0.1% fast).
func (s *Sim) SkewClock(id uint64, offset int64, driftPPM int64) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if driftPPM <= -1e6 {
		return fmt.Errorf("netsim: skew %s: drift %d ppm would stop the clock", h.name, driftPPM)
	}
	// Keep the node's clock continuous across a drift change: fold the old drift into the offset.
	v := s.now
	h.clockOffset += offset + drift(v, h.driftPPM) - drift(v, driftPPM)
	h.driftPPM = driftPPM
	s.tracef("skew", h.name, "offset=%d drift=%dppm", h.clockOffset, driftPPM)
	return nil
}

// Clock is node id's current clock (unix ns).
func (s *Sim) Clock(id uint64) (int64, error) {
	h, err := s.host(id)
	if err != nil {
		return 0, err
	}
	return h.localNow(), nil
}

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
	h := s.hosts[id]
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

// Invoke runs fn against node id's live process as one input (traced as kind with detail), then
// handles the process's outputs as after any other input. Adapters use it for operations the
// Process interface does not name (campaign, leadership transfer). A paused node runs it on resume.
func (s *Sim) Invoke(id uint64, kind, detail string, fn func(Process)) error {
	h, err := s.host(id)
	if err != nil {
		return err
	}
	if !h.alive {
		return fmt.Errorf("netsim: %s %s: node is down", kind, h.name)
	}
	h.input(kind, detail, func() { fn(h.proc) })
	return nil
}
