package suite

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// Options are the protocol, disk and network options one seed of a swarm suite runs with, drawn
// from the seed (TigerBeetle's swarm testing): every combination is a configuration correct code
// must survive, and each seed tries another.
type Options struct {
	PreVote, CheckQuorum bool
	// ElectionTicks and HeartbeatTicks are the election timeout and heartbeat interval in ticks of
	// 100 ms.
	ElectionTicks, HeartbeatTicks int
	// SnapshotCount is how many applied entries trigger a snapshot; SnapshotCatchUpEntries how many
	// entries stay in the log after one (small values force snapshots and their installs).
	SnapshotCount, SnapshotCatchUpEntries uint64
	// MaxSizePerMsg bounds an append's entry bytes (1: one entry per append); MaxInflightMsgs the
	// appends in flight per follower.
	MaxSizePerMsg   uint64
	MaxInflightMsgs int
	// DiskLatency is each fsync's time; LinkLatency each message's time on the wire.
	DiskLatency, LinkLatency netsim.Latency
	// TornWrites makes a crash keep part of the unsynced writes (a random prefix, or a random subset
	// of their sectors, drawn crash by crash); SegmentSize is the WAL segment size (small ones are
	// cut often).
	TornWrites  bool
	SegmentSize int64
	// FaultPoints are the core fault points armed in the run (FoundationDB's BUGGIFY): none for
	// half the seeds, one to three for the others.
	FaultPoints []netsim.ArmedPoint
}

// optionsSalt keeps the options' generator apart from every other one drawn from the seed.
const optionsSalt = 0x6f7074696f6e73

// DrawOptions draws the options of one seed.
func DrawOptions(seed uint64) Options {
	rng := seeded(seed, optionsSalt)
	o := Options{PreVote: rng.IntN(2) == 0, CheckQuorum: rng.IntN(2) == 0}
	o.ElectionTicks = 5 + rng.IntN(16)
	o.HeartbeatTicks = 1 + rng.IntN(min(3, o.ElectionTicks/3))
	switch rng.IntN(10) {
	case 0, 1, 2, 3: // small: snapshots every few dozen entries, followers installed from them
		o.SnapshotCount = uint64(8 + rng.IntN(60))
		o.SnapshotCatchUpEntries = uint64(1 + rng.IntN(int(o.SnapshotCount)))
	case 4, 5, 6:
		o.SnapshotCount = uint64(100 + rng.IntN(900))
		o.SnapshotCatchUpEntries = uint64(10 + rng.IntN(200))
	default: // node defaults (10,000 and 5,000): snapshots are rare
	}
	o.MaxSizePerMsg = pick(rng, []uint64{1, 256, 4 << 10, 64 << 10, 1 << 20})
	o.MaxInflightMsgs = pick(rng, []int{1, 2, 4, 16, 256})
	o.DiskLatency = drawLatency(rng, 200_000, 15*ms)
	o.LinkLatency = drawLatency(rng, 200_000, 10*ms)
	o.TornWrites = rng.IntN(2) == 0
	o.SegmentSize = pick(rng, []int64{4 << 10, 16 << 10, 32 << 10, 256 << 10})
	o.FaultPoints = drawFaultPoints(rng)
	return o
}

// drawFaultPoints arms no point for half the seeds and one to three for the others, each with an
// action its place allows (an I/O error only where there is I/O), odds and a bound.
func drawFaultPoints(rng *rand.Rand) []netsim.ArmedPoint {
	if rng.IntN(2) == 0 {
		return nil
	}
	all := faultpoint.All()
	var out []netsim.ArmedPoint
	for _, k := range rng.Perm(len(all))[:1+rng.IntN(3)] {
		p := all[k]
		actions := []faultpoint.Action{faultpoint.Crash, faultpoint.Crash, faultpoint.Delay}
		if p.Info().IO {
			actions = append(actions, faultpoint.Fail)
		}
		out = append(out, netsim.ArmedPoint{Point: p, Action: pick(rng, actions),
			OneIn: pick(rng, []int{1, 3, 10, 30, 100}), Max: 1 + rng.IntN(3)})
	}
	slices.SortFunc(out, func(a, b netsim.ArmedPoint) int { return int(a.Point) - int(b.Point) })
	return out
}

func pick[T any](rng *rand.Rand, from []T) T { return from[rng.IntN(len(from))] }

// drawLatency draws a minimum in [lo, hi) and a spread of up to twice the minimum, uniform or
// exponential.
func drawLatency(rng *rand.Rand, lo, hi int64) netsim.Latency {
	l := netsim.Latency{Min: between(rng, lo, hi)}
	l.Spread = rng.Int64N(2*l.Min + 1)
	if rng.IntN(4) == 0 {
		l.Dist = netsim.DistExponential
	}
	return l
}

// apply sets the options on a copy of s: the nodes', the disks' and the links' latency (a suite's
// loss, duplication and reordering stay).
func (o Options) apply(s Suite) Suite {
	n := &s.Node
	n.DisablePreVote, n.DisableCheckQuorum = !o.PreVote, !o.CheckQuorum
	n.ElectionTicks, n.HeartbeatTicks = o.ElectionTicks, o.HeartbeatTicks
	n.SnapshotCount, n.SnapshotCatchUpEntries = o.SnapshotCount, o.SnapshotCatchUpEntries
	n.MaxSizePerMsg, n.MaxInflightMsgs = o.MaxSizePerMsg, o.MaxInflightMsgs
	n.TornWrites, n.SegmentSize = o.TornWrites, o.SegmentSize
	s.DiskLatency = o.DiskLatency
	s.Link.Latency = o.LinkLatency
	s.FaultPoints = o.FaultPoints
	return s
}

// String renders the options on one line, as a failing seed's report shows them.
func (o Options) String() string {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	snap := "snapshots default"
	if o.SnapshotCount > 0 {
		snap = fmt.Sprintf("snapshot every %d (keep %d)", o.SnapshotCount, o.SnapshotCatchUpEntries)
	}
	parts := []string{
		"pre-vote " + onOff(o.PreVote), "check-quorum " + onOff(o.CheckQuorum),
		fmt.Sprintf("election %d ticks, heartbeat %d", o.ElectionTicks, o.HeartbeatTicks), snap,
		fmt.Sprintf("max msg %d B, inflight %d", o.MaxSizePerMsg, o.MaxInflightMsgs),
		"disk " + latencyString(o.DiskLatency), "link " + latencyString(o.LinkLatency),
		"torn writes " + onOff(o.TornWrites), fmt.Sprintf("segments %d KiB", o.SegmentSize>>10),
	}
	for _, a := range o.FaultPoints {
		parts = append(parts, "fault point "+a.String())
	}
	return strings.Join(parts, ", ")
}

func latencyString(l netsim.Latency) string {
	if l == (netsim.Latency{}) {
		return "default"
	}
	dist := "+"
	if l.Dist == netsim.DistExponential {
		dist = "+exp "
	}
	return fmt.Sprintf("%v%s%v", time.Duration(l.Min), dist, time.Duration(l.Spread))
}
