package netsim

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/rng"
)

// FaultPoints arms core's named fault points (package core/faultpoint) for a run: at an armed point
// a node crashes (and restarts after Down), is held (paused for Hold, its outputs of that moment
// included), or meets an I/O error (and an operator restarts it after Down). With nothing armed the
// nodes get no fault points at all.
type FaultPoints struct {
	// Armed are the points that may fire.
	Armed []ArmedPoint
	// From and Until bound the virtual time in which points fire (Until 0: to the end).
	From, Until int64
	// Down is how long a node that crashed or failed at a point stays down (default 100ms+900ms).
	Down Latency
	// Hold is how long a delay point holds a node (default 20ms+300ms).
	Hold Latency
}

// ArmedPoint is one point that may fire, what it does and how often.
type ArmedPoint struct {
	Point  faultpoint.Point
	Action faultpoint.Action
	// OneIn makes the point fire at one hit in OneIn on average (0 or 1: at every hit).
	OneIn int
	// Max bounds how often it fires in the run (0: no bound).
	Max int
	// Node, when set, limits the point to that node.
	Node uint64
}

// String renders "wal/before-sync crash 1/20 max 2".
func (a ArmedPoint) String() string {
	s := fmt.Sprintf("%s %s", a.Point, a.Action)
	if a.OneIn > 1 {
		s += fmt.Sprintf(" 1/%d", a.OneIn)
	}
	if a.Max > 0 {
		s += fmt.Sprintf(" max %d", a.Max)
	}
	if a.Node != 0 {
		s += fmt.Sprintf(" on n%d", a.Node)
	}
	return s
}

// ArmFaultPoint arms a.Point anew from now on (its count of firings restarts), replacing what the run
// armed there: a script opens a window at the moment it chooses, on the node it chooses. The run must
// have armed fault points to begin with (an Action of Pass arms a point that never fires), since
// nodes get theirs when they are created.
func (s *Sim) ArmFaultPoint(a ArmedPoint) error {
	if s.fp == nil {
		return fmt.Errorf("netsim: arm %s: the run armed no fault points", a)
	}
	s.fp.armed[a.Point] = &armedState{ArmedPoint: a}
	s.Note("arm fault point " + a.String())
	return nil
}

// FaultPointFiring is one point that fired.
type FaultPointFiring struct {
	At     int64
	Node   uint64
	Point  faultpoint.Point
	Action faultpoint.Action
}

// String renders "at 1.2s: fault point wal/before-sync: crash n3".
func (f FaultPointFiring) String() string {
	return fmt.Sprintf("at %v: fault point %s: %s n%d", time.Duration(f.At), f.Point, f.Action, f.Node)
}

// FaultPointDisk is implemented by disks whose storage code has fault points.
type FaultPointDisk interface {
	// SetFaultPoints hands the disk its node's points (called once, before the first boot).
	SetFaultPoints(*faultpoint.Set)
}

// faultPointState is a run's armed points, their counts and its generator.
type faultPointState struct {
	cfg   FaultPoints
	armed map[faultpoint.Point]*armedState
	rng   *rng.Rand
	// stepping is true while an event runs: points fire only then, so that a crash is always
	// recovered by Step.
	stepping bool
	fired    []FaultPointFiring
	hits     map[faultpoint.Point]int
}

type armedState struct {
	ArmedPoint
	fired int
}

func newFaultPointState(s *Sim, cfg FaultPoints) *faultPointState {
	if len(cfg.Armed) == 0 {
		return nil
	}
	if cfg.Down == (Latency{}) {
		cfg.Down = Latency{Min: 100 * 1e6, Spread: 900 * 1e6}
	}
	if cfg.Hold == (Latency{}) {
		cfg.Hold = Latency{Min: 20 * 1e6, Spread: 300 * 1e6}
	}
	fp := &faultPointState{cfg: cfg, armed: map[faultpoint.Point]*armedState{}, rng: s.childRand(),
		hits: map[faultpoint.Point]int{}}
	for _, a := range cfg.Armed {
		fp.armed[a.Point] = &armedState{ArmedPoint: a}
	}
	return fp
}

// FaultPointsFired lists every point that fired, in order.
func (s *Sim) FaultPointsFired() []FaultPointFiring {
	if s.fp == nil {
		return nil
	}
	return append([]FaultPointFiring(nil), s.fp.fired...)
}

// FaultPointHits counts how often each armed point was reached (fired or not).
func (s *Sim) FaultPointHits() map[faultpoint.Point]int {
	out := map[faultpoint.Point]int{}
	if s.fp != nil {
		for p, n := range s.fp.hits {
			out[p] = n
		}
	}
	return out
}

// faultSet builds node h's points (nil when nothing is armed).
func (s *Sim) faultSet(h *host) *faultpoint.Set {
	if s.fp == nil {
		return nil
	}
	return faultpoint.New(func(p faultpoint.Point) faultpoint.Action { return s.fp.decide(s, h, p) })
}

// decide is what happens when node h reaches point p.
func (fp *faultPointState) decide(s *Sim, h *host, p faultpoint.Point) faultpoint.Action {
	a := fp.armed[p]
	if a == nil || !fp.stepping || !h.alive || h.faultCrash != 0 {
		return faultpoint.Pass
	}
	fp.hits[p]++
	if a.Action == faultpoint.Pass || (a.Node != 0 && a.Node != h.id) {
		return faultpoint.Pass
	}
	if s.now < fp.cfg.From || (fp.cfg.Until > 0 && s.now >= fp.cfg.Until) || (a.Max > 0 && a.fired >= a.Max) {
		return faultpoint.Pass
	}
	if a.OneIn > 1 && fp.rng.IntN(a.OneIn) != 0 {
		return faultpoint.Pass
	}
	a.fired++
	fp.fired = append(fp.fired, FaultPointFiring{At: s.now, Node: h.id, Point: p, Action: a.Action})
	s.tracef("fault", h.name, "point %s: %s", p, a.Action)
	switch a.Action {
	case faultpoint.Crash:
		h.faultCrash = p
	case faultpoint.Fail:
		inc := h.incarnation
		s.After(fp.cfg.Down.draw(fp.rng), func() { s.operatorRestart(h, inc, operatorLooks) })
	case faultpoint.Delay:
		h.faultHold = max(h.faultHold, fp.cfg.Hold.draw(fp.rng))
	}
	return a.Action
}

// stepGuarded runs one event's action and crashes the node whose fault point panicked in it.
func (s *Sim) stepGuarded(a *eventAction) {
	s.fp.stepping = true
	defer s.recoverFaultCrash()
	s.act(a)
	s.fp.stepping = false
}

// recoverFaultCrash turns a fault point's panic into a crash of its node, restarted after Down.
// Any other panic goes on.
func (s *Sim) recoverFaultCrash() {
	s.fp.stepping = false
	r := recover()
	if r == nil {
		return
	}
	if _, ok := r.(faultpoint.Crashed); !ok {
		panic(r)
	}
	s.crashFaulted()
}

// bootGuarded boots h. A fault point that crashes h during its boot, inside an event that restarts
// nodes (a nemesis restarting every node), crashes only h, restarted after Down like any fault-point
// crash: the event goes on, the other nodes of a restart-all still start. (The crash used to unwind
// the whole event and leave the nodes after h down for good.)
func (s *Sim) bootGuarded(h *host) error {
	if s.fp == nil || !s.fp.stepping {
		return h.boot()
	}
	crashed := false
	err := func() error {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(faultpoint.Crashed); !ok {
					panic(r)
				}
				crashed = true
			}
		}()
		return h.boot()
	}()
	if crashed {
		s.crashFaulted()
	}
	return err
}

// crashFaulted crashes every node whose fault point fired a crash, each restarted after Down.
func (s *Sim) crashFaulted() {
	for _, id := range s.order {
		h := s.hosts[id]
		if h.faultCrash == 0 {
			continue
		}
		h.faultCrash = 0
		if h.alive {
			h.crash()
		}
		s.After(s.fp.cfg.Down.draw(s.fp.rng), func() {
			if !h.alive {
				_ = s.Restart(h.id)
			}
		})
	}
}

// operatorLooks bounds how often the operator looks again at a node whose injected I/O error has
// not stopped it yet, every operatorLookInterval.
const (
	operatorLooks        = 30
	operatorLookInterval = int64(100e6)
)

// operatorRestart restarts node h after an I/O error at a fault point stopped it (or starts it if
// it is down), as an operator would. The error may stop the node only later (a failed write is
// reported when its batch completes, a disk latency on): then the operator looks again, left
// more times, as long as the node runs the incarnation (inc) that met the error.
func (s *Sim) operatorRestart(h *host, inc uint64, left int) {
	switch {
	case !h.alive:
		_ = s.Restart(h.id)
	case h.incarnation != inc:
	case h.proc.Status().Failed != nil:
		h.crash()
		_ = s.Restart(h.id)
	case left > 0:
		s.After(operatorLookInterval, func() { s.operatorRestart(h, inc, left-1) })
	}
}

// holdForFault pauses h for the hold a delay point asked for: its outputs of the moment wait too.
func (h *host) holdForFault() {
	d := h.faultHold
	h.faultHold = 0
	if h.paused {
		return
	}
	h.paused = true
	inc := h.incarnation
	h.sim.tracef("pause", h.name, "held at a fault point for %v", time.Duration(d))
	h.sim.After(d, func() {
		if h.incarnation != inc || !h.alive || !h.paused {
			return
		}
		_ = h.sim.Resume(h.id)
		h.afterInput()
	})
}
