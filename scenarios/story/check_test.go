package story

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryArgumentIsCheckedAtParseTime: a story that names something it never defined, or gives
// an argument the lab cannot use, is refused before anything runs, with its file and line.
func TestEveryArgumentIsCheckedAtParseTime(t *testing.T) {
	const head = "story x\ncluster n1 n2 n3\n" // the statements below start at line 3
	cases := []struct {
		name, body, want string
	}{
		{"unclosed partition group", "partition {n1,n2 {n3}\n", `x.story:3: expected a fault the lab can apply, got "partition {n1,n2 {n3}": group "{n1,n2" is not {a,b,...}`},
		{"node in two groups", "partition {n1,n2} {n2,n3}\n", `x.story:3: expected a fault the lab can apply`},
		{"unknown node in partition", "partition {n1,n2} {n3,n9}\n", `x.story:3: unknown node "n9": expected a node in the fault (one of n1, n2, n3, leader)`},
		{"unknown node crashed", "crash n7\n", `x.story:3: unknown node "n7"`},
		{"bad percent", "loss 150%\n", `x.story:3: expected a fault the lab can apply, got "loss 150%": percent must be a number in [0,100]`},
		{"unknown fault", "slow n1\n", `x.story:3: unknown statement "slow"`},
		{"named crash", "crash n1 as boom\n", "x.story:3: only a membership change can be named with `as boom`"},
		{"member added twice", "member add n2\n", "x.story:3: `member add n2`: n2 is already a node"},
		{"alias used before let", "crash first\nlet first = leader\n", `x.story:3: unknown node "first"`},
		{"alias hides a node", "let n2 = leader\n", "x.story:3: `let n2` would hide the node n2"},
		{"unknown node on op", "set /a 1 on n4\n", `x.story:3: unknown node "n4": expected a node after ` + "`on`"},
		{"unknown campaign node", "campaign n0\n", `x.story:3: unknown node "n0"`},
		{"unknown wait node", "wait until n5 is leader\n", `x.story:3: unknown node "n5"`},
		{"unknown leader set", "expect leader among {n1,n8}\n", `x.story:3: unknown node "n8"`},
		{"unknown log node", "expect log n6: empty\n", `x.story:3: unknown node "n6"`},
		{"result of nothing", "expect w ok\n", "x.story:3: no operation called w before this line"},
		{"result before the op", "expect w ok\nset /a 1 as w\n", "x.story:3: no operation called w before this line"},
		{"wait for nothing", "wait until w done\n", "x.story:3: no operation called w before this line"},
		{"fencing token of nothing", "cas /a x y prev-index of acq\n", "x.story:3: no operation called acq before this line"},
		{"one of unknown", "set /a 1 as a1\nexpect one of {a1,b1} ok\n", "x.story:4: no operation called b1 before this line"},
		{"watch of nothing", "expect watch w events: set /a\n", "x.story:3: no watch called w before this line"},
		{"watch is not an op", "watch /a as w\nexpect w ok\n", "x.story:4: w is a watch, not an operation"},
		{"name reused", "set /a 1 as w\nset /a 2 as w\n", "x.story:4: the name w is already used by the operation at line 3"},
		{"unknown term label", "expect leader n1 term T2 after T1\n", "x.story:3: term label T1 is not defined before this line"},
		{"term label after itself", "expect leader n1 term T1 after T1\n", "x.story:3: a term cannot be later than itself"},
		{"bad term", "expect term n1 2x\n", `x.story:3: expected a term (a number, a label such as T2, or ` + "`after LABEL`" + `), found "2x"`},
		{"fractional ttl", "set /a 1 ttl 1500ms\n", "x.story:3: expected a ttl of whole seconds, at least 1s"},
		{"zero ttl", "set /a 1 ttl 0s\n", "x.story:3: expected a ttl of whole seconds, at least 1s"},
		{"ttl on a read", "qget /a ttl 2s\n", "x.story:3: qget does not take `ttl`"},
		{"prev-index on a set", "set /a 1 prev-index 3\n", "x.story:3: set does not take `prev-index`"},
		{"prev-index zero", "cas /a 1 2 prev-index 0\n", "x.story:3: expected a prev-index above 0"},
		{"recursive set", "set /a 1 recursive\n", "x.story:3: set does not take `recursive`"},
		{"async watch", "watch /a as w async\n", "x.story:3: a watch always runs alongside the story"},
		{"zero within", "wait until leader elected within 0s\n", "x.story:3: expected a duration above zero after `within`"},
		{"bad error code", "set /a 1 as w\nexpect w error 7\n", "x.story:4: expected an etcd error code such as 101 or 105, found 7"},
		{"bad watch event", "watch /a as w\nexpect watch w events: sett /a\n", "x.story:4: watch event 1: expected ACTION /key"},
		{"node twice in a set", "expect logs {n1,n2,n1}: empty\n", "x.story:3: node n1 is named twice in {n1,n2,n1}"},
		{"op twice in one-of", "set /a 1 as a1\nexpect one of {a1,a1} ok\n", "x.story:4: operation a1 is named twice"},
		{"write to the root", "set / x\n", "x.story:3: set /: the root directory is read-only"},
		{"negative latency", "latency -1ms..5ms\n", "x.story:3: expected a latency range like 1ms..5ms"},
		{"watch without events word", "watch /a as w\nexpect watch w set /a\n", "x.story:4: expected `events:` after the watch's name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.story", strings.NewReader(head+tc.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var se *Error
			assert.ErrorAs(t, err, &se)
		})
	}
}

func TestHeaderIsChecked(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"duplicate node", "story x\ncluster n1 n2 n1\n", "x.story:2: node n1 is named twice"},
		{"reserved node", "story x\ncluster n1 leader\n", `x.story:2: "leader" is a node reference`},
		{"bad node name", "story x\ncluster N1 n2\n", `x.story:2: expected node names like n1`},
		{"set as node", "story x\ncluster {n1,n2}\n", "x.story:2: expected a node name, found the set {n1,n2}"},
		{"election not a multiple", "story x\ncluster 3\nheartbeat 100ms\nelection 1050ms\n", "x.story:4: expected the election timeout (1.05s) to be a whole number of heartbeats (100ms), at least two"},
		{"election below heartbeat", "story x\ncluster 3\nheartbeat 2s\n", "x.story:3: expected the election timeout (1s) to be a whole number of heartbeats (2s)"},
		{"zero heartbeat", "story x\ncluster 3\nheartbeat 0s\n", "x.story:3: expected a heartbeat interval above zero"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.story", strings.NewReader(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTermsAreLabelsOrRelations(t *testing.T) {
	src := `story x
cluster n1 n2 n3
expect leader n1 term 1
expect leader n1 term T1
expect leader among {n2,n3} term T2 after T1
expect term n1 T2
expect term n2 after T1
member add n4 as grow
let old = leader
crash old
expect grow ok
`
	st, err := Parse("x.story", strings.NewReader(src))
	require.NoError(t, err)
	var terms []string
	for _, s := range st.Stmts {
		if s.Kind == KindExpect && s.Expect.Term != nil {
			terms = append(terms, s.Expect.Term.String())
		}
	}
	assert.Equal(t, []string{"1", "T1", "T2 after T1", "T2", "after T1"}, terms)
	assert.Equal(t, &TermRef{Label: "T2", After: "T1"}, st.Stmts[2].Expect.Term)
	assert.Equal(t, "grow", st.Stmts[5].Name, "a membership change keeps its name")
}
