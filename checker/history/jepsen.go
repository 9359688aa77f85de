package history

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// JepsenKey is the key ReadJepsen puts every register operation on.
const JepsenKey = "r"

// ReadJepsen reads a Jepsen etcd register log, keeping the lines of the form
//
//	INFO  jepsen.util - 3	:invoke	:cas	[2 4]
//
// and ignoring every other line. :read becomes a quorum read, :write a set, :cas [from to] a cas with
// PrevValue from and Value to, all on key JepsenKey. :ok is ok, :fail is fail (ErrorCode 0: the
// compare did not hold), :info is unknown, and so is `:fail :read :timed-out` and an operation that
// was never answered. The line number is the logical clock.
func ReadJepsen(r io.Reader) ([]Op, error) {
	br := bufio.NewReader(r)
	var ops []Op
	open := map[int]int{} // process -> position in ops of its outstanding invocation
	lineNo := int64(0)
	for {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("jepsen: read line %d: %w", lineNo+1, err)
		}
		if line != "" {
			lineNo++
			if perr := parseJepsenLine(line, lineNo, &ops, open); perr != nil {
				return nil, fmt.Errorf("jepsen: line %d: %w", lineNo, perr)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	procs := make([]int, 0, len(open))
	for p := range open {
		procs = append(procs, p)
	}
	sort.Ints(procs)
	for _, p := range procs {
		ops[open[p]].Outcome = OutcomeUnknown
		ops[open[p]].Return = lineNo + 1
	}
	return ops, nil
}

func parseJepsenLine(line string, lineNo int64, ops *[]Op, open map[int]int) error {
	const marker = "jepsen.util -"
	at := strings.Index(line, marker)
	if at < 0 {
		return nil
	}
	fields := strings.Fields(line[at+len(marker):])
	if len(fields) < 3 {
		return fmt.Errorf("%w: want `process :type :f value`, got %q", ErrInvalidOp, strings.TrimSpace(line))
	}
	proc, err := strconv.Atoi(fields[0])
	if err != nil || proc < 0 {
		return fmt.Errorf("%w: bad process %q", ErrInvalidOp, fields[0])
	}
	typ, fn, val := fields[1], fields[2], strings.Join(fields[3:], " ")
	if typ == ":invoke" {
		if _, busy := open[proc]; busy {
			return fmt.Errorf("%w: process %d invokes while its previous operation is outstanding", ErrInvalidOp, proc)
		}
		op, err := jepsenInvocation(proc, fn, val)
		if err != nil {
			return err
		}
		op.Call, op.Return = lineNo, lineNo
		open[proc] = len(*ops)
		*ops = append(*ops, op)
		return nil
	}
	pos, ok := open[proc]
	if !ok {
		return fmt.Errorf("%w: %s %s from process %d with nothing outstanding", ErrInvalidOp, typ, fn, proc)
	}
	op := &(*ops)[pos]
	if want := ":" + jepsenFunction(op.Kind); fn != want {
		return fmt.Errorf("%w: process %d completes %s but invoked %s", ErrInvalidOp, proc, fn, want)
	}
	delete(open, proc)
	op.Return = lineNo
	return completeJepsen(op, typ, val)
}

func jepsenFunction(k Kind) string {
	switch k {
	case KindQGet:
		return "read"
	case KindSet:
		return "write"
	}
	return "cas"
}

func jepsenInvocation(proc int, fn, val string) (Op, error) {
	op := Op{Client: proc, Key: JepsenKey}
	switch fn {
	case ":read":
		op.Kind = KindQGet
	case ":write":
		op.Kind = KindSet
		op.Value = val
	case ":cas":
		from, to, err := jepsenPair(val)
		if err != nil {
			return Op{}, err
		}
		op.Kind, op.PrevValue, op.Value = KindCAS, from, to
	default:
		return Op{}, fmt.Errorf("%w: unknown function %q", ErrInvalidOp, fn)
	}
	return op, nil
}

func jepsenPair(val string) (string, string, error) {
	inner, ok := strings.CutPrefix(val, "[")
	if ok {
		inner, ok = strings.CutSuffix(inner, "]")
	}
	parts := strings.Fields(inner)
	if !ok || len(parts) != 2 {
		return "", "", fmt.Errorf("%w: cas argument %q is not [from to]", ErrInvalidOp, val)
	}
	return parts[0], parts[1], nil
}

func completeJepsen(op *Op, typ, val string) error {
	switch typ {
	case ":ok":
		op.Outcome = OutcomeOK
		if op.Kind == KindQGet && val != "nil" {
			op.Found, op.Result = true, val
		}
	case ":fail":
		op.Outcome = OutcomeFail
		if val == ":timed-out" {
			op.Outcome = OutcomeUnknown
		}
	case ":info":
		op.Outcome = OutcomeUnknown
	default:
		return fmt.Errorf("%w: unknown completion type %q", ErrInvalidOp, typ)
	}
	return nil
}
