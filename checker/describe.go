package checker

import (
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
)

// describeState renders a state for the visualisation.
func describeState(s keyState) string {
	if !s.Exists {
		return "<none>"
	}
	if s.Index == 0 {
		return fmt.Sprintf("%q@?", s.Value)
	}
	return fmt.Sprintf("%q@%d", s.Value, s.Index)
}

// describeOp renders an operation for the visualisation, e.g. `cas(/a, "1" -> "2") -> ok@7`.
func describeOp(op *history.Op) string {
	args := op.Key
	switch {
	case op.Kind == history.KindCAS:
		args += fmt.Sprintf(", %s -> %q", describeCompare(op), op.Value)
	case op.Kind == history.KindCAD:
		args += ", " + describeCompare(op)
	case op.Kind.WritesValue():
		args += fmt.Sprintf(", %q", op.Value)
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
