package nemesis

import (
	"fmt"
	"github.com/raftlab/raftlab/netsim"
	"strconv"
	"time"
)

// ClockSkew steps a node's clock by Offset.
type ClockSkew struct {
	Node   NodeRef
	Offset time.Duration
}

// String renders "clock-skew n2 +300ms".
func (f ClockSkew) String() string { return "clock-skew " + string(f.Node) + " " + signed(f.Offset) }

func signed(d time.Duration) string {
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// Apply steps the clock.
func (f ClockSkew) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	info, err := sim.Info(id)
	if err != nil {
		return err
	}
	return sim.SkewClock(id, int64(f.Offset), info.DriftPPM)
}

// ClockDrift sets a node's clock drift in parts per million.
type ClockDrift struct {
	Node NodeRef
	PPM  int64
}

// String renders "clock-drift n2 +1000ppm".
func (f ClockDrift) String() string {
	sign := "+"
	if f.PPM < 0 {
		sign = ""
	}
	return "clock-drift " + string(f.Node) + " " + sign + strconv.FormatInt(f.PPM, 10) + "ppm"
}

// Apply sets the drift.
func (f ClockDrift) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.SkewClock(id, 0, f.PPM)
}
