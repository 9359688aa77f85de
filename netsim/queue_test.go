package netsim

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

func TestEventQueueOrdersByTimeThenSequence(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var q eventQueue
	for i := range 1000 {
		q.push(event{at: rng.Int64N(50), seq: uint64(i)})
	}
	require.Equal(t, 1000, q.Len())
	prev := q.pop()
	for q.Len() > 0 {
		e := q.pop()
		require.True(t, e.at > prev.at || (e.at == prev.at && e.seq > prev.seq),
			"event (%d,%d) popped after (%d,%d)", e.at, e.seq, prev.at, prev.seq)
		prev = e
	}
}

func TestRunSkipsIdleTimeAndStopsAtUntil(t *testing.T) {
	s := newFakeSim(t, Config{Seed: 1, Nodes: 1, NewProcess: newFakeProcess, NewDisk: fakeConfig(1, 1).NewDisk,
		SampleInterval: -1, TickInterval: 1e9})
	var fired []int64
	s.At(5e9, func() { fired = append(fired, s.Now()) })
	s.At(3e9+7, func() { fired = append(fired, s.Now()) })
	s.Run(4e9)
	require.Equal(t, []int64{3e9 + 7}, fired)
	require.Equal(t, int64(4e9), s.Now())
	// One tick per virtual second: a 4 s run costs a handful of events, not 4e9 steps.
	require.Less(t, s.Steps(), uint64(10))
	s.Run(5e9)
	require.Equal(t, []int64{3e9 + 7, 5e9}, fired)
}

func TestRunUntilStopsWhenPredicateHolds(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	ok := s.RunUntil(func() bool { return len(fake(s, 1).ticks) >= 5 }, 10e9)
	require.True(t, ok)
	require.Len(t, fake(s, 1).ticks, 5)
	require.Equal(t, 5*s.Config().TickInterval, s.Now())

	limit := s.Now() + 1e9
	ok = s.RunUntil(func() bool { return false }, limit)
	require.False(t, ok)
	require.Equal(t, limit, s.Now())
	require.Len(t, fake(s, 1).ticks, 15)
}

func TestStepReportsEmptyQueue(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 1))
	require.True(t, s.Step())
	s.queue = eventQueue{}
	require.False(t, s.Step())
}

func TestEventQueueKeepsEachEventsActionAndReusesSlots(t *testing.T) {
	var q eventQueue
	msgs := make([]raft.Message, 6)
	for round := range 3 {
		var ran []int
		for i := range msgs {
			msgs[i].Index = uint64(i)
			at := int64(round*len(msgs) + (7*i)%len(msgs)) // time never runs backwards across rounds
			if i%2 == 0 {
				q.push(event{at: at, seq: uint64(i), eventAction: eventAction{ref: func() { ran = append(ran, i) }}})
			} else {
				q.push(event{at: at, seq: uint64(i), eventAction: eventAction{kind: evDeliver, ref: &msgs[i]}})
			}
		}
		for q.Len() > 0 {
			e := q.pop()
			i := int(e.seq)
			require.Equal(t, int64(round*len(msgs)+(7*i)%len(msgs)), e.at)
			if i%2 == 0 {
				require.Equal(t, evFunc, e.kind)
				e.ref.(func())()
				require.Equal(t, i, ran[len(ran)-1])
			} else {
				require.Equal(t, evDeliver, e.kind)
				require.Same(t, &msgs[i], e.ref.(*raft.Message))
			}
		}
		require.Len(t, ran, len(msgs)/2, "round %d", round)
		require.Len(t, q.actions, len(msgs), "slots are reused, round %d", round)
	}
}

// BenchmarkEventQueue pushes and pops events at a steady queue length like a chaos run's (a few
// hundred pending timeouts, deliveries and disk completions).
func BenchmarkEventQueue(b *testing.B) {
	for _, size := range []int{64, 512} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var q eventQueue
			var seq uint64
			for range size {
				seq++
				q.push(event{at: rng.Int64N(1e9), seq: seq})
			}
			for b.Loop() {
				e := q.pop()
				seq++
				q.push(event{at: e.at + rng.Int64N(1e8), seq: seq})
			}
		})
	}
}

// The calendar queue against the obvious model: interleaved pushes (many at equal times, some at
// the very time of the last event taken, some years ahead) and takes come out in (at, seq) order,
// and next always names the time take returns.
func TestEventQueueMatchesASortedModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q eventQueue
	var model []eventKey
	var now int64
	var seq uint64
	for step := range 20000 {
		if len(model) == 0 || rng.IntN(3) > 0 {
			seq++
			var at int64
			switch rng.IntN(5) {
			case 0:
				at = now // at once
			case 1:
				at = now + rng.Int64N(8) // a crowd of equal times
			case 2:
				at = now + rng.Int64N(3*calendarDays)<<dayShift // up to three years ahead
			default:
				at = now + rng.Int64N(1<<uint(rng.IntN(40)))
			}
			q.push(event{at: at, seq: seq})
			model = append(model, eventKey{at: at, seq: seq})
			continue
		}
		best := 0
		for i, k := range model {
			if k.at < model[best].at || (k.at == model[best].at && k.seq < model[best].seq) {
				best = i
			}
		}
		want := model[best]
		model = append(model[:best], model[best+1:]...)
		require.Equal(t, want.at, q.next(), "step %d", step)
		got := q.pop()
		require.Equal(t, want.at, got.at, "step %d", step)
		require.Equal(t, want.seq, got.seq, "step %d", step)
		now = got.at
		require.Equal(t, len(model), q.Len())
	}
}

// The calendar needs no help from the simulator: an event pushed before the last one taken still
// comes out first, and so does one a year (calendarDays days) before the queued ones.
func TestEventQueueOrdersEarlierPushesFirst(t *testing.T) {
	var q eventQueue
	q.push(event{at: 10 << dayShift, seq: 1})
	q.pop()
	q.push(event{at: 50 << dayShift, seq: 2})
	q.push(event{at: 3 << dayShift, seq: 3})
	q.push(event{at: (50 + 3*calendarDays) << dayShift, seq: 4})
	q.push(event{at: 50 << dayShift, seq: 5})
	var got []uint64
	for q.Len() > 0 {
		got = append(got, q.pop().seq)
	}
	require.Equal(t, []uint64{3, 2, 5, 4}, got)
}

// readyBy answers for the earliest event: after a false answer an event earlier than the queued ones
// may still be pushed, and comes out first.
func TestReadyBySettlesOnlyForAnEventDue(t *testing.T) {
	var q eventQueue
	require.False(t, q.readyBy(100), "empty")
	q.push(event{at: 500, seq: 1})
	require.False(t, q.readyBy(100))
	q.push(event{at: 200, seq: 2}) // the simulator stopped at 100 and scheduled earlier
	require.True(t, q.readyBy(300))
	require.Equal(t, uint64(2), q.pop().seq)
	require.True(t, q.readyBy(500))
	require.Equal(t, uint64(1), q.pop().seq)
	require.False(t, q.readyBy(1000))
}
