package nemesis

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parse reads one fault from its text form (see the package documentation). It is the inverse of
// every Fault's String.
func Parse(text string) (Fault, error) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return nil, fmt.Errorf("nemesis: empty fault")
	}
	bad := func(format string, args ...any) (Fault, error) {
		return nil, fmt.Errorf("nemesis: %q: %s", text, fmt.Sprintf(format, args...))
	}
	arity := func(n int) bool { return len(f) == n }
	switch f[0] {
	case "partition":
		if arity(2) && f[1] == "random-halves" {
			return RandomHalves{}, nil
		}
		if len(f) < 2 {
			return bad("want groups like {n1,n2} {n3}")
		}
		groups, err := parseGroups(f[1:])
		if err != nil {
			return bad("%v", err)
		}
		return Partition{Groups: groups}, nil
	case "bridge", "heal":
		if !arity(1) {
			return bad("takes no arguments")
		}
		if f[0] == "bridge" {
			return Bridge{}, nil
		}
		return Heal{}, nil
	case "cut":
		if !arity(2) {
			return bad("want cut <from>-><to>")
		}
		from, to, ok := strings.Cut(f[1], "->")
		if !ok || !nodeName.MatchString(from) || !nodeName.MatchString(to) || from == to {
			return bad("want cut <from>-><to> between two nodes")
		}
		return CutLink{From: from, To: to}, nil
	case "isolate", "crash", "kill", "pause", "restart", "resume":
		if !arity(2) {
			return bad("want %s <node>", f[0])
		}
		allowAll := f[0] == "restart" || f[0] == "resume" || f[0] == "crash"
		ref, err := parseRef(f[1], allowAll)
		if err != nil {
			return bad("%v", err)
		}
		switch f[0] {
		case "isolate":
			return Isolate{Node: ref}, nil
		case "crash", "kill":
			return Crash{Node: ref, Kill: f[0] == "kill"}, nil
		case "pause":
			return Pause{Node: ref}, nil
		case "restart":
			return Restart{Node: ref}, nil
		default:
			return Resume{Node: ref}, nil
		}
	case "delay":
		if !arity(2) {
			return bad("want delay <min>..<max>")
		}
		lo, hi, ok := strings.Cut(f[1], "..")
		if !ok {
			return bad("want delay <min>..<max>")
		}
		minD, err1 := time.ParseDuration(lo)
		maxD, err2 := time.ParseDuration(hi)
		if err1 != nil || err2 != nil || minD < 0 || maxD < minD {
			return bad("want two durations min <= max")
		}
		return Delay{Min: minD, Max: maxD}, nil
	case string(Loss), string(Duplicate), string(Reorder):
		if !arity(2) || !strings.HasSuffix(f[1], "%") {
			return bad("want %s <percent>%%", f[0])
		}
		p, err := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		if err != nil || p < 0 || p > 100 {
			return bad("percent must be a number in [0,100]")
		}
		return LinkFault{Kind: LinkFaultKind(f[0]), Percent: p}, nil
	case "net":
		if !arity(2) || f[1] != "reset" {
			return bad("want net reset")
		}
		return NetReset{}, nil
	case "disk":
		if !arity(3) {
			return bad("want disk fail-sync|full|ok <node>")
		}
		kind := DiskFaultKind(f[1])
		if kind != DiskFailSync && kind != DiskFull && kind != DiskOK {
			return bad("unknown disk fault %q", f[1])
		}
		ref, err := parseRef(f[2], kind == DiskOK)
		if err != nil {
			return bad("%v", err)
		}
		return DiskFault{Kind: kind, Node: ref}, nil
	case "clock-skew":
		if !arity(3) || (f[2][0] != '+' && f[2][0] != '-') {
			return bad("want clock-skew <node> +<duration> or -<duration>")
		}
		ref, err := parseRef(f[1], false)
		if err != nil {
			return bad("%v", err)
		}
		d, err := time.ParseDuration(f[2])
		if err != nil {
			return bad("%v", err)
		}
		return ClockSkew{Node: ref, Offset: d}, nil
	case "clock-drift":
		if !arity(3) || !strings.HasSuffix(f[2], "ppm") || (f[2][0] != '+' && f[2][0] != '-') {
			return bad("want clock-drift <node> +<n>ppm or -<n>ppm")
		}
		ref, err := parseRef(f[1], false)
		if err != nil {
			return bad("%v", err)
		}
		ppm, err := strconv.ParseInt(strings.TrimSuffix(f[2], "ppm"), 10, 64)
		if err != nil || ppm <= -1e6 {
			return bad("drift must be an integer above -1000000 ppm")
		}
		return ClockDrift{Node: ref, PPM: ppm}, nil
	case "member":
		if !arity(3) || (f[1] != "add" && f[1] != "remove") {
			return bad("want member add <name> or member remove <node>")
		}
		ref, err := parseRef(f[2], false)
		if err != nil {
			return bad("%v", err)
		}
		if f[1] == "add" {
			if ref == RefLeader || ref == RefFollower || ref == RefRandom {
				return bad("a new member needs a name")
			}
			return MemberAdd{Name: string(ref)}, nil
		}
		return MemberRemove{Node: ref}, nil
	}
	return bad("unknown fault %q", f[0])
}

// parseGroups reads "{n1,n2}" "{n3,n4,n5}" (each group one field, no spaces inside).
func parseGroups(fields []string) ([][]string, error) {
	seen := map[string]bool{}
	var groups [][]string
	for _, g := range fields {
		if !strings.HasPrefix(g, "{") || !strings.HasSuffix(g, "}") || len(g) < 3 {
			return nil, fmt.Errorf("group %q is not {a,b,...}", g)
		}
		var group []string
		for _, name := range strings.Split(g[1:len(g)-1], ",") {
			if !nodeName.MatchString(name) {
				return nil, fmt.Errorf("bad node name %q in %s", name, g)
			}
			if name == string(RefLeader) || name == string(RefFollower) || name == string(RefRandom) || name == string(RefAll) {
				return nil, fmt.Errorf("partition groups take node names, not %q", name)
			}
			if seen[name] {
				return nil, fmt.Errorf("node %s is in two groups", name)
			}
			seen[name] = true
			group = append(group, name)
		}
		groups = append(groups, group)
	}
	return groups, nil
}
