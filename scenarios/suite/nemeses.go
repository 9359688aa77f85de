package suite

import (
	"fmt"
	"math/rand/v2"

	"github.com/raftlab/raftlab/nemesis"
)

const (
	ms     = int64(1e6)
	second = int64(1e9)
)

// generated draws a nemesis schedule from the seed with the given mix (nemesis.Generate: every
// fault is repaired, and the run ends with a quiet period).
func generated(mix nemesis.Mix, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled { return nemesis.Generate(seed, mix, duration) }
}

// seeded is a schedule's own generator, apart from the simulation's.
func seeded(seed uint64, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, salt))
}

// between draws a time in [lo, hi).
func between(rng *rand.Rand, lo, hi int64) int64 { return lo + rng.Int64N(hi-lo) }

// leaderKills crashes the leader every gap (drawn between gapMin and gapMax) and restarts every
// crashed node down (drawn between downMin and downMax) later, until quiet ns before the end.
func leaderKills(gapMin, gapMax, downMin, downMax, quiet int64, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		rng := seeded(seed, 0x6c65616465726b)
		var out []nemesis.Scheduled
		for at := between(rng, gapMin, gapMax); at < duration-quiet; at += between(rng, gapMin, gapMax) {
			out = append(out, nemesis.Scheduled{At: at, Fault: nemesis.Crash{Node: nemesis.RefLeader, Kill: true}})
			out = append(out, nemesis.Scheduled{At: at + between(rng, downMin, downMax), Fault: nemesis.Restart{Node: nemesis.RefAll}})
		}
		return append(out, nemesis.Scheduled{At: duration - quiet, Fault: nemesis.Restart{Node: nemesis.RefAll}})
	}
}

// powerFailures crashes every node at once and restarts them all shortly after, repeatedly.
func powerFailures(gapMin, gapMax, down, quiet, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		rng := seeded(seed, 0x706f776572)
		var out []nemesis.Scheduled
		for at := between(rng, gapMin, gapMax); at < duration-quiet; at += between(rng, gapMin, gapMax) {
			out = append(out, nemesis.Scheduled{At: at, Fault: nemesis.Crash{Node: nemesis.RefAll}})
			out = append(out, nemesis.Scheduled{At: at + down, Fault: nemesis.Restart{Node: nemesis.RefAll}})
		}
		return out
	}
}

// isolations cut the leader (or a random node) off for a while, again and again, and heal.
func isolations(gapMin, gapMax, cutMin, cutMax, quiet, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		rng := seeded(seed, 0x69736f6c617465)
		var out []nemesis.Scheduled
		at := between(rng, gapMin, gapMax)
		for at < duration-quiet {
			var f nemesis.Fault = nemesis.Isolate{Node: nemesis.RefLeader}
			if rng.IntN(3) == 0 {
				f = nemesis.RandomHalves{}
			}
			heal := at + between(rng, cutMin, cutMax)
			out = append(out, nemesis.Scheduled{At: at, Fault: f}, nemesis.Scheduled{At: heal, Fault: nemesis.Heal{}})
			at = heal + between(rng, gapMin, gapMax)
		}
		// Whatever is still cut is repaired when the quiet period starts.
		return append(out, nemesis.Scheduled{At: duration - quiet, Fault: nemesis.Heal{}})
	}
}

// memberChurn grows a cluster of n nodes by two members, removes the leader and then the first
// added member, at times jittered by the seed.
func memberChurn(n int, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		rng := seeded(seed, 0x6d656d626572)
		step := duration / 6
		jitter := func(k int64) int64 { return k*step + between(rng, 0, step/2) }
		first, second := fmt.Sprintf("n%d", n+1), fmt.Sprintf("n%d", n+2)
		return []nemesis.Scheduled{
			{At: jitter(1), Fault: nemesis.MemberAdd{Name: first}},
			{At: jitter(2), Fault: nemesis.MemberAdd{Name: second}},
			{At: jitter(3), Fault: nemesis.MemberRemove{Node: nemesis.RefLeader}},
			{At: jitter(4), Fault: nemesis.MemberRemove{Node: nemesis.NodeRef(first)}},
		}
	}
}

// repairAt only repairs, at the given time, whatever a suite's script left cut or down.
func repairAt(at int64) func(seed uint64) []nemesis.Scheduled {
	return func(uint64) []nemesis.Scheduled {
		return []nemesis.Scheduled{{At: at, Fault: nemesis.Heal{}}, {At: at, Fault: nemesis.Restart{Node: nemesis.RefAll}}}
	}
}

// combine merges schedules, sorted by time (stable, so equal times keep their order).
func combine(parts ...func(seed uint64) []nemesis.Scheduled) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		var out []nemesis.Scheduled
		for _, p := range parts {
			out = append(out, p(seed)...)
		}
		for i := 1; i < len(out); i++ {
			for j := i; j > 0 && out[j].At < out[j-1].At; j-- {
				out[j], out[j-1] = out[j-1], out[j]
			}
		}
		return out
	}
}
