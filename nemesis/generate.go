package nemesis

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/raftlab/raftlab/netsim"
)

// Scheduled is a fault and the virtual time (ns since the start of the run) to apply it at.
type Scheduled struct {
	At    int64
	Fault Fault
}

// String renders "at 1.5s: crash n3".
func (s Scheduled) String() string {
	return fmt.Sprintf("at %s: %s", time.Duration(s.At), s.Fault)
}

// Mix weighs the fault families a generated schedule draws from (0 switches a family off).
type Mix struct {
	// Nodes is the cluster size the faults name nodes of (default 5: n1..n5).
	Nodes int
	// Partitions: partition random-halves, isolate, bridge, one-way cuts, each healed later.
	Partitions int
	// Crashes: crash or kill (of the leader or a node), restarted later.
	Crashes int
	// Pauses: pause a node, resumed later.
	Pauses int
	// Links: delay, loss, duplication, reordering, reset later.
	Links int
	// Disks: fsync failure or a full disk, cleared later (the node stays failed until restarted,
	// so a restart follows).
	Disks int
	// Clocks: clock steps and drift.
	Clocks int
	// Members: add a new member (n<Nodes+1>, n<Nodes+2>, ...) and remove it again later.
	Members int
	// Quiet is the fault-free tail (default a quarter of the duration): at its start every fault is
	// repaired (heal, net reset, disk ok all, resume all, restart all) so liveness can be checked.
	Quiet int64
}

// DefaultMix exercises every fault family except membership changes.
func DefaultMix() Mix {
	return Mix{Nodes: 5, Partitions: 4, Crashes: 3, Pauses: 1, Links: 3, Disks: 1, Clocks: 1}
}

// swarm holds the rates and ranges one seed draws (TigerBeetle's "swarm testing": every seed gets
// its own mix of how often and how hard).
type swarm struct {
	gapMean     int64 // mean time between fault starts
	durationMin int64 // how long a fault lasts before its repair
	durationMax int64
	lossMax     float64 // percent
	dupMax      float64
	reorderMax  float64
	delayMax    int64
	skewMax     int64
}

func drawSwarm(rng *rand.Rand) swarm {
	ms := int64(time.Millisecond)
	s := swarm{
		gapMean:     int64(500+rng.IntN(2500)) * ms,
		durationMin: int64(200+rng.IntN(800)) * ms,
		lossMax:     float64(rng.IntN(31)),
		dupMax:      float64(rng.IntN(21)),
		reorderMax:  float64(rng.IntN(51)),
		delayMax:    int64(30+rng.IntN(270)) * ms,
		skewMax:     int64(100+rng.IntN(1900)) * ms,
	}
	s.durationMax = s.durationMin + int64(500+rng.IntN(4500))*ms
	return s
}

// Generate draws a fault schedule for a run of duration ns from seed: fault families by mix weight,
// rates and ranges by seed. Every fault is paired with its repair (heal, restart, resume, reset)
// after a drawn time, at most one fault per family is active at once, and the schedule ends with a
// full repair at duration-Quiet followed by a quiet period. The result is sorted by time.
func Generate(seed uint64, mix Mix, duration int64) []Scheduled {
	rng := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	if mix.Nodes <= 0 {
		mix.Nodes = 5
	}
	if mix.Quiet <= 0 {
		mix.Quiet = duration / 4
	}
	sw := drawSwarm(rng)
	added := 0
	end := duration - mix.Quiet
	families := []struct {
		weight int
		make   func() (Fault, []Fault)
	}{
		{mix.Partitions, func() (Fault, []Fault) { return partitionFault(rng, mix.Nodes), []Fault{Heal{}} }},
		{mix.Crashes, func() (Fault, []Fault) { return crashFault(rng, mix.Nodes) }},
		{mix.Pauses, func() (Fault, []Fault) {
			n := node(rng, mix.Nodes)
			return Pause{Node: n}, []Fault{Resume{Node: n}}
		}},
		{mix.Links, func() (Fault, []Fault) { return linkFault(rng, sw), []Fault{NetReset{}} }},
		{mix.Disks, func() (Fault, []Fault) { return diskFault(rng, mix.Nodes) }},
		{mix.Clocks, func() (Fault, []Fault) { return clockFault(rng, mix.Nodes, sw) }},
		{mix.Members, func() (Fault, []Fault) {
			added++
			name := fmt.Sprintf("n%d", mix.Nodes+added)
			return MemberAdd{Name: name}, []Fault{MemberRemove{Node: NodeRef(name)}}
		}},
	}
	total := 0
	for _, f := range families {
		total += max(f.weight, 0)
	}
	var out []Scheduled
	busyUntil := make([]int64, len(families))
	t := int64(rng.ExpFloat64() * float64(sw.gapMean))
	for total > 0 && t < end {
		pick := rng.IntN(total)
		fam := 0
		for i, f := range families {
			if pick < max(f.weight, 0) {
				fam = i
				break
			}
			pick -= max(f.weight, 0)
		}
		if busyUntil[fam] <= t {
			fault, repairs := families[fam].make()
			stop := min(t+sw.durationMin+rng.Int64N(sw.durationMax-sw.durationMin+1), end)
			out = append(out, Scheduled{At: t, Fault: fault})
			for _, r := range repairs {
				out = append(out, Scheduled{At: stop, Fault: r})
			}
			busyUntil[fam] = stop + 1
		}
		t += 1 + int64(rng.ExpFloat64()*float64(sw.gapMean))
	}
	for _, f := range finalRepair() {
		out = append(out, Scheduled{At: max(end, 0), Fault: f})
	}
	sortScheduled(out)
	return out
}

// finalRepair undoes every fault family, in an order that lets nodes come back to a healthy network.
func finalRepair() []Fault {
	return []Fault{Heal{}, NetReset{}, DiskFault{Kind: DiskOK, Node: RefAll}, Resume{Node: RefAll}, Restart{Node: RefAll}}
}

// sortScheduled sorts by time, keeping the generation order of simultaneous faults.
func sortScheduled(s []Scheduled) {
	slices.SortStableFunc(s, func(a, b Scheduled) int { return cmp.Compare(a.At, b.At) })
}

func node(rng *rand.Rand, n int) NodeRef { return NodeRef(fmt.Sprintf("n%d", 1+rng.IntN(n))) }

func partitionFault(rng *rand.Rand, n int) Fault {
	switch rng.IntN(5) {
	case 0:
		return RandomHalves{}
	case 1:
		return Isolate{Node: RefLeader}
	case 2:
		return Isolate{Node: node(rng, n)}
	case 3:
		if n >= 3 {
			return Bridge{}
		}
		return RandomHalves{}
	default:
		a := 1 + rng.IntN(n)
		b := 1 + (a+rng.IntN(max(n-1, 1)))%n
		if a == b {
			return RandomHalves{}
		}
		return CutLink{From: fmt.Sprintf("n%d", a), To: fmt.Sprintf("n%d", b)}
	}
}

func crashFault(rng *rand.Rand, n int) (Fault, []Fault) {
	switch rng.IntN(8) {
	case 0:
		// Power failure: every unsynced write everywhere is lost at once (etcd#14370's class).
		return Crash{Node: RefAll}, []Fault{Restart{Node: RefAll}}
	case 1, 2, 3:
		return Crash{Node: RefLeader, Kill: true}, []Fault{Restart{Node: RefAll}}
	}
	v := node(rng, n)
	return Crash{Node: v}, []Fault{Restart{Node: v}}
}

func linkFault(rng *rand.Rand, sw swarm) Fault {
	switch rng.IntN(4) {
	case 0:
		lo := time.Duration(rng.Int64N(sw.delayMax/3 + 1))
		hi := lo + time.Duration(rng.Int64N(sw.delayMax-int64(lo)+1))
		return Delay{Min: lo.Round(time.Millisecond), Max: hi.Round(time.Millisecond)}
	case 1:
		return LinkFault{Kind: Loss, Percent: float64(rng.IntN(int(sw.lossMax) + 1))}
	case 2:
		return LinkFault{Kind: Duplicate, Percent: float64(rng.IntN(int(sw.dupMax) + 1))}
	default:
		return LinkFault{Kind: Reorder, Percent: float64(rng.IntN(int(sw.reorderMax) + 1))}
	}
}

func diskFault(rng *rand.Rand, n int) (Fault, []Fault) {
	v := node(rng, n)
	kind := DiskFailSync
	if rng.IntN(2) == 0 {
		kind = DiskFull
	}
	// A node whose disk failed stops acknowledging writes for good: the operator clears the fault
	// and restarts it (the crash may find it already down; that is noted and harmless).
	return DiskFault{Kind: kind, Node: v}, []Fault{DiskFault{Kind: DiskOK, Node: v}, Crash{Node: v}, Restart{Node: v}}
}

func clockFault(rng *rand.Rand, n int, sw swarm) (Fault, []Fault) {
	v := node(rng, n)
	if rng.IntN(2) == 0 {
		d := time.Duration(rng.Int64N(2*sw.skewMax+1) - sw.skewMax).Round(time.Millisecond)
		return ClockSkew{Node: v, Offset: d}, []Fault{ClockSkew{Node: v, Offset: -d}}
	}
	ppm := rng.Int64N(200001) - 100000
	return ClockDrift{Node: v, PPM: ppm}, []Fault{ClockDrift{Node: v, PPM: 0}}
}

// Schedule queues every scheduled fault on sim. A fault that cannot be applied when its time comes
// (the leader it names is gone, the node it crashes is already down) is noted in the trace and
// reported to onErr (which may be nil); the run goes on.
func Schedule(sim *netsim.Sim, faults []Scheduled, onErr func(Scheduled, error)) {
	for _, sf := range faults {
		sim.At(sf.At, func() {
			sim.Note("nemesis " + sf.Fault.String())
			if err := sf.Fault.Apply(Sim(sim)); err != nil {
				sim.Note("nemesis failed: " + strings.ReplaceAll(err.Error(), "\n", "; "))
				if onErr != nil {
					onErr(sf, err)
				}
			}
		})
	}
}

// Format renders a schedule one fault per line ("at 1.5s: crash n3").
func Format(s []Scheduled) string {
	var b strings.Builder
	for _, sf := range s {
		b.WriteString(sf.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseSchedule reads Format's output back.
func ParseSchedule(text string) ([]Scheduled, error) {
	var out []Scheduled
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rest, ok := strings.CutPrefix(line, "at ")
		at, faultText, ok2 := strings.Cut(rest, ": ")
		if !ok || !ok2 {
			return nil, fmt.Errorf("nemesis: schedule line %d: want \"at <duration>: <fault>\", got %q", i+1, line)
		}
		d, err := time.ParseDuration(at)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("nemesis: schedule line %d: bad time %q", i+1, at)
		}
		f, err := Parse(faultText)
		if err != nil {
			return nil, fmt.Errorf("nemesis: schedule line %d: %w", i+1, err)
		}
		out = append(out, Scheduled{At: int64(d), Fault: f})
	}
	return out, nil
}
