package story

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEveryShippedStory(t *testing.T) {
	files, err := filepath.Glob("../stories/*.story")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		st, err := ParseFile(f)
		require.NoError(t, err, f)
		assert.NotEmpty(t, st.Stmts, f)
		assert.Equal(t, strings.TrimSuffix(filepath.Base(f), ".story"), st.Name, "the story's name matches its file")
	}
}

func TestParseMuchWowCool(t *testing.T) {
	st, err := ParseFile("../stories/much-wow-cool.story")
	require.NoError(t, err)
	assert.Equal(t, []string{"n1", "n2", "n3", "n4", "n5"}, st.Nodes)
	assert.False(t, st.CheckQuorum)
	assert.Equal(t, time.Second, st.Election)
	var logs []*Expect
	for _, s := range st.Stmts {
		if s.Kind == KindExpect && s.Expect.What == "log" {
			logs = append(logs, s.Expect)
		}
	}
	require.NotEmpty(t, logs)
	last := logs[len(logs)-1]
	assert.Equal(t, []string{"n1", "n2", "n3", "n4", "n5"}, last.Nodes)
	assert.Equal(t, []LogCell{{1, "much", true}, {2, "cool", true}}, last.Cells)
}

func TestParseStatements(t *testing.T) {
	src := `story demo
cluster 3
seed 7
step "one"
set /foo one on n2 as w1 async ttl 5s
cas /foo two three as c1
expect c1 error 101 "[two != one]"
expect leader among {n1, n2} term 3
expect n3 is follower
wait until leader elected among {n1,n2} within 2s
wait until w1 done
expect log n1: 1 much, 2 "wow" (uncommitted)
watch /a as w
expect watch w events: set /a, delete /a
partition {n1} {n2,n3}
`
	st, err := Parse("demo.story", strings.NewReader(src))
	require.NoError(t, err)
	assert.Equal(t, uint64(7), st.Seed)
	assert.Equal(t, []string{"n1", "n2", "n3"}, st.Nodes)
	s := st.Stmts
	require.Len(t, s, 12)
	assert.Equal(t, &Op{Verb: "set", Key: "/foo", Value: "one", On: "n2", Name: "w1", Async: true, TTL: 5 * time.Second, HasTTL: true}, s[1].Op)
	assert.Equal(t, &Op{Verb: "cas", Key: "/foo", PrevValue: "two", Value: "three", On: "leader", Name: "c1"}, s[2].Op)
	assert.Equal(t, &Expect{What: "result", Name: "c1", Outcome: "error", ErrorCode: 101, Cause: "[two != one]"}, s[3].Expect)
	assert.Equal(t, &Expect{What: "leader", Nodes: []string{"n1", "n2"}, Term: &TermRef{Number: 3}}, s[4].Expect)
	assert.Equal(t, &Expect{What: "role", Node: "n3", Role: "follower"}, s[5].Expect)
	assert.Equal(t, &Cond{What: "leader", Nodes: []string{"n1", "n2"}}, s[6].Cond)
	assert.Equal(t, 2*time.Second, s[6].Duration)
	assert.Equal(t, &Cond{What: "done", Name: "w1"}, s[7].Cond)
	assert.Equal(t, []LogCell{{1, "much", true}, {2, "wow", false}}, s[8].Expect.Cells)
	assert.Equal(t, []string{"set /a", "delete /a"}, s[10].Expect.Events)
	assert.Equal(t, KindFault, s[11].Kind)
	assert.Equal(t, "partition {n1} {n2,n3}", s[11].Text)
	assert.Equal(t, 15, s[11].Pos.Line)
}

func TestParseErrorsNameFileLineAndExpectation(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown verb", "story x\ncluster 3\nfrobnicate n1\n", `x.story:3: unknown statement "frobnicate"`},
		{"bad duration", "story x\ncluster 3\nwait for soon\n", `x.story:3: expected a duration as a duration like 500ms or 2s, found "soon"`},
		{"missing key slash", "story x\ncluster 3\nset foo bar\n", `x.story:3: expected a key starting with /`},
		{"bad role", "story x\ncluster 3\nexpect n1 is king\n", `x.story:3: expected a role`},
		{"bad cell", "story x\ncluster 3\nexpect log n1: 2 much\n", `x.story:3: log cell 1: expected position 1`},
		{"unterminated", "story x\ncluster 3\nsay \"hello\n", `x.story:3: unterminated string`},
		{"no story", "cluster 3\n", `x.story:1: missing ` + "`story NAME`"},
		{"no cluster", "story x\n", `x.story:1: missing ` + "`cluster`"},
		{"bad option", "story x\ncluster 3\nset /a b sideways\n", `x.story:3: unknown option "sideways"`},
		{"watch without name", "story x\ncluster 3\nwatch /a\n", `x.story:3: a watch needs a name`},
		{"check-quorum", "story x\ncluster 3\ncheck-quorum maybe\n", `x.story:3: expected on or off`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.story", strings.NewReader(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var se *Error
			assert.ErrorAs(t, err, &se)
		})
	}
}

func TestParsePrevIndexOfNamesAFencingToken(t *testing.T) {
	src := "story x\ncluster 3\ncreate /lock a ttl 2s as acquired\ncas /lock a a prev-index of acquired as fenced\ncas /lock a b prev-index 7\n"
	st, err := Parse("x.story", strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, st.Stmts, 3)
	assert.Equal(t, &Op{Verb: "cas", Key: "/lock", PrevValue: "a", Value: "a", PrevIndexOf: "acquired", On: "leader", Name: "fenced"}, st.Stmts[1].Op)
	assert.Equal(t, uint64(7), st.Stmts[2].Op.PrevIndex)
	assert.Empty(t, st.Stmts[2].Op.PrevIndexOf)

	_, err = Parse("x.story", strings.NewReader("story x\ncluster 3\ncas /lock a a prev-index of\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.story:3: expected an operation's name after `prev-index of`")
}

func TestParseNotFoundAndNotOk(t *testing.T) {
	st, err := Parse("x.story", strings.NewReader("story x\ncluster 3\nqget /a as r\nset /a 1 as w\nexpect r not found\nexpect w not ok\n"))
	require.NoError(t, err)
	require.Len(t, st.Stmts, 4)
	assert.Equal(t, &Expect{What: "result", Name: "r", Outcome: "not-found"}, st.Stmts[2].Expect)
	assert.Equal(t, &Expect{What: "result", Name: "w", Outcome: "not-ok"}, st.Stmts[3].Expect)

	_, err = Parse("x.story", strings.NewReader("story x\ncluster 3\nqget /a as r\nexpect r not there\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.story:4: expected `not ok` or `not found`")
}

func TestParseOneOfOk(t *testing.T) {
	ops := "story x\ncluster 3\ncas /a x a1 as a1 async\ncas /a x b1 as b1 async\ncas /a x c1 as c1 async\n"
	st, err := Parse("x.story", strings.NewReader(ops+"expect one of {a1,b1,c1} ok\n"))
	require.NoError(t, err)
	require.Len(t, st.Stmts, 4)
	assert.Equal(t, &Expect{What: "one-ok", Names: []string{"a1", "b1", "c1"}}, st.Stmts[3].Expect)

	_, err = Parse("x.story", strings.NewReader(ops+"expect one of {a1,b1} fail\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.story:6: expected `ok`")
}

func TestParseFileMissing(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "nope.story"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
}
