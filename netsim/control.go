package netsim

import "fmt"

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
	if err := s.bootGuarded(h); err != nil {
		// A node that cannot recover (its disk still fails, its WAL is corrupt) stays down: that is
		// the system's behaviour, not a simulator problem.
		s.tracef("bootfail", h.name, "%v", err)
		h.noteBootFail(err)
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
