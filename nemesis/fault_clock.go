package nemesis

import (
	"fmt"
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
func (f ClockSkew) Apply(t Target) error {
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.StepClock(id, f.Offset)
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
func (f ClockDrift) Apply(t Target) error {
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.SetClockDrift(id, f.PPM)
}
