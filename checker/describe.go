package checker

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/checker/history"
)

// describeState renders a state for the visualisation.
func describeState(s keyState) string {
	if !s.Exists {
		return "<none>"
	}
	expiry := ""
	switch {
	case s.Expires && s.Expiration != 0:
		expiry = fmt.Sprintf(" expires %d", s.Expiration)
	case s.Expires:
		expiry = " expires ?"
	}
	value := fmt.Sprintf("%q", s.Value)
	if s.Value == unobservedValue {
		value = "<a value nobody read>" // the stand-in of unknown writes whose values nobody observed
	}
	if s.Index == 0 { // the index is not known: no "@?" for a reader to puzzle over
		return value + expiry
	}
	return fmt.Sprintf("%s@%d%s", value, s.Index, expiry)
}

// describeOp renders an operation for the visualisation, e.g. `cas(/a, "1" -> "2") -> ok@7`.
func describeOp(op *history.Op) string {
	args := op.Key
	switch {
	case op.Kind == history.KindCAS && op.Refresh:
		args += fmt.Sprintf(", %s -> refresh", describeCompare(op))
	case op.Kind == history.KindCAS:
		args += fmt.Sprintf(", %s -> %q", describeCompare(op), op.Value)
	case op.Kind == history.KindCAD:
		args += ", " + describeCompare(op)
	case op.Refresh:
		args += ", refresh"
	case op.Kind.WritesValue():
		args += fmt.Sprintf(", %q", op.Value)
	case op.Kind.IsExpiry() && op.Clock != 0:
		args += fmt.Sprintf(", clock %d", op.Clock)
	}
	if op.HasTTL() {
		args += ", ttl " + time.Duration(op.TTL).String()
		if op.Expiration != 0 {
			args += fmt.Sprintf(" expires %d", op.Expiration)
		}
	}
	return string(op.Kind) + "(" + args + ") -> " + op.ResultString()
}

func describeCompare(op *history.Op) string {
	switch {
	case op.PrevValue != "" && op.PrevIndex != 0:
		return fmt.Sprintf("%q@%d", op.PrevValue, op.PrevIndex)
	case op.PrevValue != "":
		return fmt.Sprintf("%q", op.PrevValue)
	}
	return fmt.Sprintf("@%d", op.PrevIndex)
}
