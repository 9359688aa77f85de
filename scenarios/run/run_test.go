package run

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftlab/raftlab/scenarios/story"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t *testing.T, src string) *story.Story {
	t.Helper()
	st, err := story.Parse("x.story", strings.NewReader(src))
	require.NoError(t, err)
	return st
}

const header = "story x\ncluster n1 n2 n3\nseed 2\ncheck-quorum off\n"

func TestMuchWowCoolSnapshotsWhatTheSlidesShow(t *testing.T) {
	var out strings.Builder
	res, err := File("../stories/much-wow-cool.story", Options{Out: &out})
	require.NoError(t, err)
	require.True(t, res.Passed, "%s", strings.Join(res.Failures, "\n"))
	require.Len(t, res.Steps, 7)

	partition := res.Steps[2]
	assert.Equal(t, "A network partition makes a majority of nodes inaccessible from the leader", partition.Caption)
	n1 := partition.Nodes[0]
	assert.Equal(t, "n1", n1.Name)
	assert.Equal(t, "leader", n1.Role)
	assert.Equal(t, []string{"1 much t1 committed", "2 wow t1"}, cellTexts(n1.Cells))
	assert.Equal(t, []string{"1 much t1 committed"}, cellTexts(partition.Nodes[4].Cells))
	assert.Less(t, uint64(n1.Cells[0].Position), n1.Cells[0].Index, "the Raft index also counts the leader's no-op")
	assert.Less(t, n1.Cells[0].Index, n1.Cells[1].Index)
	newLeader := res.Steps[4].Nodes[2]
	assert.Equal(t, []string{"1 much t1 committed", "2 cool t2 committed"}, cellTexts(newLeader.Cells),
		"much, wow and cool are written in terms 1, 1 and 2, as on the slides")

	text := out.String()
	assert.Equal(t, strings.Join(res.Narrative, "\n")+"\n", text, "Out gets exactly the narrative")
	assert.Contains(t, text, "n1 (L)")
	assert.Contains(t, text, "wow*", "uncommitted cells are marked")
	assert.Contains(t, text, "fault: partition {n1,n2} {n3,n4,n5}")
	assert.Contains(t, text, "n3 becomes leader in term 2")

	require.Len(t, res.Faults, 1)
	w := res.Faults[0]
	assert.Equal(t, "network", w.Kind)
	assert.Equal(t, "partition {n1,n2} {n3,n4,n5}", w.Fault)
	assert.Less(t, w.Start, w.End, "the window ends at heal")
	assert.Equal(t, res.Steps[4].At, w.End, "heal is the first statement after step 5's snapshot")
	assert.True(t, res.Verdict.Linearizable)
	assert.NotEmpty(t, res.Samples)
	assert.Equal(t, uint64(1), res.Seed)
}

func TestEveryFailedExpectationIsReportedWithItsLine(t *testing.T) {
	st := parse(t, header+`step "one"
campaign n1
wait until leader elected within 5s
expect leader n2
set /a 1 as w
expect w value 2
expect log n1: 1 9
expect n3 is leader
wait until n3 is leader within 1s
expect leader n1 term 1
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	assert.False(t, res.Passed)
	assert.Equal(t, []string{
		"x.story:8: expected leader n2, got leader n1 in term 1",
		"x.story:10: expected w value 2, got ok (etcd index 8)",
		"x.story:11: expected log n1: 1 9, got: 1 1",
		"x.story:12: expected n3 is leader, got follower",
		"x.story:13: expected n3 to be leader within 1s, got n3 is follower",
	}, res.Failures)
}

func TestSeedOverrideAndReplay(t *testing.T) {
	src := header + "step \"s\"\nwait until leader elected within 5s\nset /a 1 as w\nexpect w ok\n"
	a, err := Run(parse(t, src), Options{})
	require.NoError(t, err)
	b, err := Run(parse(t, src), Options{})
	require.NoError(t, err)
	seed := uint64(99)
	c, err := Run(parse(t, src), Options{Seed: &seed})
	require.NoError(t, err)
	assert.Equal(t, a.TraceHash, b.TraceHash)
	assert.Equal(t, uint64(2), a.Seed)
	assert.Equal(t, uint64(99), c.Seed)
	assert.NotEqual(t, a.TraceHash, c.TraceHash)
}

func TestSetupProblemsAreErrors(t *testing.T) {
	_, err := Run(parse(t, header+"mkdir /d\n"), Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.story:5: mkdir is not supported")

	// Names the story never defined are refused by the parser, before a run can start.
	for _, body := range []string{"campaign n7\n", "expect old is follower\nlet old = leader\n"} {
		_, err := story.Parse("x.story", strings.NewReader(header+body))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "x.story:5: unknown node")
	}
}

// TestTermLabelsBindOnFirstUse: a label stands for whatever term the first assertion naming it
// saw; later assertions compare against it, and `after` asks for a later term.
func TestTermLabelsBindOnFirstUse(t *testing.T) {
	st := parse(t, header+`step "s"
campaign n1
wait until leader elected within 5s
expect leader n1 term T1
wait for 300ms
expect term n2 T1
transfer leadership to n2
wait until n2 is leader within 5s
expect leader n2 term T2 after T1
expect term n1 T2
expect leader n2 term T1
expect term n3 after T2
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"x.story:15: expected leader n2 in term T1 = 1, got leader n2 in term 2",
		"x.story:16: expected n3 in a term after T2 = 2, got term 2",
	}, res.Failures)
	assert.Contains(t, strings.Join(res.Narrative, "\n"), "T2 is term 2")
}

func TestMaxVirtualStopsALongStory(t *testing.T) {
	st := parse(t, header+"step \"long\"\nwait for 20s\nexpect leader n1\n")
	res, err := Run(st, Options{MaxVirtual: 5 * time.Second})
	require.NoError(t, err)
	require.False(t, res.Passed)
	assert.Equal(t, []string{"x.story:6: expected the story to end within 5s of virtual time, got more"}, res.Failures,
		"the story stops: the expect after the budget does not run")
	assert.LessOrEqual(t, res.VirtualTime, int64(5*time.Second))
}

func TestAliasesAndFaultWindowsOfCrashAndPause(t *testing.T) {
	st := parse(t, header+`step "s"
campaign n2
wait until leader elected within 5s
let boss = leader
crash boss
pause n3
wait for 500ms
expect boss is down
expect n3 is paused
restart boss
resume n3
wait until leader elected within 10s
expect available
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed, "%s", strings.Join(res.Failures, "\n"))
	require.Len(t, res.Faults, 2)
	assert.Equal(t, FaultWindow{Fault: "crash n2", Kind: "crash", Nodes: []string{"n2"}, Start: res.Faults[0].Start, End: res.Faults[0].Start + int64(500*time.Millisecond)}, res.Faults[0])
	assert.Equal(t, "pause", res.Faults[1].Kind)
	assert.Equal(t, []string{"n3"}, res.Faults[1].Nodes)
}

func TestUnavailableWhenTheMajorityIsGone(t *testing.T) {
	st := parse(t, header+`step "s"
wait until leader elected within 5s
crash n1
crash n2
crash n3
expect unavailable
expect available
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	require.Len(t, res.Failures, 1)
	assert.Contains(t, res.Failures[0], "x.story:11: expected the cluster to be available (a write to succeed), got ")
}

// cellTexts writes cells as "ROW VALUE tTERM[ committed]".
func cellTexts(cells []Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = fmt.Sprintf("%d %s t%d", c.Position, c.Value, c.Term)
		if c.Committed {
			out[i] += " committed"
		}
	}
	return out
}

func TestRenderStepMarksLeaderAndUncommittedCells(t *testing.T) {
	lines := renderStep(3, &StepSnapshot{Caption: "cap", At: 1500e6, Events: []string{"e1"}, Nodes: []NodeSnapshot{
		{Name: "n1", Role: "leader", Term: 2, Commit: 3, Cells: []Cell{{Position: 1, Value: "much", Committed: true}, {Position: 2, Value: "wow"}}},
		{Name: "n2", Role: "down"},
	}})
	assert.Equal(t, []string{
		"== 3. cap  [t=1.500 s]",
		"           n1 (L)  n2",
		"   role    leader  down",
		"   term    2       0",
		"   commit  3       0",
		"   1       much    .",
		"   2       wow*    .",
		"   (rows count client entries as the slides do; * = not committed on that node; commit = Raft's commit index)",
		"   - e1",
	}, lines)
}

func TestTransferLeadershipAndNamedMembership(t *testing.T) {
	st := parse(t, header+`step "s"
campaign n1
wait until leader elected within 5s
transfer leadership to n3
wait until n3 is leader within 5s
expect leader n3
member add n4 as grow
wait until grow done within 5s
expect grow ok
`)
	res, err := Run(st, Options{})
	require.NoError(t, err)
	require.True(t, res.Passed, "%s", strings.Join(res.Failures, "\n"))
	last := res.Steps[len(res.Steps)-1]
	require.Len(t, last.Nodes, 4, "the added member gets a column")
	assert.Equal(t, "n4", last.Nodes[3].Name)
	assert.Contains(t, strings.Join(res.Narrative, "\n"), "n1 transfers leadership to n3")
}
