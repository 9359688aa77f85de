package reports

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSegmentsOfMergesAndFlagsNewTerms(t *testing.T) {
	lanes := []lane{{id: 1, name: "a"}, {id: 2, name: "b"}}
	samples := []Sample{
		{At: 30, Node: 1, Role: RoleLeader, Term: 2}, // out of order on purpose
		{At: 0, Node: 1, Role: RoleFollower, Term: 1},
		{At: 10, Node: 1, Role: RoleFollower, Term: 1, Commit: 5}, // same role and term: merged
		{At: 20, Node: 1, Role: RoleCandidate, Term: 2},
		{At: 5, Node: 2, Role: RoleDown},
	}
	got := segmentsOf(samples, lanes, 100)
	want := []segment{
		{lane: 0, start: 0, end: 20, role: RoleFollower, term: 1, newTerm: true},
		{lane: 0, start: 20, end: 30, role: RoleCandidate, term: 2, newTerm: true},
		{lane: 0, start: 30, end: 100, role: RoleLeader, term: 2, newTerm: false},
		{lane: 1, start: 5, end: 100, role: RoleDown, term: 0, newTerm: true},
	}
	assert.Equal(t, want, got)
}

func TestSegmentsOfLastSegmentNeverEndsBeforeItStarts(t *testing.T) {
	got := segmentsOf([]Sample{{At: 50, Node: 1, Role: RoleFollower}}, []lane{{id: 1}}, 10)
	require.Len(t, got, 1)
	assert.Equal(t, got[0].start, got[0].end)
}

func TestLanesOfKeepsOrderAndAddsUnlistedNodes(t *testing.T) {
	run := Run{
		Nodes:   []NodeInfo{{ID: 3, Name: "c"}, {ID: 1}},
		Samples: []Sample{{Node: 9}, {Node: 3}, {Node: 5}},
		Faults:  []FaultWindow{{Nodes: []uint64{7}}},
		Steps:   []Step{{Logs: []NodeLog{{Node: 6}}}},
	}
	got := lanesOf(run)
	want := []lane{
		{id: 3, name: "c"}, {id: 1, name: "node 1"},
		{id: 5, name: "node 5"}, {id: 6, name: "node 6"}, {id: 7, name: "node 7"}, {id: 9, name: "node 9"},
	}
	assert.Equal(t, want, got)
}

func TestRunEndIgnoresOpsThatNeverReturned(t *testing.T) {
	run := Run{
		Samples: []Sample{{At: 3 * s}},
		Ops: []OpPoint{
			{Call: 4 * s, Return: 0, Outcome: OutcomeUnknown},
			{Call: 1 * s, Return: math.MaxInt64, Outcome: OutcomeUnknown},
		},
	}
	assert.Equal(t, 4*s, runEnd(run))
	run.Faults = []FaultWindow{{Start: s, End: 9 * s}}
	assert.Equal(t, 9*s, runEnd(run))
}

func TestLatencyMillis(t *testing.T) {
	end := 10 * s
	tests := []struct {
		name string
		op   OpPoint
		want float64
	}{
		{"returned", OpPoint{Call: s, Return: s + 5*ms, Outcome: OutcomeOK}, 5},
		{"never returned runs to the end", OpPoint{Call: 8 * s, Return: 0, Outcome: OutcomeUnknown}, float64(2 * s / ms)},
		{"max int return runs to the end", OpPoint{Call: 9 * s, Return: math.MaxInt64, Outcome: OutcomeUnknown}, float64(s / ms)},
		{"call after end is zero", OpPoint{Call: 11 * s, Return: 0, Outcome: OutcomeUnknown}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.InDelta(t, tt.want, latencyMillis(tt.op, end), 1e-9)
		})
	}
}

func TestBucketWidthIsTheSmallestOneTwoFiveStepThatFits(t *testing.T) {
	steps := []int64{}
	for w := minBucket; w <= 1000*s; w *= 10 {
		steps = append(steps, w, 2*w, 5*w)
	}
	for _, end := range []int64{0, 1, 30 * ms, 999 * ms, 7 * s, 60 * s, 3600 * s} {
		got := bucketWidth(end)
		want := int64(-1)
		for _, w := range steps {
			if w >= end/targetBuckets {
				want = w
				break
			}
		}
		assert.Equal(t, want, got, "end %d", end)
		assert.GreaterOrEqual(t, got, minBucket)
	}
}

func TestThroughputSeriesCountsOnlyOKOpsAtTheirReturn(t *testing.T) {
	end := 1 * s
	width := 100 * ms
	ops := []OpPoint{
		{Call: 0, Return: 50 * ms, Outcome: OutcomeOK},
		{Call: 0, Return: 60 * ms, Outcome: OutcomeOK},
		{Call: 0, Return: 150 * ms, Outcome: OutcomeOK},
		{Call: 0, Return: 150 * ms, Outcome: OutcomeFail},
		{Call: 0, Return: 160 * ms, Outcome: OutcomeUnknown},
		{Call: 0, Return: end, Outcome: OutcomeOK}, // lands in the last bucket
	}
	pts := throughputSeries(ops, end, width)
	require.Len(t, pts, int(end/width)+1)
	perSecond := float64(s / width)
	assert.InDelta(t, 2*perSecond, pts[0].Y, 1e-9)
	assert.InDelta(t, 1*perSecond, pts[1].Y, 1e-9)
	assert.InDelta(t, 1*perSecond, pts[len(pts)-2].Y, 1e-9)
	assert.InDelta(t, seconds(end), pts[len(pts)-1].X, 1e-12)

	total := 0.0
	for i := 0; i+1 < len(pts); i++ {
		total += pts[i].Y * (pts[i+1].X - pts[i].X)
	}
	assert.InDelta(t, 4, total, 1e-9, "rate integrates back to the ok op count")
}

func TestThroughputSeriesMergesAShortLastBucketIntoThePreviousOne(t *testing.T) {
	end := 250 * ms
	pts := throughputSeries([]OpPoint{{Return: 240 * ms, Outcome: OutcomeOK}}, end, 100*ms)
	require.Len(t, pts, 3, "two buckets and the closing point")
	assert.InDelta(t, 1/seconds(150*ms), pts[1].Y, 1e-9, "the last bucket runs from 100 ms to the end")

	// A steady 100 ops per second stays flat to the end: no spike in a sliver of a bucket.
	var ops []OpPoint
	end = 1003 * ms
	for at := 5 * ms; at <= end; at += 10 * ms {
		ops = append(ops, OpPoint{Call: at - ms, Return: at, Outcome: OutcomeOK})
	}
	pts = throughputSeries(ops, end, 50*ms)
	for _, pt := range pts[1:] {
		assert.InDelta(t, 100, pt.Y, 8, "at %.3f s", pt.X)
	}
}

func TestCheckRelativeLink(t *testing.T) {
	tests := []struct {
		link string
		ok   bool
	}{
		{"", true},
		{"porcupine.html", true},
		{"seeds/7/index.html", true},
		{"./a/../b.html", true},
		{"../up.html", false},
		{"a/../../up.html", false},
		{"/abs.html", false},
		{`dir\file.html`, false},
		{"http://example.com/", false},
		{"//example.com/x", false},
		{"javascript:alert(1)", false},
	}
	for _, tt := range tests {
		t.Run(tt.link, func(t *testing.T) {
			err := checkRelativeLink(tt.link)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestFixXRange(t *testing.T) {
	tests := []struct {
		name    string
		end     int64
		wantMax float64
	}{
		{"run length in seconds", 2500 * ms, 2.5},
		{"time zero only gets one second", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTimePlot("x", "y", false)
			fixXRange(p, tt.end)
			assert.Equal(t, 0.0, p.X.Min)
			assert.InDelta(t, tt.wantMax, p.X.Max, 1e-12)
		})
	}
}

func TestLogAxisEndsOnOneTwoFiveSteps(t *testing.T) {
	for _, c := range []struct{ v, below, above float64 }{
		{0.013, 0.01, 0.02}, {1, 1, 1}, {3.7, 2, 5}, {103, 100, 200}, {2400, 2000, 5000}, {6000, 5000, 10000},
	} {
		assert.InDelta(t, c.below, stepAtOrBelow(c.v), c.below*1e-9, "below %v", c.v)
		assert.InDelta(t, c.above, stepAtOrAbove(c.v), c.above*1e-9, "above %v", c.v)
	}
}

func TestMillisTicksLabelDurations(t *testing.T) {
	labels := func(lo, hi float64) []string {
		var out []string
		for _, tk := range (millisTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	assert.Equal(t, []string{"0.01 ms", "0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s"}, labels(0.01, 10000))
	assert.Equal(t, []string{"2 ms", "10 ms", "100 ms", "1 s", "5 s"}, labels(2, 5000), "the ends are labelled")
	assert.Equal(t, []string{"10 ms", "20 ms", "50 ms", "100 ms", "200 ms"}, labels(10, 200), "a narrow axis has 2 and 5 too")
}
