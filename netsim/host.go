package netsim

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/rng"
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
	rng  *rng.Rand
	// incarnation changes at every crash and restart; ticks and disk completions of an older
	// incarnation are ignored when they fire.
	incarnation uint64
	alive       bool
	paused      bool
	ticking     bool
	held        []heldInput
	unserved    []unservedInput // client inputs waiting for the node to serve (see serving)
	clockOffset int64
	driftPPM    int64
	last        Status
	restarts    int
	watches     []*watchSession
	// slot numbers the hosts in the order they were added (0, 1, 2, ...).
	slot int
	// tname is name for the trace.
	tname traceName
	// saveErrs are the errors of writes whose completion is scheduled, by batch sequence (rare: a
	// map only once a disk fault made one).
	saveErrs map[uint64]error
	// faults are the node's fault points (nil when none is armed); faultCrash is the point the
	// node is crashing at, faultHold how long a delay point asked to hold it.
	faults     *faultpoint.Set
	faultCrash faultpoint.Point
	faultHold  int64
}

type heldInput struct {
	kind, detail string
	fn           func()
	// lost, when set, is told that the node crashed before the input reached it (a client's
	// connection breaks with the node).
	lost func()
}

func (s *Sim) addHost(m MemberSpec, join bool) error {
	rng := s.childRand()
	disk, err := s.cfg.NewDisk(m.ID, m.Name, s.childRand())
	if err != nil {
		return fmt.Errorf("netsim: disk of %s: %w", m.Name, err)
	}
	h := &host{sim: s, id: m.ID, name: m.Name, join: join, disk: disk, rng: rng, tname: newTraceName(m.Name)}
	if h.faults = s.faultSet(h); h.faults != nil {
		if d, ok := disk.(FaultPointDisk); ok {
			d.SetFaultPoints(h.faults)
		}
	}
	s.hosts[m.ID] = h
	if m.ID < maxDenseID {
		if grow := int(m.ID) + 1 - len(s.dense); grow > 0 {
			s.dense = append(s.dense, make([]*host, grow)...)
		}
		s.dense[m.ID] = h
	}
	h.slot = len(s.hosts) - 1
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
	h.noteRecover(durable)
	spec := ProcessSpec{
		ID: h.id, Name: h.name, Members: h.sim.bootMembers(h.join), Join: h.join,
		Durable: durable, Rand: rng.New(h.rng.Uint64(), h.rng.Uint64()),
		TickInterval: h.sim.cfg.TickInterval, Faults: h.faults,
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

// bootMembers is the member list a process starts with: the bootstrap cluster for an initial node
// (also when it restarts with an empty disk: it must bootstrap exactly as its peers did), every
// member started so far for a node that joins at runtime.
func (s *Sim) bootMembers(join bool) []MemberSpec {
	if join {
		return append([]MemberSpec(nil), s.members...)
	}
	return append([]MemberSpec(nil), s.initial...)
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
	h.sim.scheduleAction(h.sim.now+h.tickGap(), eventAction{kind: evTick, ref: h, n1: h.incarnation})
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
	t := h.sim.tracer
	text := t.open(h.sim.now, kindTick, h.tname)
	t.hash = mix(t.hash, uint64(now))
	if text {
		t.write(strconv.AppendInt(append(t.header(h.sim.now, kindTick.text, h.name), "clock="...), now, 10))
	}
	h.proc.Tick(now)
	h.afterInput()
	h.scheduleTick()
}

// input runs fn against the live process and handles its outputs; while paused the input is held
// back and replayed in order on resume.
func (h *host) input(kind, detail string, fn func()) { h.inputOrLost(kind, detail, fn, nil) }

// inputOrLost is input whose caller is told (lost) when the node crashes while it holds the input.
func (h *host) inputOrLost(kind, detail string, fn, lost func()) {
	if !h.alive {
		return
	}
	if h.paused {
		h.held = append(h.held, heldInput{kind: kind, detail: detail, fn: fn, lost: lost})
		h.sim.tracef("hold", h.name, "%s %s", kind, detail)
		return
	}
	h.sim.tracer.line(h.sim.now, kind, h.name, detail)
	fn()
	h.afterInput()
}

// recv delivers a message to the live process. It is input("recv", ...) without formatting the
// description into a string or capturing the message in a closure unless the node is paused.
func (h *host) recv(m *raft.Message) {
	if !h.alive {
		return
	}
	if h.paused {
		h.holdRecv(*m)
		return
	}
	h.sim.traceMessage(kindRecv, h.tname, "", m, -1)
	h.proc.Step(*m)
	h.afterInput()
}

// holdRecv queues a message for a paused node (apart from recv so that only this path moves the
// message to the heap).
func (h *host) holdRecv(m raft.Message) {
	h.input("recv", h.sim.describeMessage(&m), func() { h.proc.Step(m) })
}

// afterInput drains the process's outputs, polls its watches and tells observers what changed.
// Ready hands out everything pending, and acting on it gives the process no input unless a batch
// completed at once (persist), so the process is asked again only then.
func (h *host) afterInput() {
	for range 1000 {
		if !h.alive {
			return
		}
		if h.faultHold > 0 {
			h.holdForFault()
			return
		}
		out := h.proc.Ready()
		completed := false
		if out.Persist != nil {
			completed = h.persist(out.Persist)
		}
		if len(h.sim.promises) > 0 {
			h.noteSends(out.Messages)
		}
		for _, m := range out.Messages {
			h.sim.net.send(m)
		}
		for _, r := range out.Replies {
			h.sim.clients.reply(h.id, r)
		}
		if !completed {
			break
		}
	}
	h.pollWatches()
	h.sim.observe(h)
	h.serveHeld()
}

// persist writes the batch now. A batch that must be synced completes after the disk latency (fsync,
// then Persisted); a crash in between loses whatever was not synced. A batch that needs no fsync (a
// follower's new commit index alone) completes at once, as a write to the OS's cache does: etcd
// writes such a hard state without waiting for the disk, and only fsyncs take the disk's time.
// It reports whether the batch completed at once.
func (h *host) persist(b *PersistBatch) (completed bool) {
	observed, returned := len(h.sim.promises) > 0, false
	if observed {
		// A fault point that crashes the node inside Save unwinds through here: the write may be
		// on disk all the same, in part or whole (a snapshot is logged and synced before
		// wal/before-release), so the observers hear of it before the node recovers it.
		defer func() {
			if !returned {
				h.noteSave(b, errCrashedInWrite)
			}
		}()
	}
	err := h.disk.Save(b)
	returned = true
	h.tracePersist(b, err)
	if observed {
		h.noteSave(b, err)
	}
	return h.afterSave(b, err)
}

// errCrashedInWrite is the write error the promise observers hear for a batch whose Save a fault
// point's crash cut short.
var errCrashedInWrite = errors.New("netsim: the node crashed during the write")

// afterSave completes a batch that needs no fsync at once, and schedules the fsync of one that does.
func (h *host) afterSave(b *PersistBatch, err error) (completed bool) {
	if !b.MustSync {
		h.traceSynced(b.Seq)
		h.completePersist(b.Seq, false, err)
		return true
	}
	at := h.sim.now + h.sim.cfg.DiskLatency.draw(h.rng)
	if err != nil {
		if h.saveErrs == nil {
			h.saveErrs = make(map[uint64]error)
		}
		h.saveErrs[b.Seq] = err
	}
	h.sim.scheduleAction(at, eventAction{kind: evPersisted, ref: h, n1: h.incarnation, n2: b.Seq, flag: b.MustSync})
	return false
}

// persisted completes persist batch seq of incarnation inc once its disk latency has passed, with
// the error its write met, if any.
func (h *host) persisted(inc, seq uint64, mustSync bool) {
	err := h.saveErrs[seq]
	delete(h.saveErrs, seq)
	if inc != h.incarnation || !h.alive {
		return
	}
	if h.paused {
		h.input("synced", "seq="+strconv.FormatUint(seq, 10), func() { h.completePersist(seq, mustSync, err) })
		return
	}
	h.traceSynced(seq)
	h.completePersist(seq, mustSync, err)
	h.afterInput()
}

// completePersist syncs the disk when the batch needs it and tells the process how it went.
func (h *host) completePersist(seq uint64, mustSync bool, err error) {
	if err == nil && mustSync {
		err = h.disk.Sync()
		if err == nil && len(h.sim.promises) > 0 {
			h.noteSync()
		}
	}
	if err != nil {
		h.sim.tracef("diskerr", h.name, "seq=%d %v", seq, err)
	}
	h.proc.Persisted(seq, err)
}

// traceSynced records the completion of persist batch seq: "seq=%d".
func (h *host) traceSynced(seq uint64) {
	t := h.sim.tracer
	text := t.open(h.sim.now, kindSynced, h.tname)
	t.hash = mix(t.hash, seq)
	if text {
		t.write(strconv.AppendUint(append(t.header(h.sim.now, kindSynced.text, h.name), "seq="...), seq, 10))
	}
}

// tracePersist records the persist event:
// "seq=%d hs=%d/%d/%d entries=%d snap=%d sync=%v err=%v" (text without fmt, only with a writer).
func (h *host) tracePersist(b *PersistBatch, err error) {
	t := h.sim.tracer
	text := t.open(h.sim.now, kindPersist, h.tname)
	x := mix(t.hash, b.Seq)
	x = mix(x, b.HardState.Term)
	x = mix(x, b.HardState.Vote)
	x = mix(x, b.HardState.Commit)
	x = mix(x, uint64(len(b.Entries)))
	x = mix(x, b.Snapshot.Metadata.Index)
	x = mixBool(x, b.MustSync)
	errText := "<nil>"
	if err != nil {
		errText = err.Error()
	}
	t.hash = mixString(x, errText)
	if !text {
		return
	}
	l := append(t.header(h.sim.now, kindPersist.text, h.name), "seq="...)
	l = strconv.AppendUint(l, b.Seq, 10)
	l = append(l, " hs="...)
	l = strconv.AppendUint(l, b.HardState.Term, 10)
	l = append(l, '/')
	l = strconv.AppendUint(l, b.HardState.Vote, 10)
	l = append(l, '/')
	l = strconv.AppendUint(l, b.HardState.Commit, 10)
	l = append(l, " entries="...)
	l = strconv.AppendInt(l, int64(len(b.Entries)), 10)
	l = append(l, " snap="...)
	l = strconv.AppendUint(l, b.Snapshot.Metadata.Index, 10)
	l = append(l, " sync="...)
	l = strconv.AppendBool(l, b.MustSync)
	l = append(l, " err="...)
	t.write(append(l, errText...))
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
	held := h.held
	h.held = nil
	for _, in := range held {
		if in.lost != nil {
			in.lost()
		}
	}
	h.incarnation++
	h.disk.Crash()
	h.sim.tracef("crash", h.name, "incarnation=%d", h.incarnation)
	h.sim.clients.nodeDown(h.id)
	for _, o := range h.sim.cfg.Observers {
		o.OnCrash(h.id, h.sim.now)
	}
}
