package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// errUsage marks a command-line mistake: the caller prints the usage and exits 2.
var errUsage = errors.New("usage")

// newFlagSet returns a flag set that reports to stderr and prints the command's synopsis on -h.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("labd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags that may come before, between or after the positional arguments
// (`labd run much-wow-cool --seed 3`) and returns the positional arguments. After "--" everything
// is positional. It checks that there are between minPos and maxPos positional arguments.
func parseArgs(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// flag stops at the first non-flag; a preceding "--" means the rest is all positional.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) < minPos || len(pos) > maxPos {
		fs.Usage()
		return nil, fmt.Errorf("%w: want %s, got %d: %q", errUsage, argCount(minPos, maxPos), len(pos), pos)
	}
	return pos, nil
}

// argCount describes how many positional arguments a command takes.
func argCount(minPos, maxPos int) string {
	switch {
	case minPos == maxPos && maxPos == 1:
		return "1 argument"
	case minPos == maxPos:
		return fmt.Sprintf("%d arguments", minPos)
	default:
		return fmt.Sprintf("%d to %d arguments", minPos, maxPos)
	}
}

// seedFlag is an optional uint64 seed: it remembers whether it was given.
type seedFlag struct {
	value uint64
	set   bool
}

// String implements flag.Value.
func (s *seedFlag) String() string {
	if s == nil || !s.set {
		return ""
	}
	return strconv.FormatUint(s.value, 10)
}

// Set implements flag.Value.
func (s *seedFlag) Set(text string) error {
	v, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return fmt.Errorf("seed %q is not a non-negative integer", text)
	}
	s.value, s.set = v, true
	return nil
}

// ptr returns the seed as run.Options wants it: nil when not given.
func (s *seedFlag) ptr() *uint64 {
	if !s.set {
		return nil
	}
	v := s.value
	return &v
}

// seedRange is an inclusive range of seeds, from `A..B` or a single `N`.
type seedRange struct {
	From, To uint64
}

// maxSweepSeeds bounds one sweep, so a typo (1..1000000000) fails fast instead of running for days.
const maxSweepSeeds = 1_000_000

// parseSeedRange parses `A..B` (A <= B) or `N`.
func parseSeedRange(text string) (seedRange, error) {
	from, to, isRange := strings.Cut(strings.TrimSpace(text), "..")
	if !isRange {
		to = from
	}
	a, errA := strconv.ParseUint(strings.TrimSpace(from), 10, 64)
	b, errB := strconv.ParseUint(strings.TrimSpace(to), 10, 64)
	if errA != nil || errB != nil {
		return seedRange{}, fmt.Errorf("seeds %q: want A..B or N with non-negative integers", text)
	}
	if a > b {
		return seedRange{}, fmt.Errorf("seeds %q: the first seed is greater than the last", text)
	}
	if b-a >= maxSweepSeeds {
		return seedRange{}, fmt.Errorf("seeds %q: at most %d seeds per sweep", text, maxSweepSeeds)
	}
	return seedRange{From: a, To: b}, nil
}

// Len is the number of seeds in the range.
func (r seedRange) Len() int { return int(r.To-r.From) + 1 }

// String formats the range as A..B.
func (r seedRange) String() string { return fmt.Sprintf("%d..%d", r.From, r.To) }

// portsFlag is --ports LOW-HIGH: the 127.0.0.1 ports real members and their proxies may listen on.
type portsFlag struct {
	low, high int
}

// minPortRange is the fewest ports --ports accepts: a peer port, a client port and a proxy per
// member of a small cluster.
const minPortRange = 9

// String implements flag.Value.
func (p *portsFlag) String() string {
	if p == nil || p.low == 0 {
		return ""
	}
	return fmt.Sprintf("%d-%d", p.low, p.high)
}

// Set implements flag.Value.
func (p *portsFlag) Set(text string) error {
	lo, hi, ok := strings.Cut(text, "-")
	low, errLow := strconv.Atoi(lo)
	high, errHigh := strconv.Atoi(hi)
	switch {
	case !ok || errLow != nil || errHigh != nil:
		return fmt.Errorf("ports %q: want LOW-HIGH, e.g. 40000-40099", text)
	case low < 1024 || high > 65535:
		return fmt.Errorf("ports %q: want ports from 1024 to 65535", text)
	case high-low+1 < minPortRange:
		return fmt.Errorf("ports %q: want at least %d ports (3 per member: peer, client and proxy)", text, minPortRange)
	}
	p.low, p.high = low, high
	return nil
}
